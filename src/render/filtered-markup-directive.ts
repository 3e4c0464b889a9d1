import { noChange } from 'lit';
import { Directive, directive, PartType, type PartInfo } from 'lit/directive.js';
import { sanitizeToFragment } from './sanitize.js';

/**
 * A `filtered_html` value in a child part: sanitized into a fragment, and when the same text
 * is rendered there again (the same page asked for again, a re-render of the same tree) the
 * nodes already shown stay: Lit replaces a fragment value every time, so each body was built
 * and swapped anew on every render. Only text this part showed last is skipped, so a part
 * never shows anything but its own sanitized text.
 */
class FilteredMarkupDirective extends Directive {
  #shown: string | undefined;

  constructor(partInfo: PartInfo) {
    super(partInfo);
    if (partInfo.type !== PartType.CHILD) {
      throw new Error('filteredMarkup() belongs in a child position: <div>${filteredMarkup(text)}</div>.');
    }
  }

  render(text: string): DocumentFragment | string {
    return sanitizeToFragment(text);
  }

  override update(_part: unknown, [text]: [string]): DocumentFragment | string | typeof noChange {
    if (text === this.#shown) return noChange;
    this.#shown = text;
    return this.render(text);
  }
}

/** Binds `filtered_html` text, sanitized: `<div>${filteredMarkup(text)}</div>`. */
export const filteredMarkup = directive(FilteredMarkupDirective);
