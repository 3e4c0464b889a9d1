/**
 * An exact parser for the plain subset of `filtered_html`: text, a handful of entities and
 * allow-listed tags, properly nested, with plain `name="value"` attributes that the sanitizer
 * keeps as they are, removes whatever their value, or renames. For that subset the browser's
 * HTML parser builds exactly the tree the markup spells (no implied end tags, no foster
 * parenting, no adoption agency, no elements moved to <head>), and DOMPurify changes nothing in
 * it but those attributes (every tag is on its allow-list, there are no comments, and a `<` in text only
 * comes from `&lt;`, which an element's innerHTML escapes again, so its mutation-XSS probe finds
 * no markup), so building those nodes directly yields what sanitizing would, without a new
 * document per call. Attributes are the caller's to judge (`keepAttributes`, the sanitizer's own
 * rules): null sends the whole markup to DOMPurify, as does anything outside the subset.
 *
 * Why each rule holds, against the HTML standard's tree construction ("in body"):
 * - `p` and headings hold phrasing only, and phrasing holds phrasing only: so no start tag that
 *   closes an open `p` or heading can appear while one is open.
 * - `a` holds phrasing and never another `a` (a nested `a` runs the adoption agency).
 * - `li` only as a child of `ul`/`ol`: the `li` start tag's loop stops at the list, so it never
 *   closes an outer `li`.
 * - every end tag closes the current element: no implied end tags, no adoption agency, and the
 *   active formatting elements are never reconstructed.
 * - text never holds `<`, NUL, CR or FF (the parser drops NUL, rewrites CR, and drops a
 *   leading FF), nor a lone surrogate; `&` only as one of the exact entities below.
 * - attributes only as ` name="value"`: a lowercase name, each name once (the parser keeps the
 *   first of two), a value without character references, `"`, `<`, `>` or control characters
 *   (the parser rewrites NUL and CR), on start tags only.
 * - `pre`, `textarea` and `listing` (a leading newline is dropped), tables, forms and void
 *   elements other than `br` are not in the subset.
 *
 * @example
 * plainMarkup('<p>Hi <em>there</em></p>', document, keep) // a fragment: <p>Hi <em>there</em></p>
 * plainMarkup('<p>Hi<br/></p>', document, keep) // null: not plain, sanitize it
 */
export function plainMarkup(html: string, document: Document, keepAttributes: KeepAttributes): DocumentFragment | null {
  // Read and judge everything before building anything: markup that turns out not to be plain
  // goes to DOMPurify, and must not pay for nodes built in vain first.
  const tokens = plainTokens(html);
  if (tokens === null) return null;
  const kept: Array<Attributes | null> = [];
  for (const token of tokens) {
    if (token.type !== 'open') continue;
    const attributes = token.attributes.length === 0 ? token.attributes : keepAttributes(token.tag, token.attributes);
    if (attributes === null) return null;
    kept.push(attributes);
  }
  const root = document.createDocumentFragment();
  let parent: ParentNode = root;
  let opened = 0;
  for (const token of tokens) {
    if (token.type === 'text') {
      parent.appendChild(document.createTextNode(token.text));
    } else if (token.type === 'close') {
      parent = parent.parentNode ?? root;
    } else {
      const element = document.createElement(token.tag);
      for (const [name, value] of kept[opened++]!) element.setAttribute(name, value);
      parent.appendChild(element);
      if (token.tag !== 'br') parent = element;
    }
  }
  return root;
}

/** Plain markup read as tokens: text (references decoded), start tags with their attributes, end tags. */
type Token = { type: 'text'; text: string } | { type: 'open'; tag: string; attributes: Attributes } | { type: 'close' };

/** `html` as tokens if it is plain in everything but its attributes' verdict, else null. */
function plainTokens(html: string): Token[] | null {
  if (!isWellFormedText(html)) return null;
  const tokens: Token[] = [];
  const open: Array<{ tag: string; holds: Content }> = [];
  let inLink = false;
  let holds: Content = 'flow';
  let at = 0;
  TAG.lastIndex = 0;
  for (let match = TAG.exec(html); match !== null; match = TAG.exec(html)) {
    if (match.index > at) {
      const text = textOf(html.slice(at, match.index));
      if (text === null || holds === 'items' && !WHITESPACE.test(text)) return null;
      tokens.push({ type: 'text', text });
    }
    at = TAG.lastIndex;
    const [, slash, tag, written] = match as unknown as [string, string, string, string];
    if (slash === '/') {
      if (written !== '') return null;
      const closing = open.pop();
      if (closing === undefined || closing.tag !== tag) return null;
      if (tag === 'a') inLink = false;
      holds = open[open.length - 1]?.holds ?? 'flow';
      tokens.push({ type: 'close' });
      continue;
    }
    const kind = KINDS.get(tag);
    if (kind === undefined || !CAN_HOLD[holds].has(kind)) return null;
    if (kind === 'link' && inLink) return null;
    const attributes = written === '' ? [] : attributesOf(written);
    if (attributes === null) return null;
    tokens.push({ type: 'open', tag, attributes });
    if (kind === 'link') inLink = true;
    if (kind === 'break') continue;
    if (open.length >= MAX_NESTING) return null;
    holds = HOLDS[kind];
    open.push({ tag, holds });
  }
  if (open.length > 0) return null;
  if (at < html.length) {
    const text = textOf(html.slice(at));
    if (text === null) return null;
    tokens.push({ type: 'text', text });
  }
  return tokens;
}

/**
 * The attributes the sanitizer would leave on `tag` written with `attributes`, in the order it
 * leaves them (setting one again keeps its place), or null when it would do more with them than
 * keep, remove, rename or add whole attributes: then DOMPurify takes the whole markup.
 */
export type KeepAttributes = (tag: string, attributes: Attributes) => Attributes | null;

/** Attributes as written, name and value, in order. */
export type Attributes = ReadonlyArray<readonly [string, string]>;

/** What an element may hold: anything (`flow`), text and phrasing tags, or list items. */
type Content = 'flow' | 'phrasing' | 'items';
/** The part a tag plays in the subset. */
type Kind = 'phrasing' | 'link' | 'break' | 'text-block' | 'block' | 'list' | 'item';

const KINDS = new Map<string, Kind>([
  ...['em', 'strong', 'b', 'i', 'u', 's', 'small', 'code', 'sub', 'sup', 'mark', 'span', 'abbr',
    'cite', 'dfn', 'kbd', 'q', 'samp', 'var', 'del', 'ins', 'time'].map((tag) => [tag, 'phrasing'] as const),
  ['a', 'link'],
  ['br', 'break'],
  ...['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((tag) => [tag, 'text-block'] as const),
  ...['div', 'blockquote', 'section', 'article', 'aside', 'header', 'footer', 'nav', 'main',
    'figure', 'figcaption'].map((tag) => [tag, 'block'] as const),
  ['ul', 'list'],
  ['ol', 'list'],
  ['li', 'item'],
]);

const HOLDS: Record<Exclude<Kind, 'break'>, Content> = {
  phrasing: 'phrasing',
  link: 'phrasing',
  'text-block': 'phrasing',
  block: 'flow',
  list: 'items',
  item: 'flow',
};

const CAN_HOLD: Record<Content, ReadonlySet<Kind>> = {
  flow: new Set(['phrasing', 'link', 'break', 'text-block', 'block', 'list']),
  phrasing: new Set(['phrasing', 'link', 'break']),
  items: new Set(['item']),
};

/** Deeper markup goes to DOMPurify (the browser's parser has its own depth limit). */
const MAX_NESTING = 32;

/** A tag with a lowercase name and plain attributes; `<` in any other form is not plain. */
const TAG = /<(\/?)([a-z][a-z0-9]*)((?: [a-z][a-z0-9-]*="[^"&<>\u0000-\u001f\u007f]*")*)>/g;
const ATTRIBUTE = / ([a-z][a-z0-9-]*)="([^"]*)"/g;

/** The attributes written in a tag, or null if one is written twice. */
function attributesOf(written: string): Attributes | null {
  const attributes: Array<[string, string]> = [];
  for (const [, name, value] of written.matchAll(ATTRIBUTE) as Iterable<[string, string, string]>) {
    if (attributes.some(([seen]) => seen === name)) return null;
    attributes.push([name, value]);
  }
  return attributes;
}
const WHITESPACE = /^[\t\n ]*$/;
/** Characters the parser would drop or rewrite, and `<` outside a tag. */
const NOT_PLAIN_TEXT = /[<\0\r\f]/;
const ENTITY = /&(amp|lt|gt|quot|#39);/g;
const ENTITY_TEXT: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

/** The text a run of characters between tags stands for, or null if it is not plain. */
function textOf(raw: string): string | null {
  if (NOT_PLAIN_TEXT.test(raw)) return null;
  if (!raw.includes('&')) return raw;
  const text = raw.replace(ENTITY, (_, name: string) => ENTITY_TEXT[name]!);
  // Any `&` left over is a character reference the subset does not decode.
  return raw.replace(ENTITY, '').includes('&') ? null : text;
}

/** No lone surrogate: the parser's handling of one is not something to promise. */
function isWellFormedText(html: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(html);
}
