import { describe, expect, it } from 'vitest';
import { sanitizeHtml, sanitizeToFragment } from './sanitize.js';

function parse(html: string): HTMLTemplateElement {
  const template = document.createElement('template');
  template.innerHTML = html;
  return template;
}

describe('sanitizeHtml', () => {
  it('keeps ordinary formatting', () => {
    const out = sanitizeHtml('<h2>Title</h2><p>Some <strong>bold</strong>, <em>em</em> and <code>code</code>.</p><ul><li>x</li></ul>');
    expect(out).toBe('<h2>Title</h2><p>Some <strong>bold</strong>, <em>em</em> and <code>code</code>.</p><ul><li>x</li></ul>');
  });

  it('removes script, style, iframe, object, embed, form and input', () => {
    const out = sanitizeHtml(
      '<p>a</p><script>x()</script><style>p{}</style><iframe src="/x"></iframe><object data="/x"></object>' +
        '<embed src="/x"><form><input name="n"><button>b</button></form><textarea>t</textarea>',
    );
    const content = parse(out).content;
    expect(content.querySelectorAll('script, style, iframe, object, embed, form, input, button, textarea')).toHaveLength(0);
    expect(content.querySelector('p')!.textContent).toBe('a');
  });

  it('removes every on* attribute and style', () => {
    const out = sanitizeHtml('<p onclick="x()" onmouseover="x()" style="color:red" title="t">p</p><img src="/a.png" onerror="x()" onload="x()">');
    expect(out).toBe('<p title="t">p</p><img src="/a.png">');
  });

  it('keeps only internal, http(s) and mailto URLs, on links and images alike', () => {
    const out = sanitizeHtml(
      '<a href="/in">1</a><a href="https://e.example/p">2</a><a href="mailto:a@e.example">3</a>' +
        '<a href="javascript:x()">4</a><a href="data:text/html,x">5</a><a href="vbscript:x">6</a>' +
        '<a href="//evil.example">7</a><a href="rel/path">8</a>' +
        '<img src="data:image/png;base64,AAAA"><img src="https://e.example/i.png">',
    );
    const content = parse(out).content;
    const hrefs = [...content.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(hrefs).toEqual(['/in', 'https://e.example/p', 'mailto:a@e.example', null, null, null, null, null]);
    const srcs = [...content.querySelectorAll('img')].map((img) => img.getAttribute('src'));
    expect(srcs).toEqual([null, 'https://e.example/i.png']);
  });

  it('marks internal links with data-route and external ones with rel, and drops target', () => {
    const content = parse(sanitizeHtml('<a href="/a" target="_blank">a</a><a href="https://e.example/" target="_blank" rel="opener">b</a>')).content;
    const [internal, external] = content.querySelectorAll('a');
    expect(internal!.getAttribute('data-route')).toBe('/a');
    expect(internal!.hasAttribute('target')).toBe(false);
    expect(external!.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(external!.hasAttribute('data-route')).toBe(false);
  });

  it('drops svg and math, which carry their own script paths', () => {
    const out = sanitizeHtml('<svg><a xlink:href="javascript:x()"><text>t</text></a></svg><math><mi>x</mi></math>ok');
    expect(parse(out).content.querySelector('svg, math, a')).toBeNull();
    expect(out).toContain('ok');
  });

  it('survives mutation-XSS style input without leaving a handler', () => {
    const payloads = [
      '<noscript><p title="</noscript><img src=x onerror=x()>">',
      '<svg></p><style><a id="</style><img src=1 onerror=x()>">',
      '<math><mtext><table><mglyph><style><img src=x onerror=x()>',
      '<a href="&#106;avascript:x()">j</a>',
    ];
    for (const payload of payloads) {
      const content = parse(sanitizeHtml(payload)).content;
      for (const el of content.querySelectorAll('*')) {
        expect([...el.attributes].filter((a) => a.name.startsWith('on'))).toEqual([]);
        expect(el.getAttribute('href') ?? '').not.toMatch(/script:/i);
      }
    }
  });
});

/** A fragment's markup, to compare it with sanitizeHtml's text read back by the parser. */
function markupOf(fragment: DocumentFragment | string): string {
  if (typeof fragment === 'string') throw new Error('The page has a DOM; a fragment was expected.');
  const holder = document.createElement('div');
  holder.append(fragment);
  return holder.innerHTML;
}

describe('sanitizeToFragment', () => {
  const inputs = [
    '<h2>Title</h2><p>Some <strong>bold</strong> and <a href="/in" target="_blank">a link</a>.</p>',
    '<p onclick="x()" style="color:red">p</p><img src="data:x" onerror="x()"><img src="https://e.example/i.png">',
    '<a href="javascript:x()">j</a><a href="https://e.example/" rel="opener">e</a><a href="//evil.example">h</a>',
    '<noscript><p title="</noscript><img src=x onerror=x()>">',
    '<svg></p><style><a id="</style><img src=1 onerror=x()>">',
    '<math><mtext><table><mglyph><style><img src=x onerror=x()>',
    '<form><input name="n"></form><p id="config" name="x">named</p>',
    'plain text &amp; an entity',
    '',
  ];

  it('gives the nodes sanitizeHtml gives as text, by the same rules', () => {
    for (const input of inputs) {
      expect(markupOf(sanitizeToFragment(input)), input).toBe(parse(sanitizeHtml(input)).innerHTML);
    }
  });

  it('gives a fresh copy in the page\'s document each time, so inserting one leaves the next intact', () => {
    const input = '<p>Shown <em>twice</em></p>';
    const first = sanitizeToFragment(input) as DocumentFragment;
    const second = sanitizeToFragment(input) as DocumentFragment;
    expect(first).not.toBe(second);
    expect(first.ownerDocument).toBe(document);
    document.body.append(first);
    (document.body.lastElementChild as HTMLElement).textContent = 'changed';
    expect(markupOf(second)).toBe('<p>Shown <em>twice</em></p>');
    expect(markupOf(sanitizeToFragment(input))).toBe('<p>Shown <em>twice</em></p>');
    document.body.lastElementChild!.remove();
  });

  it('keeps to its rules for more inputs than it remembers', () => {
    // Past the cache's size, early entries are dropped and sanitized again.
    for (let i = 0; i < 600; i++) sanitizeToFragment(`<p data-n="${i}" onclick="x()">${i}</p>`);
    expect(markupOf(sanitizeToFragment('<p data-n="0" onclick="x()">0</p>'))).toBe('<p data-n="0">0</p>');
    expect(markupOf(sanitizeToFragment('<p data-n="599" onclick="x()">599</p>'))).toBe('<p data-n="599">599</p>');
  });
});
