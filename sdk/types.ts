/**
 * The JSON shapes of ABI §5 as AssemblyScript classes with builders. Each has `toJson()`;
 * the shapes a plugin receives (Item, route requests) also have `fromJson`.
 *
 * @example
 * contentType("blog", "Blog post", "A dated article.")
 *   .field(field("body", FieldType.textLong(), "Body").required())
 *   .field(field("tags", FieldType.recordReference("category_term"), "Tags").unlimited());
 */
import { JsonValue } from "./json";

/** Text formats of a TextValue. */
export const PLAIN_TEXT = "plain_text";
export const FILTERED_HTML = "filtered_html";

/** A text field value `{value, format}`. */
export class TextValue {
  constructor(public value: string, public format: string = PLAIN_TEXT) {}

  static plain(value: string): TextValue {
    return new TextValue(value, PLAIN_TEXT);
  }

  /** HTML that the kernel sanitizes before it reaches a page. */
  static html(value: string): TextValue {
    return new TextValue(value, FILTERED_HTML);
  }

  /** A TextValue from `{value, format}`, or from a bare string (read as plain text). */
  static fromJson(v: JsonValue): TextValue | null {
    if (v.isString()) return new TextValue(v.asString(), PLAIN_TEXT);
    if (!v.isObject()) return null;
    return new TextValue(v.getString("value"), v.getString("format", PLAIN_TEXT));
  }

  toJson(): JsonValue {
    return JsonValue.obj().setString("value", this.value).setString("format", this.format);
  }
}

/**
 * An item (a piece of content) as ABI §5 describes it. `id` is empty for an item not yet
 * saved; `saveItem` returns it with `id`, `created` and `changed` filled.
 */
export class Item {
  id: string = "";
  item_type: string = "";
  title: string = "";
  /** Field values by field name (an object). */
  fields: JsonValue = JsonValue.obj();
  /** 1 = published, 0 = unpublished. */
  status: i32 = 1;
  author_id: string = "";
  revision_id: string | null = null;
  /** Unix seconds; 0 until saved. */
  created: i64 = 0;
  changed: i64 = 0;

  /** A new, unsaved item of `itemType`. */
  static create(itemType: string, title: string): Item {
    const item = new Item();
    item.item_type = itemType;
    item.title = title;
    return item;
  }

  /** Reads an item; missing members keep their defaults. */
  static fromJson(v: JsonValue): Item {
    const item = new Item();
    item.id = v.getString("id");
    item.item_type = v.getString("item_type");
    item.title = v.getString("title");
    const fields = v.getObject("fields");
    if (fields !== null) item.fields = fields;
    item.status = <i32>v.getInt("status", 1);
    item.author_id = v.getString("author_id");
    const revision = v.get("revision_id");
    if (revision !== null && revision.isString()) item.revision_id = revision.asString();
    item.created = v.getInt("created");
    item.changed = v.getInt("changed");
    return item;
  }

  toJson(): JsonValue {
    const v = JsonValue.obj();
    // An unsaved item has no id yet: the kernel assigns one.
    if (this.id.length > 0) v.setString("id", this.id);
    v.setString("item_type", this.item_type)
      .setString("title", this.title)
      .set("fields", this.fields)
      .setNumber("status", <f64>this.status);
    if (this.author_id.length > 0) v.setString("author_id", this.author_id);
    const revision = this.revision_id;
    if (revision !== null) v.setString("revision_id", revision);
    if (this.created != 0) v.setNumber("created", <f64>this.created);
    if (this.changed != 0) v.setNumber("changed", <f64>this.changed);
    return v;
  }

  get isPublished(): bool {
    return this.status == 1;
  }

  /** The raw value of field `name`, or null. */
  field(name: string): JsonValue | null {
    return this.fields.get(name);
  }

  /** Sets field `name` and returns this item. */
  setField(name: string, value: JsonValue): Item {
    this.fields.set(name, value);
    return this;
  }

  /** Field `name` as a TextValue (`{value, format}` or a bare string), or null. */
  text(name: string): TextValue | null {
    const v = this.fields.get(name);
    return v === null ? null : TextValue.fromJson(v);
  }

  /** Sets a text field. */
  setText(name: string, value: string, format: string = PLAIN_TEXT): Item {
    return this.setField(name, new TextValue(value, format).toJson());
  }

  /** Field `name` as a plain string: a string value, or the `value` of a text value, else "". */
  string(name: string): string {
    const t = this.text(name);
    return t === null ? "" : t.value;
  }

  /**
   * The item ids a RecordReference field holds. A value is an id string, `{target_id}`, or an
   * array of either (fields with cardinality other than 1).
   */
  references(name: string): string[] {
    const out: string[] = [];
    const v = this.fields.get(name);
    if (v === null) return out;
    if (v.isArray()) {
      for (let i = 0; i < v.length; i++) pushReference(out, v.at(i) as JsonValue);
    } else {
      pushReference(out, v);
    }
    return out;
  }
}

function pushReference(out: string[], v: JsonValue): void {
  if (v.isString()) out.push(v.asString());
  else if (v.isObject() && v.has("target_id")) out.push(v.getString("target_id"));
}

/** A field's type (ABI §5 `field_type`). */
export class FieldType {
  private constructor(private name: string, private detail: JsonValue | null) {}

  static textLong(): FieldType { return new FieldType("TextLong", null); }
  static integer(): FieldType { return new FieldType("Integer", null); }
  static float(): FieldType { return new FieldType("Float", null); }
  static boolean(): FieldType { return new FieldType("Boolean", null); }
  static file(): FieldType { return new FieldType("File", null); }
  static date(): FieldType { return new FieldType("Date", null); }
  static email(): FieldType { return new FieldType("Email", null); }

  /** Short text; `maxLength` < 0 means no limit (`null`). */
  static text(maxLength: i32 = -1): FieldType {
    const limit = maxLength < 0 ? JsonValue.nil() : JsonValue.num(<f64>maxLength);
    return new FieldType("Text", JsonValue.obj().set("max_length", limit));
  }

  /** A reference to items of type `itemType`. */
  static recordReference(itemType: string): FieldType {
    return new FieldType("RecordReference", JsonValue.str(itemType));
  }

  toJson(): JsonValue {
    const detail = this.detail;
    if (detail === null) return JsonValue.str(this.name);
    return JsonValue.obj().set(this.name, detail);
  }
}

/** A field of a content type. Build with `field(...)`. */
export class FieldDefinition {
  private _required: bool = false;
  private _cardinality: i32 = 1;
  private _settings: JsonValue = JsonValue.obj();

  constructor(public name: string, public type: FieldType, public label: string) {}

  /** Marks the field required. */
  required(yes: bool = true): FieldDefinition {
    this._required = yes;
    return this;
  }

  /** How many values the field holds (1 by default). */
  cardinality(n: i32): FieldDefinition {
    this._cardinality = n;
    return this;
  }

  /** Any number of values (cardinality -1). */
  unlimited(): FieldDefinition {
    return this.cardinality(-1);
  }

  /** Adds a free-form setting. */
  setting(key: string, value: JsonValue): FieldDefinition {
    this._settings.set(key, value);
    return this;
  }

  toJson(): JsonValue {
    return JsonValue.obj()
      .setString("field_name", this.name)
      .set("field_type", this.type.toJson())
      .setString("label", this.label)
      .setBool("required", this._required)
      .setNumber("cardinality", <f64>this._cardinality)
      .set("settings", this._settings);
  }
}

/** A field definition builder: `field("body", FieldType.textLong(), "Body").required()`. */
export function field(name: string, type: FieldType, label: string): FieldDefinition {
  return new FieldDefinition(name, type, label);
}

/** A content type (`tap_item_info` returns an array of them). Build with `contentType(...)`. */
export class ContentTypeDefinition {
  fields: FieldDefinition[] = [];
  constructor(public machineName: string, public label: string, public description: string) {}

  /** Adds a field and returns this type. */
  field(definition: FieldDefinition): ContentTypeDefinition {
    this.fields.push(definition);
    return this;
  }

  toJson(): JsonValue {
    return JsonValue.obj()
      .setString("machine_name", this.machineName)
      .setString("label", this.label)
      .setString("description", this.description)
      .set("fields", jsonList<FieldDefinition>(this.fields));
  }
}

export function contentType(machineName: string, label: string, description: string): ContentTypeDefinition {
  return new ContentTypeDefinition(machineName, label, description);
}

/** A permission (`tap_perm` returns an array of them). */
export class PermissionDefinition {
  constructor(public name: string, public description: string) {}
  toJson(): JsonValue {
    return JsonValue.obj().setString("name", this.name).setString("description", this.description);
  }
}

export function permission(name: string, description: string): PermissionDefinition {
  return new PermissionDefinition(name, description);
}

/**
 * A route (`tap_menu` returns an array of them). `callback` names an export of this plugin
 * with the tap signature; `:name` path segments are parameters.
 */
export class MenuDefinition {
  private _permission: string = "access content";
  private _parent: string | null = null;
  private _weight: i32 = 0;

  constructor(public path: string, public title: string, public callback: string) {}

  /** The permission needed to reach the route ("access content" by default). */
  permission(name: string): MenuDefinition {
    this._permission = name;
    return this;
  }

  /** The parent route's path, for menu trees. */
  parent(path: string): MenuDefinition {
    this._parent = path;
    return this;
  }

  weight(w: i32): MenuDefinition {
    this._weight = w;
    return this;
  }

  toJson(): JsonValue {
    const v = JsonValue.obj()
      .setString("path", this.path)
      .setString("title", this.title)
      .setString("callback", this.callback)
      .setString("permission", this._permission);
    const parent = this._parent;
    if (parent !== null) v.setString("parent", parent);
    return v.setNumber("weight", <f64>this._weight);
  }
}

export function menu(path: string, title: string, callback: string): MenuDefinition {
  return new MenuDefinition(path, title, callback);
}

/** `tap_item_access` answers. */
export class AccessResult {
  static grant(): JsonValue { return JsonValue.str("Grant"); }
  static deny(): JsonValue { return JsonValue.str("Deny"); }
  static neutral(): JsonValue { return JsonValue.str("Neutral"); }
}

/** What a route callback receives: `{path, params, query}`. */
export class RouteRequest {
  path: string = "";
  params: JsonValue = JsonValue.obj();
  query: JsonValue = JsonValue.obj();

  static fromJson(v: JsonValue): RouteRequest {
    const r = new RouteRequest();
    r.path = v.getString("path");
    const params = v.getObject("params");
    if (params !== null) r.params = params;
    const query = v.getObject("query");
    if (query !== null) r.query = query;
    return r;
  }

  /** Path parameter `name` (for `/blog/:slug`, `param("slug")`), or "". */
  param(name: string): string {
    return this.params.getString(name);
  }

  /** Query-string parameter `name`, or `fallback`. */
  queryParam(name: string, fallback: string = ""): string {
    return this.query.getString(name, fallback);
  }
}

/** A JSON array of anything with `toJson()`: `jsonList(permissions)`. */
export function jsonList<T>(values: T[]): JsonValue {
  const out = JsonValue.arr();
  for (let i = 0; i < values.length; i++) out.push(values[i].toJson());
  return out;
}
