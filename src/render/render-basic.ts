import { html, nothing } from 'lit';
import { html as staticHtml, type StaticValue } from 'lit/static-html.js';
import { attributes } from './attributes-directive.js';
import { describeValue } from './error-box.js';
import { prop, textOf } from './props.js';
import { filteredMarkup } from './filtered-markup-directive.js';
import type { Rendered, RenderScope } from './scope.js';
import { ALLOWED_TAGS, staticTag } from './tags.js';

/** `container`: an allow-listed tag (default `div`) holding the children. */
export function renderContainer(element: Record<string, unknown>, scope: RenderScope): Rendered {
  const tag = tagOf(element, scope);
  if ('error' in tag) return tag.error;
  return staticHtml`<${tag} ${attributes(prop(element, '#attributes'))}>${scope.children(element)}</${tag}>`;
}

/**
 * `markup`: `#value` in an allow-listed tag (default `div`), as text, or as sanitized HTML when
 * `#format` is `filtered_html`. Any other format is shown as text: escaping is the safe reading.
 * Children follow the value.
 */
export function renderMarkup(element: Record<string, unknown>, scope: RenderScope): Rendered {
  const tag = tagOf(element, scope);
  if ('error' in tag) return tag.error;
  const raw = prop(element, '#value');
  const text = textOf(raw);
  if (text === null) {
    return scope.error(`its "#value" is ${describeValue(raw)}; give text (a string).`);
  }
  const content = prop(element, '#format') === 'filtered_html' ? filteredMarkup(text) : text;
  return staticHtml`<${tag} ${attributes(prop(element, '#attributes'))}>${content}${scope.children(element)}</${tag}>`;
}

/**
 * `item`: a labelled value, `#title` as the label and `#value` (text) and/or the children as
 * the value. Inside a form, an item with a `#name` is a text field of that name instead.
 */
export function renderItem(element: Record<string, unknown>, scope: RenderScope): Rendered {
  const rawLabel = prop(element, '#title');
  const label = textOf(rawLabel);
  if (label === null) {
    return scope.error(`its "#title" (the label) is ${describeValue(rawLabel)}; give text.`);
  }
  const rawValue = prop(element, '#value');
  const value = textOf(rawValue);
  if (value === null) {
    return scope.error(`its "#value" is ${describeValue(rawValue)}; give text.`);
  }
  const name = prop(element, '#name');
  if (scope.inForm && name !== undefined) {
    if (typeof name !== 'string' || name === '') {
      return scope.error(`its "#name" is ${describeValue(name)}; give a non-empty string.`);
    }
    return html`<label ${attributes(prop(element, '#attributes'), 'item')}>
      <span class="label">${label}</span>
      <!-- The attribute is what server-rendered HTML carries; the property is what a re-render shows. -->
      <input class="value" type="text" name=${name} value=${value} .value=${value} />${scope.children(element)}
    </label>`;
  }
  return html`<div ${attributes(prop(element, '#attributes'), 'item')}>
    ${label === '' ? nothing : html`<span class="label">${label}</span>`}
    <div class="value">${value}${scope.children(element)}</div>
  </div>`;
}

function tagOf(
  element: Record<string, unknown>,
  scope: RenderScope,
): StaticValue | { error: Rendered } {
  const raw = prop(element, '#tag') ?? 'div';
  const tag = typeof raw === 'string' ? staticTag(raw) : undefined;
  if (tag !== undefined) return tag;
  const asked = typeof raw === 'string' ? `<${raw.slice(0, 40)}>` : describeValue(raw);
  return {
    error: scope.error(
      `its "#tag" ${asked} is not allowed; use one of: ${ALLOWED_TAGS.join(', ')}.`,
    ),
  };
}
