import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, errorBoxes, eventHandlerAttributes, mount, settle, text } from './test-helpers.js';

declare global {
  interface Window {
    __pwned?: unknown;
    __control?: unknown;
  }
}

const PWN = 'window.__pwned=1';

beforeEach(() => {
  delete window.__pwned;
});
afterEach(cleanup);

async function expectNothingRan(host: HTMLElement): Promise<void> {
  await settle(host);
  expect(window.__pwned).toBeUndefined();
  expect(eventHandlerAttributes(host)).toEqual([]);
  expect(host.querySelectorAll('script, iframe, object, embed, style')).toHaveLength(0);
  for (const el of host.querySelectorAll('[href], [src]')) {
    const url = el.getAttribute('href') ?? el.getAttribute('src') ?? '';
    expect(url).toMatch(/^(\/(?![/\\])|https?:\/\/|mailto:)/);
  }
}

describe('the no-script check itself', () => {
  it('catches an onerror payload when one does run (control)', async () => {
    const scratch = document.createElement('div');
    document.body.append(scratch);
    scratch.innerHTML = '<img src="data:," onerror="window.__control=1">';
    await settle(scratch);
    expect(window.__control).toBe(1);
    delete window.__control;
  });
});

describe('hostile trees never run script', () => {
  it('<script> in #value is text, as plain text and in filtered_html', async () => {
    const host = mount({
      '#type': 'container',
      plain: { '#type': 'markup', '#value': `<script>${PWN}</script>` },
      html: { '#type': 'markup', '#format': 'filtered_html', '#value': `ok<script>${PWN}</script>` },
    });
    expect(host.querySelector(':scope > div > div')!.textContent).toBe(`<script>${PWN}</script>`);
    await expectNothingRan(host);
  });

  it('onerror on an <img> in filtered_html is removed', async () => {
    const host = mount({
      '#type': 'markup',
      '#format': 'filtered_html',
      '#value': `<img src="x" onerror="${PWN}"><img src="/missing.png" onerror="${PWN}" alt="a">`,
    });
    const imgs = host.querySelectorAll('img');
    expect(imgs).toHaveLength(2);
    expect(imgs[1]!.getAttribute('src')).toBe('/missing.png');
    await expectNothingRan(host);
  });

  it('javascript:, data: and vbscript: URLs inside filtered_html lose their href/src', async () => {
    const host = mount({
      '#type': 'markup',
      '#format': 'filtered_html',
      '#value':
        `<a href="javascript:${PWN}">a</a><a href=" JaVaScRiPt:${PWN}">b</a>` +
        `<a href="java&#09;script:${PWN}">c</a><a href="data:text/html,<script>${PWN}</script>">d</a>` +
        `<img src="data:image/svg+xml,<svg onload='${PWN}'/>"><a href="vbscript:x">e</a>` +
        `<a href="https://ok.example/">ok</a>`,
    });
    const links = [...host.querySelectorAll('a')];
    expect(links.filter((a) => a.hasAttribute('href')).map((a) => a.textContent)).toEqual(['ok']);
    expect(links.at(-1)!.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(host.querySelector('img')!.hasAttribute('src')).toBe(false);
    await expectNothingRan(host);
  });

  it('filtered_html cannot bring forms, frames, styles or svg handlers', async () => {
    const host = mount({
      '#type': 'markup',
      '#format': 'filtered_html',
      '#value':
        `<form action="https://evil.example"><input name="x"></form><iframe srcdoc="<script>${PWN}</script>"></iframe>` +
        `<style>*{display:none}</style><svg onload="${PWN}"></svg><p style="color:red" onclick="${PWN}">p</p>` +
        `<details open ontoggle="${PWN}"><summary>s</summary></details>`,
    });
    expect(host.querySelectorAll('form, input, svg, [style]')).toHaveLength(0);
    expect(host.querySelector('p')!.textContent).toBe('p');
    await expectNothingRan(host);
  });

  it('filtered_html cannot mark a link internal or clobber globals by id', async () => {
    const host = mount({
      '#type': 'markup',
      '#format': 'filtered_html',
      '#value': '<a href="https://evil.example" data-route="/home">x</a><p id="__pwned">p</p>',
    });
    expect(host.querySelector('a')!.hasAttribute('data-route')).toBe(false);
    expect(host.querySelector('p')!.id).toBe('user-content-__pwned');
    await expectNothingRan(host);
  });

  it('links with unsafe URLs render their title as text with data-blocked-url', async () => {
    const urls = [
      `javascript:${PWN}`, ` javascript:${PWN}`, `java\tscript:${PWN}`, `JAVASCRIPT:${PWN}`,
      `data:text/html,<script>${PWN}</script>`, 'vbscript:msgbox(1)', '//evil.example/x',
      '/\\evil.example', `\u0000javascript:${PWN}`, 'relative/path', '#top', '',
    ];
    const tree: Record<string, unknown> = { '#type': 'container' };
    urls.forEach((url, i) => (tree[`l${i}`] = { '#type': 'link', '#title': `t${i}`, '#url': url }));
    const host = mount(tree);
    expect(host.querySelectorAll('a')).toHaveLength(0);
    const blocked = [...host.querySelectorAll('.blocked-link')];
    expect(blocked.map((el) => el.getAttribute('data-blocked-url'))).toEqual(urls);
    expect(blocked.map((el) => el.textContent)).toEqual(urls.map((_, i) => `t${i}`));
    await expectNothingRan(host);
  });

  it('on*, style, href, src, data-route in #attributes are dropped without an error', async () => {
    const host = mount({
      '#type': 'link',
      '#title': 'go',
      '#url': 'https://ok.example/',
      '#attributes': {
        onclick: PWN, ONMOUSEOVER: PWN, style: 'background:url(javascript:x)', href: `javascript:${PWN}`,
        src: 'x', srcdoc: '<script></script>', formaction: 'x', 'data-route': '/fake', class: 'fine',
        title: { toString: () => PWN }, 'aria-label': 'Go',
      },
    });
    const a = host.querySelector('a')!;
    expect([...a.attributes].map((attr) => attr.name).sort()).toEqual(['aria-label', 'class', 'href', 'rel']);
    expect(a.getAttribute('href')).toBe('https://ok.example/');
    expect(errorBoxes(host)).toHaveLength(0);
    await expectNothingRan(host);
  });

  it('an #attributes id cannot become a window global', async () => {
    const host = mount({ '#type': 'container', '#attributes': { id: '__pwned' } });
    expect(host.firstElementChild!.id).toBe('user-content-__pwned');
    await expectNothingRan(host);
  });

  it('tag names off the allow-list are error boxes, never elements', async () => {
    const tags = ['script', 'iframe', 'img', 'a', 'style', 'form', 'svg', 'div onclick=x', 'DIV', '__proto__'];
    const tree: Record<string, unknown> = { '#type': 'container' };
    tags.forEach((tag, i) => (tree[`t${i}`] = { '#type': i % 2 ? 'markup' : 'container', '#tag': tag, '#value': PWN }));
    const host = mount(tree);
    expect(errorBoxes(host)).toHaveLength(tags.length);
    expect(text(errorBoxes(host)[0]!)).toContain('"#tag" <script> is not allowed');
    expect(host.querySelectorAll('script, iframe, img, a, style, form, svg')).toHaveLength(0);
    await expectNothingRan(host);
  });

  it('__proto__ and constructor are ordinary children; #type "constructor" is unknown', async () => {
    const tree = JSON.parse(
      '{"#type":"container","__proto__":{"#type":"markup","#value":"p"},' +
        '"constructor":{"#type":"markup","#value":"c"},"x":{"#type":"constructor"},' +
        '"#attributes":{"__proto__":{"onclick":"x"},"constructor":"y"}}',
    );
    const host = mount(tree);
    const outer = host.firstElementChild!;
    expect([...outer.children].slice(0, 2).map((el) => el.textContent)).toEqual(['p', 'c']);
    expect(text(errorBoxes(host)[0]!)).toContain('"#type" "constructor" is not known');
    expect(outer.attributes).toHaveLength(0);
    expect(({} as Record<string, unknown>).onclick).toBeUndefined();
    await expectNothingRan(host);
  });
});

describe('hostile sizes', () => {
  it('10,000 levels of nesting: no stack overflow, one error box at depth 64', () => {
    let tree: Record<string, unknown> = { '#type': 'markup', '#value': 'bottom' };
    for (let i = 0; i < 10_000; i++) tree = { '#type': 'container', c: tree };
    const host = mount(tree, 'deep');
    const boxes = errorBoxes(host);
    expect(boxes).toHaveLength(1);
    expect(text(boxes[0]!)).toContain('nested more than 64 levels');
    expect(text(boxes[0]!)).toContain('Plugin “deep”');
    // Depths 1 to 64 render; the element at depth 65 is the box.
    expect(host.querySelectorAll('div:not(.render-error)')).toHaveLength(64);
    expect(text(host)).not.toContain('bottom');
  });

  it('20,000 siblings: the first 10,000 elements render, then one error box', () => {
    const tree: Record<string, unknown> = { '#type': 'container', '#tag': 'section' };
    for (let i = 0; i < 20_000; i++) tree[`c${i}`] = { '#type': 'markup', '#tag': 'span', '#value': String(i) };
    const host = mount(tree);
    const section = host.querySelector('section')!;
    // The root counts as one of the 10,000.
    expect(section.querySelectorAll('span')).toHaveLength(9_999);
    const boxes = errorBoxes(host);
    expect(boxes).toHaveLength(1);
    expect(text(boxes[0]!)).toContain('more than 10000 elements');
    expect(text(boxes[0]!)).toContain('root › c9999');
  });

  it('a cyclic (non-JSON) tree stops at the depth limit', () => {
    const tree: Record<string, unknown> = { '#type': 'container' };
    tree.self = tree;
    const host = mount(tree);
    expect(text(errorBoxes(host)[0]!)).toContain('nested more than 64 levels');
  });

  it('a getter that throws becomes an error box', () => {
    const tree = { '#type': 'container', bad: { '#type': 'container', get boom() { throw new Error('kaboom'); } } };
    const host = mount(tree);
    expect(text(errorBoxes(host)[0]!)).toContain('could not be rendered: kaboom');
  });
});
