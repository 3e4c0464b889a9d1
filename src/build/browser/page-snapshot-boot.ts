/**
 * The site page's last-page snapshot at boot (src/ui/page-snapshot.ts): a Vite plugin that adds
 * to the site's index.html
 * - `<meta name="trovato-plugins-digest">`: the SHA-256 of plugins.json and every listed plugin's
 *   manifest and module as they are in public/plugins, so a snapshot made with other plugin files
 *   is never shown (the page knows it without downloading a plugin);
 * - the boot script (src/ui/page-snapshot-boot.ts) bundled by esbuild into one classic inline
 *   script at the end of the body: the parser runs it as soon as it has read <trovato-site> (and
 *   the style sheets before it), so a matching snapshot goes in while the page is being parsed,
 *   as a static page's content would; then it starts the built kernel worker (its file found in
 *   the bundle). At the top of the head it ran first but showed nothing until the whole
 *   document was parsed, the parser having yielded to other tasks after it (about 15 ms later
 *   in `bench/profile-boot.ts`; the e2e snapshot test checks the snapshot now comes first).
 * In dev both are made afresh for every load of the page, so a rebuilt plugin changes the digest.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import type { Plugin } from 'vite';
import { pluginPreloadPathsIn } from './plugin-preloads.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const BOOT_ENTRY = join(ROOT, 'src/ui/page-snapshot-boot.ts');
/** The kernel worker's file in the build (src/worker/kernel-worker.ts). */
const KERNEL_WORKER_FILE = /(^|\/)kernel-worker-[\w-]+\.js$/;

/** The digest of the plugin files listed in `<publicDir>/plugins/plugins.json`; null without an index. */
export function pluginFilesDigest(publicDir: string): string | null {
  const dir = join(publicDir, 'plugins');
  const indexFile = join(dir, 'plugins.json');
  if (!existsSync(indexFile)) return null;
  const index = readFileSync(indexFile);
  const hash = createHash('sha256').update(index);
  let names: unknown;
  try {
    names = (JSON.parse(index.toString('utf8')) as { plugins?: unknown }).plugins;
  } catch {
    return null;
  }
  if (!Array.isArray(names)) return null;
  for (const name of names) {
    if (typeof name !== 'string') continue;
    for (const file of [`${name}/${name}.info.toml`, `${name}/${name}.wasm`]) {
      const path = join(dir, file);
      // A missing file is part of what the page gets (the site reports it): digest its absence.
      hash.update(`\0${file}\0`).update(existsSync(path) ? readFileSync(path) : 'missing');
    }
  }
  return hash.digest('hex');
}

/** The site name of the page's <trovato-site>, as the element reads it (its default when absent). */
export function siteNameIn(html: string): string {
  return /<trovato-site\b[^>]*\bsite-name="([^"]*)"/.exec(html)?.[1] ?? 'trovato-site';
}

/**
 * The boot script as one inline classic script for the site `siteName` served under `base`,
 * starting the kernel worker at `kernelWorker` (none when empty) and preloading `pluginFiles`
 * (plugin-preloads.ts) once the snapshot is shown or known not to show.
 */
export async function bootScript(base: string, siteName: string, kernelWorker: string, pluginFiles: readonly string[]): Promise<string> {
  const result = await build({
    entryPoints: [BOOT_ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2022',
    minify: true,
    define: {
      __TROVATO_BASE__: JSON.stringify(base),
      __TROVATO_SITE_NAME__: JSON.stringify(siteName),
      __TROVATO_KERNEL_WORKER__: JSON.stringify(kernelWorker),
      __TROVATO_PLUGIN_FILES__: JSON.stringify(pluginFiles),
    },
    logLevel: 'silent',
  });
  // The script sits inside <script>…</script>: no text in it may close that element.
  return result.outputFiles[0].text.replace(/<\/(script)/gi, '<\\/$1');
}

export function pageSnapshotBoot(): Plugin {
  let base = '/';
  let publicDir = '';
  const built = new Map<string, Promise<string>>();
  let serving = false;
  return {
    name: 'trovato-page-snapshot-boot',
    configResolved(config) {
      base = config.base;
      publicDir = config.publicDir;
      serving = config.command === 'serve';
    },
    transformIndexHtml: {
      order: 'post',
      async handler(html, context) {
        if (context.path !== '/index.html') return [];
        const digest = pluginFilesDigest(publicDir);
        if (digest === null) return [];
        const siteName = siteNameIn(html);
        // The built kernel worker, which the boot script starts early; in dev Vite serves it under a URL of its own making.
        const worker = Object.keys(context.bundle ?? {}).find((file) => KERNEL_WORKER_FILE.test(file));
        const workerUrl = worker === undefined ? '' : `${base}${worker}`;
        const pluginFiles = pluginPreloadPathsIn(publicDir, base);
        // Bundled once per build; in dev once per load, so an edit of the script shows.
        const key = JSON.stringify([siteName, workerUrl, pluginFiles]);
        let script = built.get(key);
        if (script === undefined || serving) built.set(key, (script = bootScript(base, siteName, workerUrl, pluginFiles)));
        return [
          { tag: 'script', children: await script, injectTo: 'body' },
          { tag: 'meta', attrs: { name: 'trovato-plugins-digest', content: digest }, injectTo: 'head' },
        ];
      },
    },
  };
}
