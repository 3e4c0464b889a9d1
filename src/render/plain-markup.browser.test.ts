import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainFragment, purifiedFragment, sanitizeToFragment } from './sanitize.js';

/**
 * The nodes as a string that tells every tree apart: tags and text, adjacent text merged (the
 * page shows split text the same). Not innerHTML, whose serializer hides a `pre`'s first newline.
 */
function shapeOf(nodes: DocumentFragment | string | null): string | null {
  if (nodes === null) return null;
  const holder = document.createElement('div');
  holder.append(typeof nodes === 'string' ? document.createTextNode(nodes) : nodes);
  holder.normalize();
  const shape = (node: Node): string =>
    node instanceof Element
      ? `<${node.localName}${Array.from(node.attributes, (a) => ` ${a.name}=${JSON.stringify(a.value)}`).join('')}>[${Array.from(node.childNodes, shape).join(',')}]`
      : `${node.nodeName}${JSON.stringify(node.nodeValue)}`;
  return Array.from(holder.childNodes, shape).join(',');
}

/** What DOMPurify alone makes of `html`: the reference every plain parse must equal. */
function purified(html: string): string | null {
  return shapeOf(purifiedFragment(html));
}

describe('plain markup, built without DOMPurify', () => {
  it('builds ordinary formatting directly, as DOMPurify would', () => {
    const inputs = [
      '<p>Body of post 3.1, with <em>some</em> text.</p>',
      '<h2>Title</h2><p>Some <strong>bold</strong>, <code>code</code> &amp; &lt;escaped&gt; &quot;text&quot; &#39;here&#39;.</p>',
      '<ul>\n  <li>one <b>1</b></li>\n  <li><p>two</p><ol><li>nested</li></ol></li>\n</ul>',
      '  leading spaces, then <i>a tag</i>',
      'plain text with > and " and \' but no tag',
      '<div><section><p>a<br>b</p></section><blockquote>q</blockquote></div>',
      'emoji 😀 and ümlauts',
      '<p>An <a href="/blog/post-1">internal</a> and an <a href="https://e.example/p?q=1#f">external <em>link</em></a>.</p>',
      '<a href="mailto:a@e.example">mail</a><a>no href</a>',
      '<p class="lead" title="A title">attributes</p><a href="https://e.example/" rel="opener" title="t">rel is replaced</a>',
      '<span lang="en" dir="rtl" data-n="1" aria-label="l">more attributes</span><a title="t" href="/x">title first</a>',
      '<p class="javascript:x()">a class is only a class</p>',
      // Attributes DOMPurify refuses by name go, whatever their value; the element stays.
      '<p onclick="x()">an event handler</p>',
      '<a href="/x" target="_blank">a forbidden attribute</a>',
      '<a target="_blank" href="https://e.example/">target first</a>',
      '<p style="color:red">style</p>',
      '<p title="t" onmouseover="x()" class="c">kept around a removed one</p>',
      '<span srcset="x" ping="y" for="z" patchsrc="/p">more refused names</span>',
      // Ids and names are renamed, and set again after the attributes kept in place.
      '<p id="x">an id</p>',
      '<p name="x" title="t">a name before a kept attribute</p>',
      '<h2 id="a" class="c" name="b">two renamed, last first</h2>',
      '<p id="user-content-x">already renamed</p>',
      '<p onclick="x()" id="y" style="s">a renamed one between removed ones</p>',
      '<a id="l" href="/x">an id on an internal link</a>',
      '',
    ];
    for (const input of inputs) {
      const plain = plainFragment(input);
      expect(plain, input).not.toBeNull();
      expect(shapeOf(plain), input).toBe(purified(input));
    }
  });

  it('leaves to DOMPurify everything outside the subset, hostile or merely unusual', () => {
    const inputs = [
      '<a href="javascript:x()">a script URL</a>',
      '<a href="//evil.example">another host</a>',
      '<a href="https://E.example">a URL the sanitizer rewrites</a>',
      '<a href="rel/path">a relative path</a>',
      '<a href="/a?b=1&amp;c=2">a character reference in a URL</a>',
      "<a href='/single'>single quotes</a>",
      '<p data-route="/x">a data-route only the sanitizer sets</p>',
      '<div is="x-y">is (refused, and DOMPurify then removes the element)</div>',
      '<p title=" t">a value the sanitizer trims</p>',
      '<p title="a" title="b">a repeated attribute</p>',
      "<p title='t'>single quotes</p>",
      '<p title=t>no quotes</p>',
      '<p title="a-->b">a comment breakout</p>',
      '<p title="a/>b">a self-closing tag in a value</p>',
      '<p title="a &amp; b">a character reference in a value</p>',
      '<p  title="t">two spaces</p>',
      '<img src="/a.png">',
      '<a href="/x"><a href="/y">nested links</a></a>',
      '<a href="/x"><p>a paragraph in a link</p></a>',
      '<em href="/x">href on another tag</em>',
      '<p>x</p href="/x">',
      '<img src=x onerror=x()>',
      '<script>x()</script>',
      '<svg></p><style><a id="</style><img src=1 onerror=x()>">',
      '<noscript><p title="</noscript><img src=x onerror=x()>">',
      '<math><mtext><table><mglyph><style><img src=x onerror=x()>',
      '<!-- comment --><p>x</p>',
      '<p>unclosed',
      '</p>stray end tag',
      '<p><div>a block in a paragraph</div></p>',
      '<p><p>nested paragraphs</p></p>',
      '<h1><h2>nested headings</h2></h1>',
      '<b><p>a paragraph in bold</p></b>',
      '<li>an item outside a list</li>',
      
      '<ul><li><div><li>item in a block in an item</li></div></li></ul>',
      '<ul>text in a list<li>x</li></ul>',
      '<pre>\nleading newline</pre>',
      '<em>misnested <strong>tags</em></strong>',
      '<P>upper case</P>',
      '<br/>self-closing',
      '</br>',
      'an &nbsp; entity the subset does not decode',
      'a bare & ampersand',
      'a NUL \0 character',
      'a CR \r character',
      '\fa leading form feed',
      'a lone \ud800 surrogate',
      `${'<div>'.repeat(40)}deep${'</div>'.repeat(40)}`,
    ];
    for (const input of inputs) expect(plainFragment(input), input).toBeNull();
  });

  it('is used by sanitizeToFragment, which still sanitizes everything else', () => {
    expect(shapeOf(sanitizeToFragment('<p>plain <em>text</em></p>'))).toBe('<p>[#text"plain ",<em>[#text"text"]]');
    expect(shapeOf(sanitizeToFragment('<p onclick="x()">x<script>y()</script></p>'))).toBe('<p>[#text"x"]');
  });

  // Pieces of markup, plain and otherwise, so the generated inputs sit on the subset's edges.
  const piece = fc.oneof(
    fc.constantFrom(
      '<p>', '</p>', '<div>', '</div>', '<em>', '</em>', '<b>', '</b>', '<ul>', '</ul>', '<ol>', '</ol>',
      '<li>', '</li>', '<h1>', '</h1>', '<h2>', '</h2>', '<span>', '</span>', '<br>', '<code>', '</code>',
      '<blockquote>', '</blockquote>', '<section>', '</section>', '<a>', '</a>', '<pre>', '</pre>',
      '<table>', '<td>', '<script>', '<style>', '<template>', '<svg>', '<math>', '<!--', '-->', '<p id="x">',
      '<img src=x onerror=x()>', '<a href="/x">', '<a href="javascript:x()">', '<a href="https://E.x">', '&amp;', '&lt;', '&gt;', '&quot;', '&#39;', '&nbsp;', '&', '\n', ' ', '\t',
      '\f', '\r', '\0', '>', '"', 'x', 'text', '😀', '\ud800',
    ),
    fc.string({ maxLength: 6 }),
  );
  const markup = fc.array(piece, { maxLength: 24 }).map((pieces) => pieces.join(''));

  // Generated well-nested trees of tags from inside and outside the subset, in any order: a
  const texts = fc.constantFrom('word', ' ', '\n', '\n  ', '&amp;', '&lt;b&gt;', '&nbsp;', '😀', '');
  const tags = fc.oneof(
    { arbitrary: fc.constantFrom('p', 'h2', 'div', 'section', 'ul', 'ol', 'li', 'em', 'b', 'span', 'code', 'q'), weight: 4 },
    { arbitrary: fc.constantFrom('pre', 'a', 'table', 'td', 'dl', 'dd', 'textarea', 'title', 'button', 'nobr', 'font', 'template'), weight: 1 },
  );
  const hrefs = fc.constantFrom(
    '/blog/post-1', '/a?b=c#d', '/a/../b', '/%2e%2e/x', '/x/', '//evil.example', '/\\evil.example', 'https://e.example/',
    'https://e.example', 'HTTPS://e.example/', 'http://e.example/p', 'mailto:a@e.example', 'javascript:x()', 'data:text/html,x',
    'rel/path', '#top', '', '/a-->', '/a/>b', '/</style>', 'tel:1', 'https://user@e.example/',
  );
  const attributes = fc.array(
    fc.constantFrom(
      ' class="a b"', ' title="t"', ' id="x"', ' name="n"', ' style="color:red"', ' onclick="x()"', ' data-n="1"',
      ' data-route="/x"', ' aria-label="l"', ' title=" t"', ' title="a-->b"', ' title="/>"', ' rel="opener"',
      ' href="/x"', ' href="javascript:x()"', ' href="https://e.example/"', ' is="x-y"', ' lang="en"', ' class="javascript:x"',
      ' src="/x"', ' target="_blank"', ' title="&amp;"', ' title=""', ' hidden=""', ' cite="/c"', ' open=""',
      ' id="user-content-y"', ' name="a b"', ' id=""', ' id="x:y"', ' name="javascript:x"', ' ping="/p"', ' for="f"',
    ),
    { maxLength: 3 },
  ).map((written) => written.join(''));
  const tree = fc.letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      texts,
      fc.constant('<br>'),
      fc.tuple(hrefs, fc.array(tie('node'), { maxLength: 2 })).map(([href, inner]) => `<a href="${href}">${inner.join('')}</a>`),
      fc.tuple(tags, attributes, fc.array(tie('node'), { maxLength: 3 }))
        .map(([tag, written, inner]) => `<${tag}${written}>${inner.join('')}</${tag}>`),
    ),
  })).node;

  it('yields exactly what DOMPurify yields whenever it takes an input (generated markup)', { timeout: 120_000 }, () => {
    let taken = 0;
    fc.assert(
      fc.property(fc.oneof(markup, tree), (input) => {
        const plain = plainFragment(input);
        if (plain === null) return;
        taken++;
        expect(shapeOf(plain), JSON.stringify(input)).toBe(purified(input));
      }),
      { numRuns: 10_000 },
    );
    // Evidence the comparison ran on many inputs, not on a handful.
    expect(taken).toBeGreaterThan(2000);
  });
});
