/**
 * Loads the AssemblyScript compiler from the static files `vite-plugin.ts` serves, once per
 * worker, reporting download progress. binaryen's wasm (9 of the compiler's 11 MB) is compiled
 * here while it downloads, from its URL, so that the browser's cache of compiled code serves
 * the next visit; the module is handed to binaryen through `binaryen-wasm.js`. The JavaScript
 * files are imported from their URLs, so the browser's code cache applies to them too (it does
 * not to blob URLs, which the loader used before: the compiler then took 7-10 s to be ready
 * even from the HTTP cache).
 */
import { WASM_FILE, WASM_SLOT_FILE } from './binaryen-vendor.js';

/** Download progress in bytes over every file of the compiler. */
export interface LoadProgress {
  loaded: number;
  total: number;
}

interface VendorManifest {
  version: string;
  files: Array<{ name: string; size: number }>;
}

/** The module shape compile-plugin.ts uses (`import('assemblyscript/asc')`). */
export type AscModule = typeof import('assemblyscript/asc');

/** Where the last load's time went, for the benchmark: binaryen's wasm compiled, and every module imported (which waits for it). */
export const timings = { wasmCompiledMs: NaN, importedMs: NaN };

let listener: (progress: LoadProgress) => void = () => undefined;
let loading: Promise<AscModule> | null = null;
/**
 * Whether a load got as far as importing the compiler's modules: a page keeps a module that
 * failed to evaluate as failed, so trying again in the same worker cannot succeed.
 */
let imported = false;

/** Called with progress while the compiler downloads (the compile worker forwards it to the page). */
export function onVendorProgress(callback: (progress: LoadProgress) => void): void {
  listener = callback;
}

/** The compiler, downloaded on the first call. A failed download is retried on the next call. */
export function loadAssemblyScript(): Promise<AscModule> {
  loading ??= load().catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

async function load(): Promise<AscModule> {
  if (imported) throw new Error('The compiler failed to load earlier in this page and cannot be loaded again here; reload the page to try again.');
  const base = new URL(`${import.meta.env.BASE_URL}vendor/assemblyscript/`, self.location.href);
  const response = await fetch(new URL('manifest.json', base));
  if (!response.ok) throw new Error(`The AssemblyScript compiler is not served at ${base.href} (HTTP ${response.status}); run the site with \`npm start\` or \`npm run build\`.`);
  const manifest = (await response.json()) as VendorManifest;
  const total = manifest.files.reduce((sum, file) => sum + file.size, 0);
  const wasmUrl = new URL(WASM_FILE, base);
  const wasm = await fetch(wasmUrl);
  if (!wasm.ok || !wasm.body) throw new Error(`Downloading ${wasmUrl.href} failed (HTTP ${wasm.status}).`);
  // Progress from a copy of the stream; the response itself goes to the compiler, URL and all.
  void countBytes(wasm.clone(), (loaded) => listener({ loaded: Math.min(loaded, total), total }));
  imported = true;
  const slot = (await import(/* @vite-ignore */ new URL(WASM_SLOT_FILE, base).href)) as { provideModule(module: Promise<WebAssembly.Module>): void };
  const compiled = WebAssembly.compileStreaming(wasm);
  slot.provideModule(compiled);
  const started = performance.now();
  void compiled.then(() => (timings.wasmCompiledMs = performance.now() - started), () => undefined);
  const asc = (await import(/* @vite-ignore */ new URL('asc.js', base).href)) as AscModule;
  timings.importedMs = performance.now() - started;
  listener({ loaded: total, total });
  return asc;
}

/** Reads a response's body to its end, reporting the bytes read so far. */
async function countBytes(response: Response, progress: (loaded: number) => void): Promise<void> {
  const reader = response.body?.getReader();
  if (!reader) return;
  let loaded = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      loaded += value.length;
      progress(loaded);
    }
  } catch {
    // The compile reads the same bytes and reports a broken download itself.
  }
}
