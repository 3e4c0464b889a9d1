/**
 * A plugin whose render output is an XSS payload in every field, from the kernel to the page:
 * the text shows as text, filtered_html keeps its harmless markup, and no script runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createKernel } from '../../src/kernel/kernel.js';
import { cleanup, eventHandlerAttributes, mount, settle, text } from '../../src/render/test-helpers.js';
import { constantJson, watPlugin } from '../support/wat-plugin.js';

declare global {
  interface Window {
    __pwned?: unknown;
  }
}

const PWN = 'window.__pwned=1';
const TREE = {
  '#type': 'container',
  '#attributes': { onmouseover: PWN, id: `"><script>${PWN}</script>`, class: `x" onclick="${PWN}`, style: 'background:url(javascript:alert(1))' },
  a: { '#type': 'markup', '#weight': 1, '#value': `<img src=x onerror=${PWN}><script>${PWN}</script>` },
  b: {
    '#type': 'markup',
    '#weight': 2,
    '#format': 'filtered_html',
    '#value': `<p>kept</p><img src=x onerror=${PWN}><a href="javascript:${PWN}">link</a><svg onload=${PWN}></svg><iframe srcdoc="<script>${PWN}</script>"></iframe>`,
  },
  c: { '#type': 'link', '#weight': 3, '#title': `<b onmouseover=${PWN}>title</b>`, '#url': `javascript:${PWN}` },
  d: { '#type': 'link', '#weight': 4, '#title': 'data', '#url': `data:text/html,<script>${PWN}</script>` },
  e: { '#type': 'markup', '#weight': 5, '#tag': 'script', '#value': PWN },
};

afterEach(() => {
  cleanup();
  delete window.__pwned;
});

describe('XSS payloads in every render field, through the kernel', () => {
  it('are shown as text or removed; nothing runs', async () => {
    const answer = constantJson(16, JSON.stringify(TREE));
    const kernel = createKernel();
    await kernel.load([await watPlugin({ name: 'xss', fields: answer.data, exports: { tap_item_view: answer.body } })]);
    const { results } = await kernel.dispatch('tap_item_view', { item: {} });
    expect(results[0].output).toEqual(TREE);

    const host = mount(results[0].output, 'xss');
    await settle(host);
    expect(window.__pwned).toBeUndefined();
    expect(eventHandlerAttributes(host)).toEqual([]);
    expect(host.querySelectorAll('script, iframe, svg, object, embed')).toHaveLength(0);
    for (const el of host.querySelectorAll('[href], [src]')) {
      expect(el.getAttribute('href') ?? el.getAttribute('src')).not.toMatch(/^\s*(javascript|data):/i);
    }
    // `#value` and `#title` are text: the payload is visible, inert.
    expect(text(host)).toContain(`<img src=x onerror=${PWN}><script>${PWN}</script>`);
    expect(text(host)).toContain(`<b onmouseover=${PWN}>title</b>`);
    // filtered_html keeps harmless markup.
    expect([...host.querySelectorAll('p')].map((p) => p.textContent)).toContain('kept');
  });
});
