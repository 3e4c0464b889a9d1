/**
 * The RenderElement of ABI §5 as the TypeScript side sees it. Plugins send JSON, so the
 * renderer never trusts these types: `renderElement` takes `unknown` and checks everything.
 * These types are for code that builds trees (tests, the playground, TS-written tools).
 */

/** Every `#type` the renderer knows. */
export type RenderType = 'container' | 'markup' | 'link' | 'list' | 'table' | 'form' | 'item' | 'pager';

/** A table cell or list item: text, a number, or a nested element. */
export type RenderCell = string | number | RenderElement;

/** The `#`-prefixed properties. Only those meaningful to a `#type` are read for it. */
export interface RenderProperties {
  '#type': RenderType;
  /** Children render by weight ascending (default 0), then in key order. */
  '#weight'?: number;
  /** An allow-listed tag for `container` and `markup`; `ul`/`ol` for `list`. */
  '#tag'?: string;
  /** Text for `markup` and `item`; sanitized HTML for `markup` when `#format` is `filtered_html`. */
  '#value'?: string | number | boolean | null;
  '#format'?: 'plain_text' | 'filtered_html';
  /** Safe attributes only (see `safeAttributes`); the rest is dropped silently. */
  '#attributes'?: Record<string, string | number | boolean | string[]>;
  /** Link text for `link`, the label for `item`. */
  '#title'?: string | number;
  '#url'?: string;
  '#href'?: string;
  '#list_type'?: 'ul' | 'ol';
  '#items'?: RenderCell[];
  '#header'?: RenderCell[];
  '#rows'?: RenderCell[][];
  '#caption'?: string;
  /**
   * Renderer extension (not in ABI §5 yet): an `item` inside a `form` with a `#name` renders
   * a text input of that name, prefilled with `#value`.
   */
  '#name'?: string;
  /** Renderer extension: the label of a `form`'s submit button (no button without it). */
  '#submit'?: string;
  /**
   * `pager`: the current page and how many there are (whole numbers from 1), or instead of the
   * count `#more`, whether a next page exists; `#url` is the list's path.
   */
  '#page'?: number;
  '#pages'?: number;
  '#more'?: boolean;
  /** Renderer extension: an identifier of a `form`, passed on in `render-submit`. */
  '#form_id'?: string;
}

/** A render tree: `#` keys are properties, every other key is a child element. */
export type RenderElement = RenderProperties & {
  [child: string]: RenderElement | RenderProperties[keyof RenderProperties];
};

/** `detail` of the `render-submit` event a rendered form dispatches (bubbles, composed). */
export interface RenderSubmitDetail {
  /** The plugin whose tree held the form. */
  plugin: string;
  /** The form's `#form_id`, or null. */
  formId: string | null;
  /** The form's fields by name; with repeated names the last one wins. */
  values: Record<string, string>;
}

/** `detail` of the `navigate` event `<trovato-render>` dispatches for internal links. */
export interface NavigateDetail {
  path: string;
}
