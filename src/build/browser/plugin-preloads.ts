/**
 * The site page asks for its plugin files from its first bytes: a Vite plugin that adds a
 * `<link rel="preload" as="fetch">` to the site's index.html for the plugin index and each
 * plugin's manifest and module listed in `public/plugins/plugins.json`. Without them those
 * requests start only once the page's script has loaded and run, and the kernel worker then
 * waits for them; with them, the page's own fetches (kernel-controller.ts) take the responses
 * already under way. The hrefs are the URLs fetch-plugins.ts asks for, so the two never differ.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HtmlTagDescriptor, Plugin } from 'vite';
import { pluginFileUrls, pluginIndexUrl } from '../../kernel/plugin/fetch-plugins.js';

/**
 * The preload tags for the plugins named in `index` (plugins.json's text), served at
 * `<base>plugins/`; none when the index is missing or unreadable (the page then reports it).
 */
export function pluginPreloadTags(index: string | null, base: string): HtmlTagDescriptor[] {
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
  const files = [pluginIndexUrl(pluginsUrl), ...names.filter((name): name is string => typeof name === 'string').flatMap((name) => Object.values(pluginFileUrls(pluginsUrl, name)))];
  // crossorigin: fetch() asks in cors mode, and a preload is only reused by a request of the same mode.
  return files.map((url) => ({ tag: 'link', attrs: { rel: 'preload', href: path(url), as: 'fetch', crossorigin: 'anonymous' }, injectTo: 'head' }));
}

/** Adds the preloads to the site's page (index.html at the root), in dev and in the build. */
export function pluginPreloads(): Plugin {
  let base = '/';
  let publicDir = '';
  return {
    name: 'trovato-plugin-preloads',
    configResolved(config) {
      base = config.base;
      publicDir = config.publicDir;
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, context) {
        if (context.path !== '/index.html') return [];
        const indexFile = join(publicDir, 'plugins', 'plugins.json');
        return pluginPreloadTags(existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : null, base);
      },
    },
  };
}
