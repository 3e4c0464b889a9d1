import { noChange } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';
import { safeAttributes } from './safe-attributes.js';

/**
 * Sets a plugin's `#attributes` on the element it is bound to, after `safeAttributes` has
 * dropped everything not allow-listed; taking the raw value keeps the directive impossible to
 * misuse. `baseClass` is the renderer's own class, merged in front of the plugin's.
 */
class AttributesDirective extends Directive {
  /** The attributes set last time, with their values: an unchanged one is not set again. */
  #applied = new Map<string, string>();

  constructor(partInfo: PartInfo) {
    super(partInfo);
    if (partInfo.type !== PartType.ELEMENT) {
      throw new Error('attributes() belongs on an element: <div ${attributes(a)}>.');
    }
  }

  render(_raw: unknown, _baseClass?: string): typeof noChange {
    return noChange;
  }

  override update(part: ElementPart, [raw, baseClass]: [unknown, string?]): typeof noChange {
    const attrs = safeAttributes(raw);
    if (baseClass) attrs.class = attrs.class ? `${baseClass} ${attrs.class}` : baseClass;
    const before = this.#applied;
    for (const name of before.keys()) {
      if (!(name in attrs)) part.element.removeAttribute(name);
    }
    this.#applied = new Map(Object.entries(attrs));
    for (const [name, value] of this.#applied) {
      if (before.get(name) !== value) part.element.setAttribute(name, value);
    }
    return noChange;
  }
}

/** Binds sanitized plugin attributes: `<div ${attributes(el['#attributes'], 'item')}>`. */
export const attributes = directive(AttributesDirective);
