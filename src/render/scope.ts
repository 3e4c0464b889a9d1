import type { nothing, TemplateResult } from 'lit';
import { childKeys, sortedChildren } from './children.js';
import { MAX_ELEMENTS } from './limits.js';

/** What rendering one value produced with Lit; `nothing` only once the element budget is spent. */
export type Rendered = TemplateResult | typeof nothing;

/** Renders one value (an element, or whatever a plugin put where an element belongs). */
export type NodeRenderer<R = Rendered> = (value: unknown, scope: RenderScope<R>) => R;

/**
 * What a renderer produces, for the rules here (budget, depth, paths, children order) to be
 * one set whatever the output: Lit templates in the page (render-element.ts), HTML text on
 * the server (render-html.ts).
 */
export interface RenderOutput<R> {
  readonly renderNode: NodeRenderer<R>;
  /** The visible box standing in for an element that cannot be rendered. */
  errorBox(plugin: string, where: string, message: string): R;
  /** What a skipped element (past the budget) renders as. */
  readonly nothing: R;
}

interface Budget {
  used: number;
  reported: boolean;
}

/**
 * Where in a tree an element is rendered: the plugin it came from, its depth and path (for
 * error messages), whether it is inside a form, and the element budget shared by the tree.
 */
export class RenderScope<R = Rendered> {
  readonly plugin: string;
  readonly depth: number;
  readonly inForm: boolean;
  readonly #parent: RenderScope<R> | null;
  readonly #segment: string;
  readonly #budget: Budget;
  readonly #output: RenderOutput<R>;

  private constructor(
    plugin: string,
    output: RenderOutput<R>,
    budget: Budget,
    parent: RenderScope<R> | null,
    segment: string,
    inForm: boolean,
  ) {
    this.plugin = plugin;
    this.#output = output;
    this.#budget = budget;
    this.#parent = parent;
    this.#segment = segment;
    this.inForm = inForm;
    this.depth = parent === null ? 1 : parent.depth + 1;
  }

  /** The scope of a tree's root element. */
  static root<R>(plugin: string, output: RenderOutput<R>): RenderScope<R> {
    return new RenderScope(plugin, output, { used: 0, reported: false }, null, 'root', false);
  }

  /** What a skipped element renders as (the output's `nothing`). */
  get nothing(): R {
    return this.#output.nothing;
  }

  /** Renders a value one level down, at `segment` (a child key, `#items[2]`, ...). */
  child(value: unknown, segment: string, inForm = this.inForm): R {
    const scope = new RenderScope(this.plugin, this.#output, this.#budget, this, segment, inForm);
    return this.#output.renderNode(value, scope);
  }

  /** Renders the children of `element` in order (see `sortedChildren`). */
  children(element: Record<string, unknown>, inForm = this.inForm): R[] {
    return sortedChildren(element).map(([key, value]) => this.child(value, key, inForm));
  }

  /** An error box for the element at this scope. */
  error(message: string): R {
    return this.#output.errorBox(this.plugin, this.where(), message);
  }

  /** For types that take no children: an error box naming the ones left out, or nothing. */
  rejectChildren(element: Record<string, unknown>, type: string): R {
    const keys = childKeys(element);
    if (keys.length === 0) return this.#output.nothing;
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
    for (let scope: RenderScope<R> | null = this; scope !== null; scope = scope.#parent) {
      const segment = scope.#segment;
      segments.push(segment.length > 60 ? `${segment.slice(0, 60)}…` : segment);
    }
    return segments.reverse().join(' › ');
  }
}
