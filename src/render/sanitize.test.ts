import { describe, expect, it } from 'vitest';
import { sortedChildren } from './render-element.js';
import { safeAttributes, safeUrl, sanitizeHtml } from './sanitize.js';

describe('safeUrl', () => {
  it('accepts internal paths, keeping query and fragment', () => {
    expect(safeUrl('/')).toEqual({ kind: 'internal', href: '/' });
    expect(safeUrl('/blog/1?x=1#c')).toEqual({ kind: 'internal', href: '/blog/1?x=1#c' });
    expect(safeUrl('/a/../b')).toEqual({ kind: 'internal', href: '/b' });
  });

  it('accepts http, https and mailto as external, normalized', () => {
    expect(safeUrl('https://Example.com/a b')).toEqual({ kind: 'external', href: 'https://example.com/a%20b' });
    expect(safeUrl('HTTP://example.com')).toEqual({ kind: 'external', href: 'http://example.com/' });
    expect(safeUrl('mailto:someone@example.com')).toEqual({ kind: 'external', href: 'mailto:someone@example.com' });
  });

  it('refuses script-bearing and other schemes', () => {
    for (const url of ['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,x', 'vbscript:x', 'file:///etc/passwd', 'ftp://x.example', 'blob:https://x/y']) {
      expect(safeUrl(url), url).toBeNull();
    }
  });

  it('refuses whitespace and control-character tricks', () => {
    for (const url of [' javascript:x', 'java\tscript:x', 'java\nscript:x', '\u0000javascript:x', 'javascript\u0000:x', ' /x', '/x ', '\u00a0https://x.example', 'https://x.example/\u0007', '\ufeff/x']) {
      expect(safeUrl(url), JSON.stringify(url)).toBeNull();
    }
  });

  it('refuses host-changing and relative forms', () => {
    for (const url of ['//evil.example', '/\\evil.example', '\\\\evil.example', 'relative', './x', '#top', '?q=1', '', 'https://', 'http:/']) {
      expect(safeUrl(url), url).toBeNull();
    }
  });

  it('refuses non-strings without throwing', () => {
    expect(safeUrl(42 as unknown as string)).toBeNull();
    expect(safeUrl(null as unknown as string)).toBeNull();
  });
});

describe('safeAttributes', () => {
  it('keeps allow-listed names, aria-* and data-*', () => {
    expect(
      safeAttributes({ class: 'a', id: 'i', title: 't', lang: 'en', dir: 'rtl', role: 'note', 'aria-label': 'L', 'data-x-y': '1', alt: 'a', colspan: 2, datetime: '2024-01-01', scope: 'col' }),
    ).toEqual({ class: 'a', id: 'user-content-i', title: 't', lang: 'en', dir: 'rtl', role: 'note', 'aria-label': 'L', 'data-x-y': '1', alt: 'a', colspan: '2', datetime: '2024-01-01', scope: 'col' });
  });

  it('drops handlers, style, URL attributes, data-route and unknown names', () => {
    expect(
      safeAttributes({ onclick: 'x', OnLoad: 'x', style: 'x', href: '/a', src: '/a', action: '/a', formaction: '/a', srcdoc: 'x', 'data-route': '/a', 'xlink:href': 'x', 'aria-': 'x', 'data-': 'x', 'data-A b': 'x', name: 'n', target: '_blank' }),
    ).toEqual({});
  });

  it('lower-cases names, so CLASS is class and ONCLICK is still a handler', () => {
    expect(safeAttributes({ CLASS: 'c', ONCLICK: 'x', 'ARIA-HIDDEN': 'true' })).toEqual({ class: 'c', 'aria-hidden': 'true' });
  });

  it('coerces numbers and booleans, joins class arrays, drops objects', () => {
    expect(
      safeAttributes({ class: ['a', 1, { x: 1 }, '', 'b'], width: 10, 'aria-hidden': true, open: true, reversed: false, title: { toString: () => 'x' }, id: null, height: Number.NaN }),
    ).toEqual({ class: 'a 1 b', width: '10', 'aria-hidden': 'true', open: '' });
  });

  it('prefixes ids and the id references of aria attributes alike', () => {
    expect(safeAttributes({ id: 'intro', 'aria-labelledby': ' intro  user-content-x ', 'aria-label': 'intro' })).toEqual({
      id: 'user-content-intro',
      'aria-labelledby': 'user-content-intro user-content-x',
      'aria-label': 'intro',
    });
  });

  it('returns {} for anything that is not an attribute object', () => {
    for (const value of [null, undefined, 'class=x', 3, ['class'], true]) expect(safeAttributes(value)).toEqual({});
  });

  it('ignores __proto__ and constructor keys', () => {
    const parsed: unknown = JSON.parse('{"__proto__": {"onclick": "x"}, "constructor": "c", "id": "i"}');
    const out = safeAttributes(parsed);
    expect(out).toEqual({ id: 'user-content-i' });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
});

describe('sortedChildren', () => {
  it('orders by #weight, then key order, and skips # keys', () => {
    const element = {
      '#type': 'container',
      '#weight': -100,
      c: { '#type': 'markup' },
      b: { '#type': 'markup', '#weight': 2 },
      a: { '#type': 'markup', '#weight': -1 },
      d: { '#type': 'markup', '#weight': 2 },
      e: 'not an element',
      f: { '#type': 'markup', '#weight': '-50' },
    };
    expect(sortedChildren(element).map(([key]) => key)).toEqual(['a', 'c', 'e', 'f', 'b', 'd']);
  });

  it('keeps JSON key order, with integer-like keys first as JavaScript orders them', () => {
    const element = JSON.parse('{"#type":"container","z":{},"10":{},"a":{},"2":{}}') as Record<string, unknown>;
    expect(sortedChildren(element).map(([key]) => key)).toEqual(['2', '10', 'z', 'a']);
  });

  it('treats __proto__ and constructor as ordinary children', () => {
    const element = JSON.parse('{"#type":"container","__proto__":{"#weight":1},"constructor":{}}') as Record<string, unknown>;
    expect(sortedChildren(element).map(([key]) => key)).toEqual(['constructor', '__proto__']);
  });
});

describe('sanitizeHtml without a DOM', () => {
  it('fails closed: everything comes back escaped', () => {
    expect(sanitizeHtml('<img src=x onerror="alert(1)">&')).toBe('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;');
  });
});
