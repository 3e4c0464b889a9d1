// A `trovato serve` kernel worker thread started from the sources (the bundled CLI starts its
// own bundle, dist-cli/<build>/kernel-thread.js, instead): it registers the TypeScript loader
// (a worker thread does not inherit the one the caller registered) and runs
// kernel-thread-main.ts.
import { register } from 'tsx/esm/api';

register();
await import('./kernel-thread-main.ts');
