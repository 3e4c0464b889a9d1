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

/** One node of a render tree. Setters return the element, so builders chain. */
export class RenderElement {
  private props: JsonValue = JsonValue.obj();
  private kids: JsonValue = JsonValue.obj();

  constructor(type: string) {
    this.props.setString("#type", type);
  }

  /** The `#type`: container, markup, link, list, table, form or item. */
  get type(): string {
    return this.props.getString("#type");
  }

  /** Children render by `#weight` ascending, then in key order. */
  weight(w: i32): RenderElement {
    this.props.setNumber("#weight", <f64>w);
    return this;
  }

  /** The HTML element name the UI uses (`h1`, `p`, `ul`, `section`...). */
  tag(name: string): RenderElement {
    this.props.setString("#tag", name);
    return this;
  }

  /** The text of `markup` and `item` (escaped by the UI unless `#format` is `filtered_html`). */
  value(text: string): RenderElement {
    this.props.setString("#value", text);
    return this;
  }

  /** `plain_text` (default) or `filtered_html` (sanitized before it reaches the page). */
  format(name: string): RenderElement {
    this.props.setString("#format", name);
    return this;
  }

  /** Sets one `#attributes` entry (`href`, `class`, `id`, `data-*`...). */
  attr(name: string, value: string): RenderElement {
    let attributes = this.props.getObject("#attributes");
    if (attributes === null) {
      attributes = JsonValue.obj();
      this.props.set("#attributes", attributes);
    }
    attributes.setString(name, value);
    return this;
  }

  /** Adds (or replaces) the child `key`. Keys are plain names; they never start with '#'. */
  child(key: string, element: RenderElement): RenderElement {
    assert(!key.startsWith("#"), "RenderElement.child: a child key cannot start with '#'");
    this.kids.set(key, element.toJson());
    return this;
  }

  /** Adds a child given as raw JSON (for example a tree received in `tap_item_view_alter`). */
  childJson(key: string, element: JsonValue): RenderElement {
    this.kids.set(key, element);
    return this;
  }

  /** Whether child `key` exists. */
  hasChild(key: string): bool {
    return this.kids.has(key);
  }

  /** Removes child `key`; returns whether it was there. */
  removeChild(key: string): bool {
    return this.kids.remove(key);
  }

  /** The number of children. */
  get childCount(): i32 {
    return this.kids.length;
  }

  /** Sets any `#` property not covered above (kept as given, for renderers that know it). */
  prop(name: string, value: JsonValue): RenderElement {
    assert(name.startsWith("#"), "RenderElement.prop: a property name starts with '#'");
    this.props.set(name, value);
    return this;
  }

  /** Adds a row of text cells to a `table`. */
  row(cells: string[]): RenderElement {
    return this.rowJson(JsonValue.strings(cells));
  }

  /** Adds a row to a `table`; each cell is a JSON string or a RenderElement's `toJson()`. */
  rowJson(cells: JsonValue): RenderElement {
    let rows = this.props.getArray("#rows");
    if (rows === null) {
      rows = JsonValue.arr();
      this.props.set("#rows", rows);
    }
    rows.push(cells);
    return this;
  }

  /** Appends `element` under a generated key with `#weight` = its position (lists, tables). */
  append(element: RenderElement): RenderElement {
    const n = this.kids.length;
    return this.child("item-" + n.toString(), element.weight(n));
  }

  toJson(): JsonValue {
    const out = JsonValue.obj();
    const propKeys = this.props.keys();
    for (let i = 0; i < propKeys.length; i++) out.set(propKeys[i], this.props.at(i) as JsonValue);
    const kidKeys = this.kids.keys();
    for (let i = 0; i < kidKeys.length; i++) out.set(kidKeys[i], this.kids.at(i) as JsonValue);
    return out;
  }

  /**
   * An element from JSON (as `tap_item_view_alter` receives it). Children stay JSON until
   * replaced, so an alter hook only pays for what it changes.
   */
  static fromJson(v: JsonValue): RenderElement {
    const el = new RenderElement(v.getString("#type", "container"));
    const keys = v.keys();
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const value = v.at(i) as JsonValue;
      if (key.startsWith("#")) el.props.set(key, value);
      else el.kids.set(key, value);
    }
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

/** A labelled value: `#title` is the label, `#value` the text (children may add more). */
export function item(label: string, value: string = ""): RenderElement {
  return new RenderElement("item").prop("#title", JsonValue.str(label)).value(value);
}

/** A text input for a `form`: an `item` with a `#name`, prefilled with `value`. */
export function textField(name: string, label: string, value: string = ""): RenderElement {
  return item(label, value).prop("#name", JsonValue.str(name));
}
