// A `trovato serve` kernel worker thread starts here: it registers the TypeScript loader (a
// worker thread does not inherit the one the CLI or the tests registered) and runs
// kernel-thread-main.ts.
import { register } from 'tsx/esm/api';

register();
await import('./kernel-thread-main.ts');
