import { nothing, type TemplateResult } from 'lit';
import { childKeys, sortedChildren } from './children.js';
import { errorBox } from './error-box.js';
import { MAX_ELEMENTS } from './limits.js';

/** What rendering one value produced; `nothing` only once the element budget is spent. */
export type Rendered = TemplateResult | typeof nothing;

/** Renders one value (an element, or whatever a plugin put where an element belongs). */
export type NodeRenderer = (value: unknown, scope: RenderScope) => Rendered;

interface Budget {
  used: number;
  reported: boolean;
}

/**
 * Where in a tree an element is rendered: the plugin it came from, its depth and path (for
 * error messages), whether it is inside a form, and the element budget shared by the tree.
 */
export class RenderScope {
  readonly plugin: string;
  readonly depth: number;
  readonly inForm: boolean;
  readonly #parent: RenderScope | null;
  readonly #segment: string;
  readonly #budget: Budget;
  readonly #renderNode: NodeRenderer;

  private constructor(
    plugin: string,
    renderNode: NodeRenderer,
    budget: Budget,
    parent: RenderScope | null,
    segment: string,
    inForm: boolean,
  ) {
    this.plugin = plugin;
    this.#renderNode = renderNode;
    this.#budget = budget;
    this.#parent = parent;
    this.#segment = segment;
    this.inForm = inForm;
    this.depth = parent === null ? 1 : parent.depth + 1;
  }

  /** The scope of a tree's root element. */
  static root(plugin: string, renderNode: NodeRenderer): RenderScope {
    return new RenderScope(plugin, renderNode, { used: 0, reported: false }, null, 'root', false);
  }

  /** Renders a value one level down, at `segment` (a child key, `#items[2]`, ...). */
  child(value: unknown, segment: string, inForm = this.inForm): Rendered {
    const scope = new RenderScope(this.plugin, this.#renderNode, this.#budget, this, segment, inForm);
    return this.#renderNode(value, scope);
  }

  /** Renders the children of `element` in order (see `sortedChildren`). */
  children(element: Record<string, unknown>, inForm = this.inForm): Rendered[] {
    return sortedChildren(element).map(([key, value]) => this.child(value, key, inForm));
  }

  /** An error box for the element at this scope. */
  error(message: string): TemplateResult {
    return errorBox(this.plugin, this.where(), message);
  }

  /** For types that take no children: an error box naming the ones left out, or nothing. */
  rejectChildren(element: Record<string, unknown>, type: string): Rendered {
    const keys = childKeys(element);
    if (keys.length === 0) return nothing;
    const names = keys.slice(0, 5).map((key) => JSON.stringify(key)).join(', ');
    return this.error(
      `a "${type}" element takes no children, so ${names}${keys.length > 5 ? ', …' : ''} ` +
        `were not rendered; wrap the ${type} and them in a "container".`,
    );
  }

  /**
   * Counts one element against the tree's budget: 'ok' to render it, 'report' for the one
   * element that shows the error box, 'skip' for every element after that.
   */
  take(): 'ok' | 'report' | 'skip' {
    const budget = this.#budget;
    if (budget.used < MAX_ELEMENTS) {
      budget.used++;
      return 'ok';
    }
    if (budget.reported) return 'skip';
    budget.reported = true;
    return 'report';
  }

  /** The path from the root, e.g. `root › sidebar › #items[2]`. */
  where(): string {
    const segments: string[] = [];
    for (let scope: RenderScope | null = this; scope !== null; scope = scope.#parent) {
      const segment = scope.#segment;
      segments.push(segment.length > 60 ? `${segment.slice(0, 60)}…` : segment);
    }
    return segments.reverse().join(' › ');
  }
}
