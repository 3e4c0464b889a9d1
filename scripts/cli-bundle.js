// The compiled CLI: src/cli/main.ts and what it imports, bundled by esbuild into
// dist-cli/<build>/ (npm packages stay external and load natively: the AssemblyScript
// compiler imports in about a second instead of twenty through a TypeScript loader).
// dist-cli/current.json names the current build and its input files; a build whose inputs
// changed is rebuilt before it runs, so the command never runs stale code. Each build goes to
// its own folder and current.json is replaced atomically: commands started together (tests,
// build scripts) never import a half-written bundle.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const OUT = join(ROOT, 'dist-cli');
const POINTER = join(OUT, 'current.json');
const ENTRY = join(ROOT, 'src', 'cli', 'main.ts');
// Builds older than this are removed by the next build. A running command loads its chunks
// lazily (one per command), so an old build stays long after anything could still need it.
const STALE_MS = 24 * 60 * 60 * 1000;

/** The current build, or null when there is none or any of its inputs changed since. */
export function currentBuild() {
  let pointer;
  try {
    pointer = JSON.parse(readFileSync(POINTER, 'utf8'));
  } catch {
    return null;
  }
  for (const input of pointer.inputs) {
    let mtime;
    try {
      mtime = statSync(join(ROOT, input)).mtimeMs;
    } catch {
      return null;
    }
    if (mtime > pointer.builtAt) return null;
  }
  const entry = join(OUT, pointer.dir, 'trovato.js');
  return existsSync(entry) ? entry : null;
}

/** Bundles the CLI into a new build folder and makes it current; returns its entry file. */
export async function buildCli() {
  const { build } = await import('esbuild');
  const builtAt = Date.now();
  const dir = `${builtAt.toString(36)}-${process.pid}`;
  const outdir = join(OUT, dir);
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    // `trovato serve` starts worker threads from files beside the bundle: its kernel threads
    // and the PostgreSQL connection thread (see threadEntry in src/server/kernel-pool.ts).
    entryPoints: {
      trovato: ENTRY,
      'kernel-thread': join(ROOT, 'src', 'server', 'kernel-thread-main.ts'),
      'pg-thread': join(ROOT, 'src', 'kernel', 'storage', 'sql', 'pg-thread.mjs'),
    },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    metafile: true,
    logLevel: 'warning',
  });
  // The served site's script (/assets/site.js of `trovato serve`, src/server/client-script.ts),
  // bundled for the browser beside the CLI so a server never builds it at run time.
  const client = await build({
    entryPoints: { 'site-client': join(ROOT, 'src', 'served-main.ts') },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    metafile: true,
    logLevel: 'warning',
  });
  const inputs = [...new Set([...Object.keys(result.metafile.inputs), ...Object.keys(client.metafile.inputs)])].map((p) => relative(ROOT, resolve(ROOT, p)));
  const temporary = `${POINTER}.${process.pid}`;
  writeFileSync(temporary, JSON.stringify({ dir, builtAt, inputs }));
  renameSync(temporary, POINTER);
  for (const old of readdirSync(OUT, { withFileTypes: true })) {
    if (!old.isDirectory() || old.name === dir) continue;
    const age = builtAt - statSync(join(OUT, old.name)).mtimeMs;
    if (age > STALE_MS) rmSync(join(OUT, old.name), { recursive: true, force: true });
  }
  return join(outdir, 'trovato.js');
}

/** The CLI module, rebuilt first when its sources changed. */
export async function loadCli() {
  const entry = currentBuild() ?? (await buildCli());
  return import(pathToFileURL(entry).href);
}

// `node scripts/cli-bundle.js` (npm's `prepare`): build now.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const entry = await buildCli();
  console.log(`trovato CLI bundled: ${relative(ROOT, entry)}`);
}
