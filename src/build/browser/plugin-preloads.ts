/**
 * The plugin files the site page fetches at boot, known when the page is built: plugins.json
 * and each listed plugin's manifest and module in `public/plugins`. The boot script
 * (page-snapshot-boot.ts) asks for all of them at once, as `<link rel="preload" as="fetch">`s,
 * as soon as the last-page snapshot is shown or known not to show, and the page's own fetches
 * (fetch-plugins.ts, from the boot script or the controller) take the responses already under
 * way. Not as preload tags in the HTML: the browser then issued the requests and handled their
 * responses on the page's thread while it parsed the page, before the snapshot could show
 * (bench/boot-builds.ts: the snapshot 4-11 ms later; see src/ui/page-snapshot-boot.ts).
 * The paths are the URLs fetch-plugins.ts asks for, so the two never differ.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pluginFileUrls, pluginIndexUrl } from '../../kernel/plugin/fetch-plugins.js';

/**
 * The paths of the plugin files for the plugins named in `index` (plugins.json's text), served
 * at `<base>plugins/`; none when the index is missing or unreadable (the page then reports it).
 */
export function pluginPreloadPaths(index: string | null, base: string): string[] {
  let names: unknown;
  try {
    names = index === null ? null : (JSON.parse(index) as { plugins?: unknown }).plugins;
  } catch {
    return [];
  }
  if (!Array.isArray(names)) return [];
  // Paths, not absolute URLs: the page's origin is not known when the HTML is written.
  const pluginsUrl = new URL(`${base}plugins/`, 'http://site.invalid').href;
  const path = (url: string) => new URL(url).pathname;
  return [pluginIndexUrl(pluginsUrl), ...names.filter((name): name is string => typeof name === 'string').flatMap((name) => Object.values(pluginFileUrls(pluginsUrl, name)))].map(path);
}

/** `pluginPreloadPaths` for the plugins in `<publicDir>/plugins/plugins.json` as it is now. */
export function pluginPreloadPathsIn(publicDir: string, base: string): string[] {
  const indexFile = join(publicDir, 'plugins', 'plugins.json');
  return pluginPreloadPaths(existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : null, base);
}
