import { noChange } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';
import { safeAttributes } from './safe-attributes.js';

/**
 * Sets a plugin's `#attributes` on the element it is bound to, after `safeAttributes` has
 * dropped everything not allow-listed; taking the raw value keeps the directive impossible to
 * misuse. `baseClass` is the renderer's own class, merged in front of the plugin's.
 */
class AttributesDirective extends Directive {
  #applied = new Set<string>();

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
    for (const name of this.#applied) {
      if (!(name in attrs)) part.element.removeAttribute(name);
    }
    this.#applied = new Set(Object.keys(attrs));
    for (const [name, value] of Object.entries(attrs)) part.element.setAttribute(name, value);
    return noChange;
  }
}

/** Binds sanitized plugin attributes: `<div ${attributes(el['#attributes'], 'item')}>`. */
export const attributes = directive(AttributesDirective);
