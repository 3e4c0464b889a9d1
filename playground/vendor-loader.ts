/**
 * Loads the AssemblyScript compiler from the static files `vite-plugin.ts` serves, once per
 * worker, reporting download progress. The files import each other by relative URL; they are
 * fetched here (for progress) and imported from blob URLs so nothing is downloaded twice.
 */

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

let listener: (progress: LoadProgress) => void = () => undefined;
let loading: Promise<AscModule> | null = null;

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
  const base = new URL(`${import.meta.env.BASE_URL}vendor/assemblyscript/`, self.location.href);
  const response = await fetch(new URL('manifest.json', base));
  if (!response.ok) throw new Error(`The AssemblyScript compiler is not served at ${base.href} (HTTP ${response.status}); run the site with \`npm start\` or \`npm run build\`.`);
  const manifest = (await response.json()) as VendorManifest;
  const total = manifest.files.reduce((sum, file) => sum + file.size, 0);
  const loadedBy = new Map<string, number>();
  const report = (): void => {
    let loaded = 0;
    for (const n of loadedBy.values()) loaded += n;
    listener({ loaded: Math.min(loaded, total), total });
  };
  const texts = new Map(
    await Promise.all(
      manifest.files.map(async (file) => [file.name, await fetchText(new URL(file.name, base), (n) => (loadedBy.set(file.name, n), report()))] as const),
    ),
  );
  // Blob URLs in dependency order, each file's relative imports pointed at the ones before it.
  const urls = new Map<string, string>();
  for (const name of ['long.js', 'binaryen.js', 'assemblyscript.js', 'asc.js']) {
    let text = texts.get(name);
    if (text === undefined) throw new Error(`The compiler's manifest does not list ${name}.`);
    for (const [dep, url] of urls) text = text.split(`"./${dep}"`).join(JSON.stringify(url));
    urls.set(name, URL.createObjectURL(new Blob([text], { type: 'text/javascript' })));
  }
  return (await import(/* @vite-ignore */ urls.get('asc.js') as string)) as AscModule;
}

async function fetchText(url: URL, progress: (loaded: number) => void): Promise<string> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`Downloading ${url.href} failed (HTTP ${response.status}).`);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    progress(loaded);
  }
  return new TextDecoder().decode(await new Blob(chunks as BlobPart[]).arrayBuffer());
}
