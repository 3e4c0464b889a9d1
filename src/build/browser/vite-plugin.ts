/**
 * Serves the AssemblyScript compiler to the playground as static files under
 * `/vendor/assemblyscript/` (dev server and build), instead of through Vite's dependency
 * pipeline, which takes 9-14 s over its ~15 MB. The compile worker fetches them on the first
 * compile, with progress (see `vendor-loader.ts`). binaryen's wasm is served as a file of its
 * own (`binaryen-vendor.ts`), so the browser compiles it while it downloads and caches the
 * compiled code.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { splitBinaryen, WASM_FILE, WASM_SLOT_FILE, WASM_SLOT_SOURCE } from './binaryen-vendor.js';
import { PACKAGE_ROOT } from '../package-root.js';

/** Where the files are served, below the site's base URL. */
export const VENDOR_DIR = 'vendor/assemblyscript/';

interface VendorFile {
  /** The served name. */
  name: string;
  /** package/path as node resolves it. */
  from: string;
}

// asc needs the AssemblyScript library, which needs binaryen and long; nothing else is imported
// in a browser (asc's node-only imports sit behind a process check).
const FILES: readonly VendorFile[] = [
  { name: 'asc.js', from: 'assemblyscript/dist/asc.js' },
  { name: 'assemblyscript.js', from: 'assemblyscript/dist/assemblyscript.js' },
  { name: 'binaryen.js', from: 'binaryen/index.js' },
  { name: 'long.js', from: 'long/index.js' },
];

const here = dirname(fileURLToPath(import.meta.url));
const LOADER = join(here, 'asc-loader.ts');

function locate(spec: string): string {
  const [pkg, ...rest] = spec.split('/');
  // binaryen and long are assemblyscript's dependencies: look beside it first, where npm may nest them.
  const fromDirs = [PACKAGE_ROOT, packageDir('assemblyscript', PACKAGE_ROOT)];
  for (const from of fromDirs.reverse()) {
    const dir = packageDir(pkg, from);
    if (dir) return join(dir, ...rest);
  }
  throw new Error(`The playground needs the npm package ${pkg}; run npm install.`);
}

/** The folder of `pkg` as Node resolves it from `from` (without `require.resolve`: `exports` hides package.json). */
function packageDir(pkg: string, from: string): string {
  const paths = createRequire(join(from, 'package.json')).resolve.paths(pkg) ?? [];
  return paths.map((dir) => join(dir, pkg)).find((dir) => existsSync(join(dir, 'package.json'))) ?? '';
}

/**
 * The file's text with bare imports pointed at the sibling files: workers have no import maps.
 * Source-map comments go too, because the maps are not served.
 */
function vendorText(file: VendorFile): string {
  return readFileSync(locate(file.from), 'utf8')
    .replace(/(\bfrom\s*)"(binaryen|long|assemblyscript)"/g, (_m, from: string, name: string) => `${from}"./${name}.js"`)
    .replace(/^\/\/# sourceMappingURL=.*$/m, '');
}

/** The manifest the loader reads first: file names and sizes, so progress has a total. */
function manifest(files: Map<string, string | Uint8Array>): string {
  const version = (JSON.parse(readFileSync(locate('assemblyscript/package.json'), 'utf8')) as { version: string }).version;
  const list = [...files].map(([name, body]) => ({ name, size: typeof body === 'string' ? Buffer.byteLength(body) : body.length }));
  return JSON.stringify({ version, files: list });
}

/** Every served file: the JavaScript (binaryen's without its wasm), the wasm, and the slot between them. */
function allFiles(): Map<string, string | Uint8Array> {
  const files = new Map<string, string | Uint8Array>();
  for (const file of FILES) {
    const text = vendorText(file);
    if (file.name !== 'binaryen.js') {
      files.set(file.name, text);
      continue;
    }
    const { js, wasm } = splitBinaryen(text);
    files.set(file.name, js);
    files.set(WASM_SLOT_FILE, WASM_SLOT_SOURCE);
    files.set(WASM_FILE, wasm);
  }
  return files;
}

function contentType(name: string): string {
  if (name.endsWith('.json')) return 'application/json';
  if (name.endsWith('.wasm')) return 'application/wasm';
  return 'text/javascript; charset=utf-8';
}

/**
 * The page-side plugin: serves the vendored compiler in dev, emits it into the build, and
 * points `assemblyscript/asc` at the lazy loader.
 */
export function assemblyScriptVendor(): Plugin[] {
  let cache: { key: string; files: Map<string, string | Uint8Array>; manifest: string } | null = null;
  const current = (): { files: Map<string, string | Uint8Array>; manifest: string } => {
    const key = FILES.map((f) => statSync(locate(f.from)).mtimeMs).join(',');
    if (cache?.key !== key) {
      const files = allFiles();
      cache = { key, files, manifest: manifest(files) };
    }
    return cache;
  };
  return [
    ascFromVendor(),
    {
      name: 'trovato:assemblyscript-vendor',
      configureServer(server) {
        const prefix = `${server.config.base}${VENDOR_DIR}`;
        server.middlewares.use((req, res, next) => {
          const path = req.url?.split('?')[0] ?? '';
          if (!path.startsWith(prefix)) return next();
          const name = path.slice(prefix.length);
          const { files, manifest: index } = current();
          const body = name === 'manifest.json' ? index : files.get(name);
          if (body === undefined) return next();
          res.setHeader('Content-Type', contentType(name));
          res.setHeader('Content-Length', typeof body === 'string' ? Buffer.byteLength(body) : body.length);
          res.end(body);
        });
      },
      generateBundle() {
        const { files, manifest: index } = current();
        for (const [name, body] of files) this.emitFile({ type: 'asset', fileName: `${VENDOR_DIR}${name}`, source: body });
        this.emitFile({ type: 'asset', fileName: `${VENDOR_DIR}manifest.json`, source: index });
      },
    },
  ];
}

/**
 * Resolves `assemblyscript/asc` (imported by src/build/compile-plugin.ts) to the playground's
 * loader of the vendored files. Also needed in `worker.plugins`: a worker bundle gets no page
 * plugins. Off on Vitest's dev servers, where compile-plugin's own tests import the package
 * directly; on for every build (the playground's end-to-end test builds the site).
 */
export function ascFromVendor(): Plugin {
  return {
    name: 'trovato:asc-from-vendor',
    enforce: 'pre',
    apply: (_config, env) => env.command === 'build' || !process.env.VITEST,
    resolveId(id) {
      return id === 'assemblyscript/asc' ? LOADER : null;
    },
  };
}
