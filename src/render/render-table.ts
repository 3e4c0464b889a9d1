import { html, nothing } from 'lit';
import { attributes } from './attributes-directive.js';
import { describeValue } from './error-box.js';
import { prop, textOf } from './props.js';
import type { Rendered, RenderScope } from './scope.js';

/**
 * `table`: an optional `#caption` (text), `#header` (an array of cells) as one header row and
 * `#rows` (an array of arrays of cells). A cell is text, a number, a boolean, null (empty) or
 * an element. A malformed row or cell becomes an error box in its place.
 */
export function renderTable(element: Record<string, unknown>, scope: RenderScope): Rendered {
  const rawCaption = prop(element, '#caption');
  const caption = textOf(rawCaption);
  if (caption === null) {
    return scope.error(`its "#caption" is ${describeValue(rawCaption)}; give text.`);
  }
  const rawHeader = prop(element, '#header');
  if (rawHeader !== undefined && !Array.isArray(rawHeader)) {
    return scope.error(`its "#header" is ${describeValue(rawHeader)}; give an array of cells.`);
  }
  const rawRows = prop(element, '#rows') ?? [];
  if (!Array.isArray(rawRows)) {
    return scope.error(`its "#rows" is ${describeValue(rawRows)}; give an array of arrays.`);
  }
  const header = rawHeader?.map(
    (cell, i) => html`<th scope="col">${cellContent(cell, `#header[${i}]`, scope)}</th>`,
  );
  const width = Math.max(1, rawHeader?.length ?? 0);
  const rows = rawRows.map((row, r) => {
    if (!Array.isArray(row)) {
      const error = scope.error(`"#rows[${r}]" is ${describeValue(row)}; a row is an array of cells.`);
      return html`<tr><td colspan=${width}>${error}</td></tr>`;
    }
    const cells = row.map((cell, c) => html`<td>${cellContent(cell, `#rows[${r}][${c}]`, scope)}</td>`);
    return html`<tr>${cells}</tr>`;
  });
  return html`<table ${attributes(prop(element, '#attributes'))}>
      ${caption === '' ? nothing : html`<caption>${caption}</caption>`}
      ${header === undefined ? nothing : html`<thead><tr>${header}</tr></thead>`}
      <tbody>${rows}</tbody>
    </table>${scope.rejectChildren(element, 'table')}`;
}

function cellContent(cell: unknown, segment: string, scope: RenderScope): Rendered | string {
  const text = typeof cell === 'object' ? (cell === null ? '' : null) : textOf(cell);
  return text ?? scope.child(cell, segment);
}
