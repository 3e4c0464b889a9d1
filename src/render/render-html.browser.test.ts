/**
 * One set of rules, two renderers: the same trees rendered by Lit (the page) and as HTML text
 * (the server, render-html.ts) must give the same document. Both outputs are read back through
 * the browser's HTML parser (what a visitor's browser does with the server's page, and with
 * the page's DOM serialized), then compared node by node, attributes sorted, comments dropped
 * and whitespace collapsed (Lit's templates are indented; the text renderer's are not).
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { renderHtml } from './render-html.js';
import { cleanup, mount } from './test-helpers.js';
import { element } from './test-trees.js';

afterEach(cleanup);

function parsed(html: string): HTMLElement {
  const host = document.createElement('div');
  host.innerHTML = html;
  // Lit's part markers split text into several nodes; without them, text is one node again.
  const walker = document.createTreeWalker(host, NodeFilter.SHOW_COMMENT);
  const comments: Node[] = [];
  while (walker.nextNode()) comments.push(walker.currentNode);
  for (const comment of comments) comment.parentNode!.removeChild(comment);
  host.normalize();
  return host;
}

/** A node as canonical text: elements with sorted attributes, text collapsed, comments gone. */
function canonical(node: Node): string {
  if (node.nodeType === Node.TEXT_NODE) return (node.textContent ?? '').replace(/\s+/g, ' ').trim();
  if (node.nodeType !== Node.ELEMENT_NODE) return '';
  const el = node as Element;
  const attrs = [...el.attributes].map((a) => `${a.name}=${JSON.stringify(a.value)}`).sort();
  const inner = [...el.childNodes].map(canonical).filter((part) => part !== '');
  return `<${el.localName}${attrs.map((a) => ` ${a}`).join('')}>${inner.join('|')}</${el.localName}>`;
}

function bothWays(tree: unknown, plugin = 'test_plugin'): { lit: string; text: string } {
  const host = mount(tree, plugin);
  const lit = canonical(parsed(host.innerHTML));
  host.remove();
  return { lit, text: canonical(parsed(renderHtml(tree, { plugin }).text)) };
}

const CASES: Record<string, unknown> = {
  'container with attributes and weights': {
    '#type': 'container',
    '#tag': 'section',
    '#attributes': { class: ['a', 'b'], id: 'main', onclick: 'x()', 'aria-labelledby': 'main', open: true },
    b: { '#type': 'markup', '#value': 'second', '#weight': 2 },
    a: { '#type': 'markup', '#tag': 'h2', '#value': '<b>first</b> & "quoted"', '#weight': -1 },
  },
  'filtered_html, sanitized the same way': {
    '#type': 'markup',
    '#format': 'filtered_html',
    '#value': '<p onclick="x()">Hi <a href="/in">in</a> <a href="https://out.example/">out</a> <a href="javascript:x()">bad</a><script>x()</script><img src="data:x" onerror="x()"></p>',
  },
  'links: internal, external, blocked, with children': {
    '#type': 'container',
    in: { '#type': 'link', '#title': 'Home', '#url': '/blog?page=2' },
    out: { '#type': 'link', '#title': '', '#href': 'https://example.com/x' },
    bad: { '#type': 'link', '#title': 'Bad', '#url': 'javascript:alert(1)', child: { '#type': 'markup', '#value': 'x' } },
  },
  'pagers and their errors': {
    '#type': 'container',
    first: { '#type': 'pager', '#url': '/blog', '#page': 1, '#pages': 3 },
    middle: { '#type': 'pager', '#url': '/tags/news?sort=old', '#page': 2, '#pages': 3, '#attributes': { class: 'mine' } },
    last: { '#type': 'pager', '#url': '/blog?page=9', '#page': 3, '#pages': 3 },
    external: { '#type': 'pager', '#url': 'https://example.com/', '#page': 1, '#pages': 2 },
    past: { '#type': 'pager', '#url': '/blog', '#page': 4, '#pages': 3 },
    child: { '#type': 'pager', '#url': '/blog', '#page': 1, '#pages': 1, extra: { '#type': 'markup', '#value': 'x' } },
    uncounted: { '#type': 'pager', '#url': '/blog', '#page': 2, '#more': true },
    uncountedLast: { '#type': 'pager', '#url': '/blog', '#page': 5, '#more': false },
    both: { '#type': 'pager', '#url': '/blog', '#page': 1, '#pages': 2, '#more': true },
  },
  'lists, tables and their errors': {
    '#type': 'container',
    ul: { '#type': 'list', '#items': ['one', 2, { '#type': 'link', '#title': 'three', '#url': '/3' }, [1]], extra: { '#type': 'markup', '#value': 'child' } },
    ol: { '#type': 'list', '#list_type': 'ol', '#items': 'not an array' },
    bad: { '#type': 'list', '#list_type': 'dl' },
    table: { '#type': 'table', '#caption': 'Cap', '#header': ['A', { '#type': 'markup', '#value': 'B' }], '#rows': [[1, true, null], 'not a row', [{ '#type': 'nope' }]] },
  },
  'forms and items': {
    '#type': 'form',
    '#submit': 'Send',
    '#form_id': 'f',
    name: { '#type': 'item', '#title': 'Name', '#name': 'name', '#value': 'a "value"' },
    plain: { '#type': 'item', '#title': '', '#value': 'v' },
    nested: { '#type': 'form' },
  },
  'every kind of broken element': {
    '#type': 'container',
    text: 'just text',
    noType: { '#value': 'x' },
    unknown: { '#type': '__proto__' },
    weight: { '#type': 'markup', '#weight': 'heavy' },
    tag: { '#type': 'container', '#tag': 'script' },
    value: { '#type': 'markup', '#value': { a: 1 } },
  },
};

describe('the HTML text renderer and the Lit renderer make the same document', () => {
  for (const [name, tree] of Object.entries(CASES)) {
    it(name, () => {
      const { lit, text } = bothWays(tree);
      expect(text).toBe(lit);
    });
  }

  it('past the depth and element limits', () => {
    let deep: Record<string, unknown> = { '#type': 'markup', '#value': 'bottom' };
    for (let i = 0; i < 80; i++) deep = { '#type': 'container', c: deep };
    const wide: Record<string, unknown> = { '#type': 'container' };
    for (let i = 0; i < 10_050; i++) wide[`k${i}`] = { '#type': 'markup', '#tag': 'span', '#value': String(i) };
    for (const tree of [deep, wide]) {
      const { lit, text } = bothWays(tree);
      expect(text).toBe(lit);
    }
  });

  it('for arbitrary JSON trees with hostile values', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(element, (value) => {
        const json: unknown = JSON.parse(JSON.stringify(value) ?? 'null');
        const { lit, text } = bothWays(json, 'fuzz');
        expect(text).toBe(lit);
      }),
      // Sized by run count: each run renders a tree twice in the page.
      { numRuns: 200 },
    );
  });
});
