// The bare AssemblyScript compiler, for the CLI cases of `npm run bench` to compare against:
// a fresh Node process imports asc and compiles plugins/hello with the flags every plugin
// build uses (src/build/compile-plugin.ts), once cold, then `warm` more times in the same
// process; with a third argument `unoptimized`, without the optimizer (as `trovato dev`'s first
// build of a save). Prints one JSON line: {importMs, firstCompileMs, totalMs, warmMs: [...]}.
const started = performance.now();
const { default: asc } = await import('assemblyscript/asc');
const imported = performance.now();
const warm = Number(process.argv[2] ?? 0);
const outFile = process.argv[3] ?? 'hello.bench.wasm';
const optimized = process.argv[4] !== 'unoptimized';
const argv = ['plugins/hello/index.ts', '--outFile', outFile, '--runtime', 'stub', '--initialMemory', '4', ...(optimized ? ['--optimizeLevel', '3', '--shrinkLevel', '1'] : [])];
const quiet = { stdout: { write() {} }, stderr: { write() {} } };

async function compile() {
  const t = performance.now();
  const result = await asc.main(argv, quiet);
  if (result.error) throw result.error;
  return performance.now() - t;
}

const firstCompileMs = await compile();
const totalMs = performance.now() - started;
const warmMs = [];
for (let i = 0; i < warm; i++) warmMs.push(await compile());
console.log(JSON.stringify({ importMs: imported - started, firstCompileMs, totalMs, warmMs }));
