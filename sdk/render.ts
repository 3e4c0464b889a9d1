/**
 * RenderElement builders (ABI §5). A plugin never writes HTML: it returns a tree the UI renders,
 * escaping `#value` text and sanitizing `filtered_html`. The `#` properties beyond ABI §5's list
 * (`#title`, `#url`, `#list_type`, `#items`, `#header`, `#rows`, `#caption`, `#form_id`,
 * `#submit`, `#name`) are the ones the site's renderer (src/render/) reads for each `#type`.
 *
 * @example
 * container()
 *   .child("title", markup("h1", post.title))
 *   .child("body", markup("div", body.value).format(body.format))
 *   .weight(1);
 */
import { JsonValue } from "./json";
import { PLAIN_TEXT } from "./types";

/**
 * One node of a render tree. Setters return the element, so builders chain.
 *
 * The element keeps its tree as one JSON object, `#` properties first and children after, and
 * `toJson` hands that object out without copying it: a later change to the element copies it
 * first (its top level only), so JSON taken earlier keeps what it had. Change the element, not
 * the JSON it returned.
 */
export class RenderElement {
  private node: JsonValue = JsonValue.obj();
  /** How many members of `node` are `#` properties (they come first). */
  private propCount: i32 = 0;
  /** Whether `node` has been handed out by `toJson` (and must be copied before a change). */
  private shared: bool = false;
  /** Whether `#attributes` / `#rows` are this element's own (not in JSON handed out or given in). */
  private attributesOwned: bool = false;
  private rowsOwned: bool = false;

  constructor(type: string) {
    this.setProp("#type", JsonValue.str(type));
  }

  /** `node`, ready to be changed. */
  private own(): JsonValue {
    if (this.shared) {
      this.node = this.node.shallowCopy();
      this.shared = false;
    }
    return this.node;
  }

  private setProp(name: string, value: JsonValue): void {
    const node = this.own();
    const before = node.length;
    node.insertAt(this.propCount, name, value);
    if (node.length > before) this.propCount++;
  }

  private getProp(name: string): JsonValue | null {
    const node = this.node;
    for (let i = 0; i < this.propCount; i++) {
      if (node.keyAt(i) == name) return node.at(i);
    }
    return null;
  }

  /** The `#type`: container, markup, link, list, table, form or item. */
  get type(): string {
    const v = this.getProp("#type");
    return v === null ? "" : v.asString();
  }

  /** Children render by `#weight` ascending, then in key order. */
  weight(w: i32): RenderElement {
    this.setProp("#weight", JsonValue.num(<f64>w));
    return this;
  }

  /** The HTML element name the UI uses (`h1`, `p`, `ul`, `section`...). */
  tag(name: string): RenderElement {
    this.setProp("#tag", JsonValue.str(name));
    return this;
  }

  /** The text of `markup` and `item` (escaped by the UI unless `#format` is `filtered_html`). */
  value(text: string): RenderElement {
    this.setProp("#value", JsonValue.str(text));
    return this;
  }

  /** `plain_text` (default) or `filtered_html` (sanitized before it reaches the page). */
  format(name: string): RenderElement {
    this.setProp("#format", JsonValue.str(name));
    return this;
  }

  /** Sets one `#attributes` entry (`href`, `class`, `id`, `data-*`...). */
  attr(name: string, value: string): RenderElement {
    const current = this.getProp("#attributes");
    let attributes: JsonValue;
    if (current !== null && current.isObject()) {
      // Copied once after being handed out, so that JSON taken earlier keeps its attributes.
      attributes = this.attributesOwned ? current : current.shallowCopy();
    } else {
      attributes = JsonValue.obj();
    }
    attributes.setString(name, value);
    this.setProp("#attributes", attributes);
    this.attributesOwned = true;
    return this;
  }

  /** Adds (or replaces) the child `key`. Keys are plain names; they never start with '#'. */
  child(key: string, element: RenderElement): RenderElement {
    assert(!key.startsWith("#"), "RenderElement.child: a child key cannot start with '#'");
    this.own().set(key, element.toJson());
    return this;
  }

  /** Adds a child given as raw JSON (for example a tree received in `tap_item_view_alter`). */
  childJson(key: string, element: JsonValue): RenderElement {
    assert(!key.startsWith("#"), "RenderElement.childJson: a child key cannot start with '#'");
    this.own().set(key, element);
    return this;
  }

  /** Whether child `key` exists. */
  hasChild(key: string): bool {
    return !key.startsWith("#") && this.node.has(key);
  }

  /** Removes child `key`; returns whether it was there. */
  removeChild(key: string): bool {
    if (key.startsWith("#") || !this.node.has(key)) return false;
    return this.own().remove(key);
  }

  /** The number of children. */
  get childCount(): i32 {
    return this.node.length - this.propCount;
  }

  /** Sets any `#` property not covered above (kept as given, for renderers that know it). */
  prop(name: string, value: JsonValue): RenderElement {
    assert(name.startsWith("#"), "RenderElement.prop: a property name starts with '#'");
    this.setProp(name, value);
    // The caller keeps `value`: copy it before adding to it.
    if (name == "#attributes") this.attributesOwned = false;
    else if (name == "#rows") this.rowsOwned = false;
    return this;
  }

  /** Adds a row of text cells to a `table`. */
  row(cells: string[]): RenderElement {
    return this.rowJson(JsonValue.strings(cells));
  }

  /** Adds a row to a `table`; each cell is a JSON string or a RenderElement's `toJson()`. */
  rowJson(cells: JsonValue): RenderElement {
    const current = this.getProp("#rows");
    let rows: JsonValue;
    if (current !== null && current.isArray()) {
      // Copied once after being handed out, so that JSON taken earlier keeps its rows.
      rows = this.rowsOwned ? current : current.shallowCopy();
    } else {
      rows = JsonValue.arr();
    }
    rows.push(cells);
    this.setProp("#rows", rows);
    this.rowsOwned = true;
    return this;
  }

  /** Appends `element` under a generated key with `#weight` = its position (lists, tables). */
  append(element: RenderElement): RenderElement {
    const n = this.childCount;
    return this.child("item-" + n.toString(), element.weight(n));
  }

  /** The tree as JSON: `#` properties, then children. */
  toJson(): JsonValue {
    this.shared = true;
    this.attributesOwned = false;
    this.rowsOwned = false;
    return this.node;
  }

  /**
   * An element from JSON (as `tap_item_view_alter` receives it). Children stay JSON until
   * replaced, and `v` is copied only when the element changes, so an alter hook only pays for
   * what it changes.
   */
  static fromJson(v: JsonValue): RenderElement {
    const el = new RenderElement("container");
    const node = JsonValue.obj();
    let props = 0;
    const members = v.isObject() ? v.length : 0;
    for (let i = 0; i < members; i++) {
      const key = v.keyAt(i);
      if (key.startsWith("#")) node.insertAt(props++, key, v.at(i) as JsonValue);
      else node.set(key, v.at(i) as JsonValue);
    }
    if (!node.has("#type")) {
      node.insertAt(0, "#type", JsonValue.str("container"));
      props++;
    }
    el.node = node;
    el.propCount = props;
    return el;
  }
}

/** A grouping element in an allow-listed `#tag` (default `div`; `section`, `article`, `nav`...). */
export function container(tag: string = ""): RenderElement {
  const el = new RenderElement("container");
  if (tag.length > 0) el.tag(tag);
  return el;
}

/** Text in an element: `markup("h1", "Title")`; `filtered_html` text is sanitized by the UI. */
export function markup(tag: string, text: string, format: string = PLAIN_TEXT): RenderElement {
  const el = new RenderElement("markup").tag(tag).value(text);
  if (format != PLAIN_TEXT) el.format(format);
  return el;
}

/** A link: `#title` is the text, `#url` a site path (`/blog`) or an http(s) URL. */
export function link(text: string, url: string): RenderElement {
  return new RenderElement("link").prop("#title", JsonValue.str(text)).prop("#url", JsonValue.str(url));
}

/**
 * A list (`ul`, or `ol` when `ordered`). Each child is one entry: add them with `append`, or
 * give text entries at once with `listOf`.
 */
export function list(ordered: bool = false): RenderElement {
  return new RenderElement("list").prop("#list_type", JsonValue.str(ordered ? "ol" : "ul"));
}

/** A list of text entries (`#items`). */
export function listOf(entries: string[], ordered: bool = false): RenderElement {
  return list(ordered).prop("#items", JsonValue.strings(entries));
}

/**
 * A table: `#header` is one row of cells, `#rows` an array of rows; a cell is text or an
 * element. Tables have no children.
 *
 * @example
 * table(["Title", "Date"]).row(JsonValue.arr().push(link("A post", "/blog/a").toJson()).push(JsonValue.str("2024-01-01")))
 */
export function table(header: string[] = [], caption: string = ""): RenderElement {
  const el = new RenderElement("table").prop("#rows", JsonValue.arr());
  if (header.length > 0) el.prop("#header", JsonValue.strings(header));
  if (caption.length > 0) el.prop("#caption", JsonValue.str(caption));
  return el;
}

/**
 * A form. Its `item`s with a name (see `textField`) are its fields; `submitLabel` adds the
 * button. Submitting reaches the plugin through the form taps with `formId`.
 */
export function form(formId: string, submitLabel: string = ""): RenderElement {
  const el = new RenderElement("form").prop("#form_id", JsonValue.str(formId));
  if (submitLabel.length > 0) el.prop("#submit", JsonValue.str(submitLabel));
  return el;
}

/**
 * Links between the pages of a long list: "Previous" and "Next" (`rel="prev"`/`"next"`) and
 * "Page N of M". `url` is the list's path; page 1 links to it as it is, page N adds `page=N`.
 *
 * @example pager("/blog", 2, 50)
 */
export function pager(url: string, page: i32, pages: i32): RenderElement {
  return new RenderElement("pager")
    .prop("#url", JsonValue.str(url))
    .prop("#page", JsonValue.num(<f64>page))
    .prop("#pages", JsonValue.num(<f64>pages));
}

/**
 * A pager for a list that is not counted (a query made `withoutTotal()`): "Previous",
 * "Page N", and "Next" while `more` says a next page exists.
 *
 * @example miniPager("/blog", 2, found.more)
 */
export function miniPager(url: string, page: i32, more: bool): RenderElement {
  return new RenderElement("pager")
    .prop("#url", JsonValue.str(url))
    .prop("#page", JsonValue.num(<f64>page))
    .prop("#more", JsonValue.bool(more));
}

/** A labelled value: `#title` is the label, `#value` the text (children may add more). */
export function item(label: string, value: string = ""): RenderElement {
  return new RenderElement("item").prop("#title", JsonValue.str(label)).value(value);
}

/** A text input for a `form`: an `item` with a `#name`, prefilled with `value`. */
export function textField(name: string, label: string, value: string = ""): RenderElement {
  return item(label, value).prop("#name", JsonValue.str(name));
}
