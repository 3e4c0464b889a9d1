/**
 * The server's HTML (src/render/render-html.ts, with the page's DOMPurify sanitizer on jsdom for
 * filtered_html): the hostile trees of the browser tests come out with the same rules applied.
 * Checked by parsing the HTML the server sends, as a browser would, in a document of its own.
 * (src/render/render-html.browser.test.ts compares it with the Lit renderer in Chromium.)
 */
import { describe, expect, it } from 'vitest';
import { JSDOM } from 'jsdom';
import { renderHtml } from '../../src/render/render-html.js';
import { sanitizeOnServer } from '../../src/server/server-sanitizer.js';

const PWN = 'window.__pwned=1';

function parse(tree: unknown): DocumentFragment {
  return JSDOM.fragment(renderHtml(tree, { plugin: 'hostile', sanitize: sanitizeOnServer }).text);
}

function expectNoScript(root: DocumentFragment): void {
  expect(root.querySelectorAll('script, iframe, object, embed, style')).toHaveLength(0);
  for (const element of root.querySelectorAll('*')) {
    for (const attribute of element.attributes) expect(attribute.name.startsWith('on'), `${element.localName}[${attribute.name}]`).toBe(false);
    for (const name of ['href', 'src']) {
      const url = element.getAttribute(name);
      if (url !== null) expect(url).toMatch(/^(\/(?![/\\])|https?:\/\/|mailto:)/);
    }
  }
}

describe('server-rendered RenderElement trees', () => {
  it('escapes text, sanitizes filtered_html with the page\'s DOMPurify rules, and keeps the safe part', () => {
    const root = parse({
      '#type': 'container',
      plain: { '#type': 'markup', '#value': `<script>${PWN}</script>` },
      html: { '#type': 'markup', '#format': 'filtered_html', '#value': `<p id="intro">ok</p><img src="x" onerror="${PWN}"><a href="javascript:${PWN}">x</a><a href="/blog">in</a><a href="https://e.example/">out</a><script>${PWN}</script>` },
    });
    expect(root.firstElementChild!.firstElementChild!.textContent).toBe(`<script>${PWN}</script>`);
    expect(root.querySelector('p')!.id).toBe('user-content-intro');
    expect(root.querySelector('a[href="/blog"]')!.getAttribute('data-route')).toBe('/blog');
    expect(root.querySelector('a[href="https://e.example/"]')!.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expectNoScript(root);
  });

  it('applies the attribute and URL allow-lists to plugin elements', () => {
    const root = parse({
      '#type': 'container',
      '#attributes': { onclick: PWN, style: 'x', id: 'box', class: ['a', 'b'], 'data-route': '/evil', 'aria-labelledby': 'box' },
      bad: { '#type': 'link', '#title': 'bad', '#url': `javascript:${PWN}` },
      good: { '#type': 'link', '#title': 'good', '#url': '/tags/news' },
    });
    const box = root.firstElementChild!;
    expect(box.getAttribute('id')).toBe('user-content-box');
    expect(box.getAttribute('class')).toBe('a b');
    expect(box.getAttribute('aria-labelledby')).toBe('user-content-box');
    expect(box.hasAttribute('style')).toBe(false);
    expect(box.hasAttribute('data-route')).toBe(false);
    expect(root.querySelector('[data-blocked-url]')!.textContent).toBe('bad');
    expect(root.querySelector('a')!.getAttribute('data-route')).toBe('/tags/news');
    expectNoScript(root);
  });

  it('shows malformed elements as error boxes naming the plugin and the place, and renders the rest', () => {
    const root = parse({ '#type': 'container', odd: { '#type': 'iframe' }, deep: { '#type': 'markup', '#tag': 'script', '#value': 'x' }, fine: { '#type': 'markup', '#value': 'still here' } });
    const boxes = [...root.querySelectorAll('.render-error')];
    expect(boxes).toHaveLength(2);
    expect(boxes[0].textContent).toMatch(/Plugin “hostile”.*root › odd.*"iframe" is not known/s);
    expect(boxes[1].textContent).toMatch(/root › deep.*<script> is not allowed/s);
    expect(root.textContent).toContain('still here');
  });

  it('bounds depth like the page: a tree nested past the limit ends in an error box, not a stack overflow', () => {
    let tree: Record<string, unknown> = { '#type': 'markup', '#value': 'bottom' };
    for (let i = 0; i < 5000; i++) tree = { '#type': 'container', child: tree };
    const root = parse(tree);
    expect(root.querySelector('.render-error')!.textContent).toContain('nested more than 64 levels deep');
    expect(root.textContent).not.toContain('bottom');
  });

  it('fills a form text field with its value in the HTML (the attribute), so a page without script shows it', () => {
    const root = parse({ '#type': 'form', '#submit': 'Go', q: { '#type': 'item', '#name': 'q', '#title': 'Search', '#value': 'kittens' } });
    expect(root.querySelector('input[name="q"]')!.getAttribute('value')).toBe('kittens');
    expect(root.querySelector('button')!.textContent).toBe('Go');
  });
});
