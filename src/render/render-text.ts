/**
 * A RenderElement tree as plain text, the way a reader of the page would see it: for the
 * terminal (`trovato route --render`) and for tests. It follows the page renderer's rules
 * (children by `#weight`, `#items`, `#rows`, the form's fields) without a DOM; `filtered_html`
 * is shown with its tags removed. What the page would show as an error box is shown as
 * `[error: …]` naming the place, so a broken tree is visible here too.
 */
import { sortedChildren } from './children.js';
import { MAX_DEPTH } from './limits.js';
import { pagerLabel, readPager } from './pager.js';
import { isElementObject, prop, textOf } from './props.js';

const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const BLOCK_TAGS = new Set(['div', 'section', 'article', 'aside', 'header', 'footer', 'nav', 'main', 'p', 'figure', 'figcaption', 'blockquote', 'pre', 'details', 'summary', ...HEADINGS]);

/**
 * Renders `element` as lines of text, indented two spaces per nesting level of lists and
 * tables.
 *
 * @example
 * renderText({ '#type': 'container', t: { '#type': 'markup', '#tag': 'h1', '#value': 'Hi' } })
 * // '# Hi'
 */
export function renderText(element: unknown): string {
  const lines: string[] = [];
  node(element, '', 0, lines, 'root');
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function node(value: unknown, indent: string, depth: number, out: string[], where: string): void {
  if (depth > MAX_DEPTH) {
    out.push(`${indent}[error at ${where}: nested more than ${MAX_DEPTH} levels]`);
    return;
  }
  if (!isElementObject(value)) {
    out.push(`${indent}[error at ${where}: not an element object]`);
    return;
  }
  const type = prop(value, '#type');
  const children = (into: string[] = out, childIndent = indent): void => {
    for (const [key, child] of sortedChildren(value)) node(child, childIndent, depth + 1, into, `${where}.${key}`);
  };
  switch (type) {
    case 'container':
      children();
      return;
    case 'markup': {
      const text = textOf(prop(value, '#value'));
      const tag = String(prop(value, '#tag') ?? 'div');
      const shown = prop(value, '#format') === 'filtered_html' ? stripTags(text ?? '') : text ?? '';
      const level = HEADINGS.has(tag) ? Number(tag[1]) : 0;
      if (BLOCK_TAGS.has(tag)) out.push('');
      out.push(`${indent}${level ? '#'.repeat(level) + ' ' : ''}${shown}`);
      children();
      return;
    }
    case 'link': {
      const url = prop(value, '#url') ?? prop(value, '#href');
      const title = textOf(prop(value, '#title')) || String(url ?? '');
      out.push(`${indent}[${title}](${String(url ?? '')})`);
      return;
    }
    case 'item': {
      const label = textOf(prop(value, '#title')) ?? '';
      const text = textOf(prop(value, '#value')) ?? '';
      const name = prop(value, '#name');
      const field = typeof name === 'string' && name !== '' ? ` [field ${name}]` : '';
      out.push(`${indent}${label ? `${label}: ` : ''}${text}${field}`);
      children(out, indent + '  ');
      return;
    }
    case 'list': {
      const ordered = (prop(value, '#list_type') ?? prop(value, '#tag')) === 'ol';
      const items = prop(value, '#items');
      const entries: unknown[] = Array.isArray(items) ? items : [];
      let n = 0;
      const bullet = (): string => (ordered ? `${++n}. ` : '- ');
      entries.forEach((entry, i) => {
        const text = typeof entry === 'string' || typeof entry === 'number' ? String(entry) : null;
        if (text !== null) out.push(`${indent}${bullet()}${text}`);
        else nested(entry, `${indent}${bullet()}`, indent + '  ', depth, out, `${where}.#items[${i}]`);
      });
      for (const [key, child] of sortedChildren(value)) nested(child, `${indent}${bullet()}`, indent + '  ', depth, out, `${where}.${key}`);
      return;
    }
    case 'table': {
      const caption = textOf(prop(value, '#caption'));
      if (caption) out.push(`${indent}${caption}`);
      const header = prop(value, '#header');
      const rows = prop(value, '#rows');
      if (Array.isArray(header)) out.push(`${indent}| ${header.map((c) => cellText(c)).join(' | ')} |`);
      if (Array.isArray(rows)) for (const row of rows) out.push(`${indent}| ${Array.isArray(row) ? row.map((c) => cellText(c)).join(' | ') : '[error: a row is not an array]'} |`);
      return;
    }
    case 'form': {
      const id = prop(value, '#form_id');
      out.push(`${indent}[form${typeof id === 'string' ? ` ${id}` : ''}]`);
      children(out, indent + '  ');
      const submit = prop(value, '#submit');
      if (typeof submit === 'string') out.push(`${indent}  [${submit}]`);
      return;
    }
    case 'pager': {
      const pager = readPager(value);
      if ('problem' in pager) out.push(`${indent}[error at ${where}: ${pager.problem}]`);
      else out.push(`${indent}${[pager.prev && `[Previous](${pager.prev})`, pagerLabel(pager), pager.next && `[Next](${pager.next})`].filter(Boolean).join(' ')}`);
      return;
    }
    default:
      out.push(`${indent}[error at ${where}: "#type" ${JSON.stringify(type ?? null)} is not known]`);
  }
}

/** An element inside a list item: its first line after the bullet, the rest indented. */
function nested(value: unknown, first: string, rest: string, depth: number, out: string[], where: string): void {
  const lines: string[] = [];
  node(value, '', depth + 1, lines, where);
  const kept = lines.filter((line) => line !== '');
  kept.forEach((line, i) => out.push(i === 0 ? `${first}${line}` : `${rest}${line}`));
}

function cellText(cell: unknown): string {
  const text = typeof cell === 'object' && cell !== null ? null : textOf(cell);
  return text ?? renderText(cell).replace(/\n+/g, ' ');
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}
