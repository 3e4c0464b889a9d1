// `npm test`: the node and browser projects in one Vitest process and the e2e project in a
// second one, side by side. In a single process Vitest runs a project whose files go one at a
// time (e2e: `fileParallelism: false`) only after every other project has finished, so the e2e
// files, which mostly wait on Chromium, never overlapped with the CPU-bound unit tests. The
// e2e report is held and printed when both have finished, so the two reports do not
// interleave. Arguments go to both: `npm test -- --reporter=verbose`.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const VITEST = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const extra = process.argv.slice(2);

/** Runs `vitest run` on `projects`; with `hold`, its output is kept and returned, not shown. */
function vitest(projects, { hold }) {
  const args = [VITEST, 'run', ...projects.flatMap((name) => ['--project', name]), ...extra];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: hold ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    const output = [];
    if (hold) {
      child.stdout.on('data', (chunk) => output.push(chunk));
      child.stderr.on('data', (chunk) => output.push(chunk));
    }
    child.on('error', (error) => resolve({ ok: false, output: `Vitest could not be started (${error.message}); run npm install.\n` }));
    child.on('close', (code, signal) =>
      resolve({ ok: code === 0, output: Buffer.concat(output).toString() + (signal ? `\nVitest was stopped by ${signal}.\n` : '') }),
    );
  });
}

console.log('npm test: the node and browser projects below; the e2e project runs beside them and its report follows theirs.\n');
const [units, e2e] = await Promise.all([vitest(['node', 'browser'], { hold: false }), vitest(['e2e'], { hold: true })]);
console.log(`\n── e2e project (ran beside the node and browser projects) ──\n${e2e.output}`);
if (!units.ok || !e2e.ok) console.error(`npm test failed in ${[units.ok ? '' : 'the node or browser project', e2e.ok ? '' : 'the e2e project'].filter(Boolean).join(' and ')}.`);
process.exitCode = units.ok && e2e.ok ? 0 : 1;
