/**
 * Small style sheets written into the page: a Vite plugin that replaces a built page's
 * `<link rel="stylesheet">` to a CSS file of the build with a `<style>` holding it, when the file
 * is small. The site's own sheet is a few hundred bytes, yet as a file it is a request (a
 * revalidation on a warm load) that the page's first paint, its module scripts and the boot
 * script's last-page snapshot all wait for; written in, it costs nothing to wait for, as in a
 * static page. Larger sheets stay files, where the HTTP cache serves them.
 */
import type { Plugin } from 'vite';

/** Sheets up to this size are written into the page. */
export const INLINE_STYLESHEET_LIMIT = 8 * 1024;

/**
 * `html` with every stylesheet link whose file `cssOf` knows (by the path in its href) and
 * whose text is at most `limit` characters written in as a `<style>`; other links are left.
 *
 * @example inlineStylesheets('<link rel="stylesheet" href="/assets/a.css">', () => 'p{margin:0}')
 * // '<style>p{margin:0}</style>'
 */
export function inlineStylesheets(html: string, cssOf: (href: string) => string | undefined, limit = INLINE_STYLESHEET_LIMIT): string {
  return html.replace(/<link\b[^>]*>/gi, (tag) => {
    if (!/\brel=["']?stylesheet["'\s>]/i.test(tag)) return tag;
    const href = /\bhref=["']([^"']+)["']/i.exec(tag)?.[1];
    const css = href === undefined ? undefined : cssOf(href);
    if (css === undefined || css.length > limit) return tag;
    // Inside <style>…</style> no text may close the element.
    return `<style>${css.replace(/<\/(style)/gi, '<\\/$1')}</style>`;
  });
}

/** The build's pages get their small style sheets written in (build only: dev serves them as Vite does). */
export function inlineSmallStylesheets(): Plugin {
  let base = '/';
  return {
    name: 'trovato-inline-small-stylesheets',
    apply: 'build',
    configResolved(config) {
      base = config.base;
    },
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        const bundle = context.bundle;
        if (bundle === undefined) return html;
        return inlineStylesheets(html, (href) => {
          if (!href.startsWith(base)) return undefined;
          const asset = bundle[href.slice(base.length)];
          if (asset?.type !== 'asset') return undefined;
          return typeof asset.source === 'string' ? asset.source : new TextDecoder().decode(asset.source);
        });
      },
    },
  };
}
