import { html } from 'lit';
import { attributes } from './attributes-directive.js';
import { describeValue } from './error-box.js';
import { prop, textOf } from './props.js';
import { safeUrl } from './safe-url.js';
import type { Rendered, RenderScope } from './scope.js';

const EXTERNAL_REL = 'noopener noreferrer nofollow';

/**
 * `link`: `#title` as text, to `#url` (or `#href`). Internal paths get `data-route` so the SPA
 * navigates them; external links get `rel="noopener noreferrer nofollow"`; a URL `safeUrl`
 * refuses renders the title as plain text carrying `data-blocked-url`, so the page shows the
 * words but nothing can follow the URL.
 */
export function renderLink(element: Record<string, unknown>, scope: RenderScope): Rendered {
  const rawUrl = prop(element, '#url') ?? prop(element, '#href');
  if (typeof rawUrl !== 'string') {
    return scope.error(
      `a "link" needs a "#url" string (a path such as "/blog" or an http(s) URL); ` +
        `it has ${describeValue(rawUrl)}.`,
    );
  }
  const rawTitle = prop(element, '#title');
  const title = textOf(rawTitle);
  if (title === null) {
    return scope.error(`its "#title" is ${describeValue(rawTitle)}; give the link text.`);
  }
  const attrs = prop(element, '#attributes');
  const extra = scope.rejectChildren(element, 'link');
  const url = safeUrl(rawUrl);
  if (url === null) {
    return html`<span
        ${attributes(attrs, 'blocked-link')}
        data-blocked-url=${rawUrl}
        title="Link removed: its URL is not allowed"
        >${title || rawUrl}</span
      >${extra}`;
  }
  const text = title || url.href;
  if (url.kind === 'internal') {
    return html`<a ${attributes(attrs)} href=${url.href} data-route=${url.href}>${text}</a>${extra}`;
  }
  return html`<a ${attributes(attrs)} href=${url.href} rel=${EXTERNAL_REL}>${text}</a>${extra}`;
}
