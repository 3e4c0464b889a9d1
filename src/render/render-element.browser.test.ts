import { afterEach, describe, expect, it } from 'vitest';
import { render } from 'lit';
import { renderElement } from './render-element.js';
import { cleanup, errorBoxes, mount, text } from './test-helpers.js';
import type { RenderElement } from './types.js';

afterEach(cleanup);

describe('renderElement: each #type', () => {
  it('container: a div by default, an allowed #tag, children inside', () => {
    const host = mount({
      '#type': 'container',
      '#tag': 'section',
      '#attributes': { class: ['a', 'b'], id: 'main' },
      first: { '#type': 'markup', '#value': 'one' },
      second: { '#type': 'container', inner: { '#type': 'markup', '#tag': 'span', '#value': 'two' } },
    } satisfies RenderElement);
    const section = host.querySelector('section')!;
    expect(section.className).toBe('a b');
    expect(section.id).toBe('user-content-main');
    expect(section.children[0]!.localName).toBe('div');
    expect(section.children[0]!.textContent).toBe('one');
    expect(section.children[1]!.localName).toBe('div');
    expect(section.querySelector('span')!.textContent).toBe('two');
  });

  it('markup: #value is text, markup in it is shown, not parsed', () => {
    const host = mount({ '#type': 'markup', '#tag': 'p', '#value': '<b>bold</b> & more' });
    const p = host.querySelector('p')!;
    expect(p.textContent).toBe('<b>bold</b> & more');
    expect(p.querySelector('b')).toBeNull();
  });

  it('markup: filtered_html keeps safe markup', () => {
    const host = mount({
      '#type': 'markup',
      '#format': 'filtered_html',
      '#value': '<p>Hello <em>world</em> <a href="/about">about</a></p>',
    });
    expect(host.querySelector(':scope > div > p > em')!.textContent).toBe('world');
    const a = host.querySelector('a')!;
    expect(a.getAttribute('href')).toBe('/about');
    expect(a.getAttribute('data-route')).toBe('/about');
  });

  it('markup: numbers and booleans are shown as text, an object is an error', () => {
    const host = mount({
      '#type': 'container',
      n: { '#type': 'markup', '#value': 42 },
      o: { '#type': 'markup', '#value': { nested: true } },
    });
    expect(host.querySelector(':scope > div > div')!.textContent).toBe('42');
    expect(text(errorBoxes(host)[0]!)).toContain('"#value" is an object');
  });

  it('link: internal paths get data-route, external get rel, both get href', () => {
    const host = mount({
      '#type': 'container',
      home: { '#type': 'link', '#title': 'Home', '#url': '/blog?page=2' },
      out: { '#type': 'link', '#title': 'Out', '#href': 'https://example.com/x' },
      mail: { '#type': 'link', '#title': 'Mail', '#url': 'mailto:a@example.com' },
    });
    const [home, out, mail] = host.querySelectorAll('a');
    expect(home!.getAttribute('href')).toBe('/blog?page=2');
    expect(home!.getAttribute('data-route')).toBe('/blog?page=2');
    expect(home!.hasAttribute('rel')).toBe(false);
    expect(home!.textContent).toBe('Home');
    expect(out!.getAttribute('href')).toBe('https://example.com/x');
    expect(out!.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(out!.hasAttribute('data-route')).toBe(false);
    expect(mail!.getAttribute('href')).toBe('mailto:a@example.com');
    expect(mail!.getAttribute('rel')).toBe('noopener noreferrer nofollow');
  });

  it('link: without #title shows the URL; without #url is an error box', () => {
    const host = mount({
      '#type': 'container',
      a: { '#type': 'link', '#url': '/x' },
      b: { '#type': 'link', '#title': 'nowhere' },
    });
    expect(host.querySelector('a')!.textContent).toBe('/x');
    expect(text(errorBoxes(host)[0]!)).toContain('needs a "#url"');
  });

  it('list: ul by default, ol by #list_type, items then children, each in <li>', () => {
    const host = mount({
      '#type': 'container',
      ul: { '#type': 'list', '#items': ['a', 7, { '#type': 'markup', '#tag': 'em', '#value': 'c' }] },
      ol: {
        '#type': 'list',
        '#list_type': 'ol',
        '#items': ['first'],
        later: { '#type': 'markup', '#value': 'child', '#weight': 1 },
      },
    });
    const ul = host.querySelector('ul')!;
    expect([...ul.children].map((li) => li.localName)).toEqual(['li', 'li', 'li']);
    expect([...ul.children].map((li) => li.textContent)).toEqual(['a', '7', 'c']);
    expect(ul.querySelector('li > em')).not.toBeNull();
    const ol = host.querySelector('ol')!;
    expect([...ol.children].map((li) => text(li))).toEqual(['first', 'child']);
  });

  it('list: a list type other than ul/ol is an error box', () => {
    const host = mount({ '#type': 'list', '#list_type': 'dl', '#items': ['x'] });
    expect(text(errorBoxes(host)[0]!)).toContain('"ul" or "ol", not "dl"');
  });

  it('table: caption, header, rows; cells are text, numbers, null or elements', () => {
    const host = mount({
      '#type': 'table',
      '#caption': 'Posts',
      '#header': ['Title', { '#type': 'markup', '#tag': 'em', '#value': 'Votes' }],
      '#rows': [
        ['First', 3],
        [{ '#type': 'link', '#title': 'Second', '#url': '/p/2' }, null],
      ],
    });
    const table = host.querySelector('table')!;
    expect(table.querySelector('caption')!.textContent).toBe('Posts');
    const ths = [...table.querySelectorAll('thead th')];
    expect(ths.map((th) => th.getAttribute('scope'))).toEqual(['col', 'col']);
    expect(ths[1]!.querySelector('em')!.textContent).toBe('Votes');
    const rows = [...table.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => text(td)),
    );
    expect(rows).toEqual([['First', '3'], ['Second', '']]);
    expect(table.querySelector('tbody a')!.getAttribute('data-route')).toBe('/p/2');
  });

  it('table: a row that is not an array becomes an error row, other rows render', () => {
    const host = mount({ '#type': 'table', '#header': ['A'], '#rows': ['oops', ['ok']] });
    const rows = host.querySelectorAll('tbody tr');
    expect(rows).toHaveLength(2);
    expect(text(rows[0]!)).toContain('"#rows[0]" is a string ("oops")');
    expect(text(rows[1]!)).toBe('ok');
  });

  it('item: label and value; children join the value', () => {
    const host = mount({
      '#type': 'item',
      '#title': 'Author',
      '#value': 'Ada',
      more: { '#type': 'markup', '#tag': 'small', '#value': '(admin)' },
    });
    const item = host.querySelector('.item')!;
    expect(item.querySelector('.label')!.textContent).toBe('Author');
    const value = item.querySelector('.value')!;
    expect(text(value)).toBe('Ada(admin)');
    expect(value.querySelector('small')!.textContent).toBe('(admin)');
  });

  it('form: children and items, posted to its own page, submit becomes a render-submit event without the form id field', async () => {
    const host = mount({
      '#type': 'form',
      '#form_id': 'search',
      '#submit': 'Search',
      '#attributes': { action: 'https://evil.example/', class: 'search' },
      q: { '#type': 'item', '#title': 'Words', '#name': 'q', '#value': 'wasm' },
      shown: { '#type': 'item', '#title': 'Hint', '#value': 'be brief' },
    }, 'search_plugin');
    const form = host.querySelector('form')!;
    expect(form.hasAttribute('action')).toBe(false);
    expect(form.className).toBe('search');
    expect(form.querySelector('label.item .label')!.textContent).toBe('Words');
    expect(form.querySelector('div.item .value')!.textContent).toBe('be brief');
    // Without scripts it still posts to its own page, naming itself in a hidden field.
    expect(form.method).toBe('post');
    expect(form.querySelector<HTMLInputElement>('input[type="hidden"]')).toMatchObject({ name: 'trovato_form_id', value: 'search' });
    const input = form.querySelector<HTMLInputElement>('input[type="text"]')!;
    expect(input.name).toBe('q');
    input.value = 'lit';
    const seen: CustomEvent[] = [];
    document.addEventListener('render-submit', (e) => seen.push(e as CustomEvent), { once: true });
    const submitted = new Promise((resolve) => setTimeout(resolve, 0));
    form.querySelector('button')!.click();
    await submitted;
    expect(seen).toHaveLength(1);
    expect(seen[0]!.detail).toEqual({ plugin: 'search_plugin', formId: 'search', values: { q: 'lit' } });
    expect(seen[0]!.bubbles && seen[0]!.composed).toBe(true);
    expect(location.href).not.toContain('evil');
  });

  it('form: a form inside a form is an error box', () => {
    const host = mount({ '#type': 'form', inner: { '#type': 'form' } });
    expect(host.querySelectorAll('form')).toHaveLength(1);
    expect(text(errorBoxes(host)[0]!)).toContain('"form" inside a "form"');
  });
});

describe('renderElement: order', () => {
  it('children render by #weight, then in key order', () => {
    const child = (value: string, weight?: number) =>
      weight === undefined ? { '#type': 'markup', '#value': value } : { '#type': 'markup', '#value': value, '#weight': weight };
    const host = mount({
      '#type': 'container',
      c: child('c'),
      heavy: child('heavy', 10),
      a: child('a'),
      light: child('light', -5),
      b: child('b', 0),
      half: child('half', 0.5),
    });
    const order = [...host.firstElementChild!.children].map((el) => el.textContent);
    expect(order).toEqual(['light', 'c', 'a', 'b', 'half', 'heavy']);
  });

  it('keeps key order of parsed JSON for non-integer keys', () => {
    const tree = JSON.parse(
      '{"#type":"container","z":{"#type":"markup","#value":"z"},"m":{"#type":"markup","#value":"m"},"a":{"#type":"markup","#value":"a"}}',
    );
    const host = mount(tree);
    expect([...host.firstElementChild!.children].map((el) => el.textContent)).toEqual(['z', 'm', 'a']);
  });
});

describe('renderElement: errors are visible boxes, the rest still renders', () => {
  it('an unknown #type names the plugin, the place and the type', () => {
    const host = mount({
      '#type': 'container',
      before: { '#type': 'markup', '#value': 'before' },
      widget: { '#type': 'carousel' },
      after: { '#type': 'markup', '#value': 'after' },
    }, 'gallery');
    const [box] = errorBoxes(host);
    expect(box!.getAttribute('role')).toBe('alert');
    expect(text(box!)).toContain('Plugin “gallery”');
    expect(text(box!)).toContain('root › widget');
    expect(text(box!)).toContain('"#type" "carousel" is not known');
    expect(text(host)).toContain('before');
    expect(text(host)).toContain('after');
  });

  it('a missing #type, a string child and a non-numeric #weight each get a box', () => {
    const host = mount({
      '#type': 'container',
      untyped: { '#value': 'x' },
      str: 'just text',
      heavy: { '#type': 'markup', '#value': 'w', '#weight': '3' },
      ok: { '#type': 'markup', '#value': 'fine' },
    });
    const messages = errorBoxes(host).map(text);
    expect(messages).toHaveLength(3);
    expect(messages[0]).toContain('has no "#type"');
    expect(messages[1]).toContain('is a string ("just text"), not an element object');
    expect(messages[2]).toContain('"#weight" is a string ("3")');
    expect(text(host)).toContain('fine');
  });

  it('a root that is not an object is one error box', () => {
    for (const root of [null, 'text', 3, [], undefined]) {
      const host = mount(root, 'p');
      expect(errorBoxes(host)).toHaveLength(1);
      host.remove();
    }
  });

  it('a link or table with children renders and names the children left out', () => {
    const host = mount({ '#type': 'link', '#title': 't', '#url': '/x', extra: { '#type': 'markup' } });
    expect(host.querySelector('a')).not.toBeNull();
    expect(text(errorBoxes(host)[0]!)).toContain('takes no children, so "extra"');
  });
});

describe('renderElement: rendering the same tree again', () => {
  const body = (value: string) => ({
    '#type': 'container',
    '#tag': 'article',
    '#attributes': { class: ['post'], id: 'first' },
    body: { '#type': 'markup', '#format': 'filtered_html', '#value': value },
  });

  function rerender(host: HTMLElement, tree: unknown): MutationRecord[] {
    const observer = new MutationObserver(() => undefined);
    observer.observe(host, { subtree: true, childList: true, attributes: true, characterData: true });
    render(renderElement(tree, { plugin: 'test_plugin' }), host);
    const records = observer.takeRecords();
    observer.disconnect();
    return records;
  }

  it('leaves the DOM of an unchanged filtered_html body and of unchanged attributes alone', () => {
    const host = mount(body('<p>Hello <em>world</em></p>'));
    const paragraph = host.querySelector('article p');
    expect(rerender(host, body('<p>Hello <em>world</em></p>'))).toEqual([]);
    expect(host.querySelector('article p')).toBe(paragraph);
  });

  it('replaces a body whose text changed, and only the attributes that changed', () => {
    const host = mount(body('<p>Hello <em>world</em></p>'));
    const records = rerender(host, { ...body('<p>Bye</p>'), '#attributes': { class: ['post'], id: 'second' } });
    expect(host.querySelector('article')!.innerHTML).toContain('<p>Bye</p>');
    expect(host.querySelector('article em')).toBeNull();
    expect(host.querySelector('article')!.id).toBe('user-content-second');
    expect(records.filter((r) => r.type === 'attributes').map((r) => r.attributeName)).toEqual(['id']);
  });
});
