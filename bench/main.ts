/** `npm run bench`: the benchmark runner (a development tool, run through tsx, not part of the CLI). */
import { runBench } from './run.js';

process.exitCode = await runBench(process.argv.slice(2));
