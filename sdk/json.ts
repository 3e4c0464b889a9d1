/**
 * A small JSON tree, parser and serializer for plugins.
 *
 * Written for the SDK rather than taken from a package because start-up cost matters: every
 * request instantiates a plugin afresh, and this module allocates nothing until it is used.
 * Objects keep their keys in insertion order, so what a plugin writes is what the kernel reads.
 */

import { parseJsonNumber } from "./number";

/** The kind of a JsonValue. */
export enum JsonKind {
  Null = 0,
  Bool = 1,
  Number = 2,
  String = 3,
  Array = 4,
  Object = 5,
}

/**
 * One JSON value. A single class with a `kind` (rather than a class per kind) keeps the tree
 * cheap in AssemblyScript and lets every accessor answer for any kind without casts.
 *
 * @example
 * const post = JsonValue.obj().setString("title", "Hello").setNumber("views", 3);
 * post.getString("title"); // "Hello"
 * post.toString();         // {"title":"Hello","views":3}
 */
export class JsonValue {
  kind: JsonKind = JsonKind.Null;
  private _bool: bool = false;
  private _num: f64 = 0;
  private _str: string = "";
  private _items: JsonValue[] | null = null;
  private _keys: string[] | null = null;

  /** `null`. */
  static nil(): JsonValue {
    return new JsonValue();
  }

  /** `true` or `false`. */
  static bool(value: bool): JsonValue {
    const v = new JsonValue();
    v.kind = JsonKind.Bool;
    v._bool = value;
    return v;
  }

  /** A number (JSON numbers are f64; integers up to 2^53 are exact). */
  static num(value: f64): JsonValue {
    const v = new JsonValue();
    v.kind = JsonKind.Number;
    v._num = value;
    return v;
  }

  /** A string. */
  static str(value: string): JsonValue {
    const v = new JsonValue();
    v.kind = JsonKind.String;
    v._str = value;
    return v;
  }

  /** An empty array; add elements with `push`. */
  static arr(): JsonValue {
    const v = new JsonValue();
    v.kind = JsonKind.Array;
    v._items = [];
    return v;
  }

  /** An empty object; add members with `set` (keys keep insertion order). */
  static obj(): JsonValue {
    const v = new JsonValue();
    v.kind = JsonKind.Object;
    v._items = [];
    v._keys = [];
    return v;
  }

  /** An array of strings. */
  static strings(values: string[]): JsonValue {
    const v = JsonValue.arr();
    for (let i = 0; i < values.length; i++) v.push(JsonValue.str(values[i]));
    return v;
  }

  /** A string, or `null` when `value` is null. */
  static strOrNull(value: string | null): JsonValue {
    return value === null ? JsonValue.nil() : JsonValue.str(value);
  }

  isNull(): bool { return this.kind == JsonKind.Null; }
  isBool(): bool { return this.kind == JsonKind.Bool; }
  isNumber(): bool { return this.kind == JsonKind.Number; }
  isString(): bool { return this.kind == JsonKind.String; }
  isArray(): bool { return this.kind == JsonKind.Array; }
  isObject(): bool { return this.kind == JsonKind.Object; }

  /** The boolean, or `fallback` when this is not a boolean. */
  asBool(fallback: bool = false): bool {
    return this.kind == JsonKind.Bool ? this._bool : fallback;
  }

  /** The number, or `fallback` when this is not a number. */
  asNumber(fallback: f64 = 0): f64 {
    return this.kind == JsonKind.Number ? this._num : fallback;
  }

  /** The number truncated to an integer, or `fallback` when this is not a finite number. */
  asInt(fallback: i64 = 0): i64 {
    return this.kind == JsonKind.Number && isFinite(this._num) ? <i64>this._num : fallback;
  }

  /** The string, or `fallback` when this is not a string. */
  asString(fallback: string = ""): string {
    return this.kind == JsonKind.String ? this._str : fallback;
  }

  /** Elements of an array or values of an object, in order (empty for other kinds). */
  get length(): i32 {
    const items = this._items;
    return items === null ? 0 : items.length;
  }

  /** The element at `index` of an array (or the value at that position of an object). */
  at(index: i32): JsonValue | null {
    const items = this._items;
    if (items === null || index < 0 || index >= items.length) return null;
    return unchecked(items[index]);
  }

  /** Appends to an array and returns this array, for chaining. Aborts on another kind. */
  push(value: JsonValue): JsonValue {
    assert(this.kind == JsonKind.Array, "JsonValue.push: the value is not an array");
    (this._items as JsonValue[]).push(value);
    return this;
  }

  /** The keys of an object, in order (empty for other kinds). */
  keys(): string[] {
    const keys = this._keys;
    return keys === null ? [] : keys.slice(0);
  }

  /** The elements of an array or the values of an object, in order. */
  values(): JsonValue[] {
    const items = this._items;
    return items === null ? [] : items.slice(0);
  }

  private indexOfKey(key: string): i32 {
    const keys = this._keys;
    if (keys === null) return -1;
    // Last match wins, so a parsed object with a repeated key reads like JSON.parse in JS.
    for (let i = keys.length - 1; i >= 0; i--) {
      if (unchecked(keys[i]) == key) return i;
    }
    return -1;
  }

  /** Whether an object has `key`. */
  has(key: string): bool {
    return this.indexOfKey(key) >= 0;
  }

  /** The member `key` of an object, or null when absent (or this is not an object). */
  get(key: string): JsonValue | null {
    const i = this.indexOfKey(key);
    return i < 0 ? null : unchecked((this._items as JsonValue[])[i]);
  }

  /** Sets member `key` (replacing it in place if present) and returns this object. */
  set(key: string, value: JsonValue): JsonValue {
    assert(this.kind == JsonKind.Object, "JsonValue.set: the value is not an object");
    const i = this.indexOfKey(key);
    if (i >= 0) {
      (this._items as JsonValue[])[i] = value;
    } else {
      (this._keys as string[]).push(key);
      (this._items as JsonValue[]).push(value);
    }
    return this;
  }

  /** Removes member `key` of an object; returns whether it was there. */
  remove(key: string): bool {
    const i = this.indexOfKey(key);
    if (i < 0) return false;
    (this._keys as string[]).splice(i, 1);
    (this._items as JsonValue[]).splice(i, 1);
    return true;
  }

  setString(key: string, value: string): JsonValue { return this.set(key, JsonValue.str(value)); }
  setNumber(key: string, value: f64): JsonValue { return this.set(key, JsonValue.num(value)); }
  setBool(key: string, value: bool): JsonValue { return this.set(key, JsonValue.bool(value)); }
  setNull(key: string): JsonValue { return this.set(key, JsonValue.nil()); }

  /** Member `key` as a string, or `fallback` when absent or not a string. */
  getString(key: string, fallback: string = ""): string {
    const v = this.get(key);
    return v === null ? fallback : v.asString(fallback);
  }

  /** Member `key` as a number, or `fallback`. */
  getNumber(key: string, fallback: f64 = 0): f64 {
    const v = this.get(key);
    return v === null ? fallback : v.asNumber(fallback);
  }

  /** Member `key` as an integer, or `fallback`. */
  getInt(key: string, fallback: i64 = 0): i64 {
    const v = this.get(key);
    return v === null ? fallback : v.asInt(fallback);
  }

  /** Member `key` as a boolean, or `fallback`. */
  getBool(key: string, fallback: bool = false): bool {
    const v = this.get(key);
    return v === null ? fallback : v.asBool(fallback);
  }

  /** Member `key` when it is an object, else null. */
  getObject(key: string): JsonValue | null {
    const v = this.get(key);
    return v !== null && v.isObject() ? v : null;
  }

  /** Member `key` when it is an array, else null. */
  getArray(key: string): JsonValue | null {
    const v = this.get(key);
    return v !== null && v.isArray() ? v : null;
  }

  /** A deep copy. */
  clone(): JsonValue {
    return parseJson(this.toString());
  }

  /** Compact JSON text. */
  toString(): string {
    const out = new StringBuilder();
    writeValue(out, this);
    return out.toString();
  }
}

/** Serializes a value as compact JSON (same as `value.toString()`). */
export function stringifyJson(value: JsonValue): string {
  return value.toString();
}

// ---------------------------------------------------------------------------------------------
// Serializer

/** Collects string pieces and joins them once, so serializing is linear in the output size. */
class StringBuilder {
  private parts: string[] = [];
  append(s: string): void {
    this.parts.push(s);
  }
  toString(): string {
    return this.parts.join("");
  }
}

const HEX = "0123456789abcdef";

function formatNumber(n: f64): string {
  // JSON has no NaN or Infinity; JS's JSON.stringify writes null for them and so do we.
  if (!isFinite(n)) return "null";
  if (n == 0) return "0";
  const s = n.toString();
  // AssemblyScript prints integer-valued floats as "3.0"; JSON (and JS) write "3".
  if (s.endsWith(".0")) return s.substring(0, s.length - 2);
  return s;
}

function writeString(out: StringBuilder, s: string): void {
  out.append('"');
  let start = 0;
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    let escape: string | null = null;
    if (c == 0x22) escape = '\\"';
    else if (c == 0x5c) escape = "\\\\";
    else if (c < 0x20) {
      if (c == 0x08) escape = "\\b";
      else if (c == 0x0c) escape = "\\f";
      else if (c == 0x0a) escape = "\\n";
      else if (c == 0x0d) escape = "\\r";
      else if (c == 0x09) escape = "\\t";
      else escape = unicodeEscape(c);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // A well-formed surrogate pair passes through (UTF-8 encodes it); a lone surrogate
      // cannot be UTF-8, so it is written as \uXXXX like JS's well-formed JSON.stringify.
      const isHigh = c <= 0xdbff;
      const next = i + 1 < len ? s.charCodeAt(i + 1) : 0;
      if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      escape = unicodeEscape(c);
    }
    if (escape !== null) {
      if (i > start) out.append(s.substring(start, i));
      out.append(escape);
      start = i + 1;
    }
  }
  if (start == 0) out.append(s);
  else if (start < len) out.append(s.substring(start));
  out.append('"');
}

function unicodeEscape(c: i32): string {
  return "\\u" + HEX.charAt((c >> 12) & 15) + HEX.charAt((c >> 8) & 15) + HEX.charAt((c >> 4) & 15) + HEX.charAt(c & 15);
}

function writeValue(out: StringBuilder, v: JsonValue): void {
  switch (v.kind) {
    case JsonKind.Null:
      out.append("null");
      break;
    case JsonKind.Bool:
      out.append(v.asBool() ? "true" : "false");
      break;
    case JsonKind.Number:
      out.append(formatNumber(v.asNumber()));
      break;
    case JsonKind.String:
      writeString(out, v.asString());
      break;
    case JsonKind.Array: {
      out.append("[");
      const n = v.length;
      for (let i = 0; i < n; i++) {
        if (i > 0) out.append(",");
        writeValue(out, v.at(i) as JsonValue);
      }
      out.append("]");
      break;
    }
    default: {
      out.append("{");
      const keys = v.keys();
      for (let i = 0; i < keys.length; i++) {
        if (i > 0) out.append(",");
        writeString(out, keys[i]);
        out.append(":");
        writeValue(out, v.at(i) as JsonValue);
      }
      out.append("}");
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Parser

/** The outcome of `tryParseJson`: a value, or an error with the position it was found at. */
export class JsonParseResult {
  constructor(
    public value: JsonValue | null,
    /** Empty when parsing succeeded. */
    public error: string,
    /** 1-based line and column of the error (0 when parsing succeeded). */
    public line: i32,
    public column: i32,
  ) {}

  get ok(): bool {
    return this.value !== null;
  }
}

/** Nesting deeper than this is refused: the parser recurses, and wasm stacks are small. */
const MAX_DEPTH = 512;

class Parser {
  pos: i32 = 0;
  error: string = "";
  errorPos: i32 = -1;
  constructor(public text: string) {}

  fail(message: string): JsonValue | null {
    if (this.errorPos < 0) {
      this.error = message;
      this.errorPos = this.pos;
    }
    return null;
  }

  skipWhitespace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09) this.pos++;
      else break;
    }
  }

  describeHere(): string {
    if (this.pos >= this.text.length) return "the end of the input";
    return "'" + this.text.charAt(this.pos) + "'";
  }

  parseValue(depth: i32): JsonValue | null {
    if (depth > MAX_DEPTH) return this.fail("nesting is deeper than " + MAX_DEPTH.toString() + " levels");
    this.skipWhitespace();
    if (this.pos >= this.text.length) return this.fail("expected a value but found the end of the input");
    const c = this.text.charCodeAt(this.pos);
    if (c == 0x7b) return this.parseObject(depth);
    if (c == 0x5b) return this.parseArray(depth);
    if (c == 0x22) {
      const s = this.parseString();
      return s === null ? null : JsonValue.str(s);
    }
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.parseNumber();
    if (this.text.startsWith("true", this.pos)) {
      this.pos += 4;
      return JsonValue.bool(true);
    }
    if (this.text.startsWith("false", this.pos)) {
      this.pos += 5;
      return JsonValue.bool(false);
    }
    if (this.text.startsWith("null", this.pos)) {
      this.pos += 4;
      return JsonValue.nil();
    }
    return this.fail("expected a value but found " + this.describeHere());
  }

  parseObject(depth: i32): JsonValue | null {
    this.pos++; // {
    const obj = JsonValue.obj();
    this.skipWhitespace();
    if (this.pos < this.text.length && this.text.charCodeAt(this.pos) == 0x7d) {
      this.pos++;
      return obj;
    }
    while (true) {
      this.skipWhitespace();
      if (this.pos >= this.text.length || this.text.charCodeAt(this.pos) != 0x22) {
        return this.fail("expected a string key in an object but found " + this.describeHere());
      }
      const key = this.parseString();
      if (key === null) return null;
      this.skipWhitespace();
      if (this.pos >= this.text.length || this.text.charCodeAt(this.pos) != 0x3a) {
        return this.fail("expected ':' after the object key \"" + key + "\" but found " + this.describeHere());
      }
      this.pos++;
      const value = this.parseValue(depth + 1);
      if (value === null) return null;
      obj.set(key, value);
      this.skipWhitespace();
      if (this.pos >= this.text.length) return this.fail("an object is not closed: expected ',' or '}'");
      const c = this.text.charCodeAt(this.pos);
      this.pos++;
      if (c == 0x7d) return obj;
      if (c != 0x2c) {
        this.pos--;
        return this.fail("expected ',' or '}' in an object but found " + this.describeHere());
      }
    }
    return null;
  }

  parseArray(depth: i32): JsonValue | null {
    this.pos++; // [
    const arr = JsonValue.arr();
    this.skipWhitespace();
    if (this.pos < this.text.length && this.text.charCodeAt(this.pos) == 0x5d) {
      this.pos++;
      return arr;
    }
    while (true) {
      const value = this.parseValue(depth + 1);
      if (value === null) return null;
      arr.push(value);
      this.skipWhitespace();
      if (this.pos >= this.text.length) return this.fail("an array is not closed: expected ',' or ']'");
      const c = this.text.charCodeAt(this.pos);
      this.pos++;
      if (c == 0x5d) return arr;
      if (c != 0x2c) {
        this.pos--;
        return this.fail("expected ',' or ']' in an array but found " + this.describeHere());
      }
    }
    return null;
  }

  /** Parses a string starting at the opening quote; null (with an error) when malformed. */
  parseString(): string | null {
    const t = this.text;
    this.pos++; // opening quote
    let start = this.pos;
    let parts: string[] | null = null;
    while (true) {
      if (this.pos >= t.length) {
        this.fail("a string is not closed: expected '\"'");
        return null;
      }
      const c = t.charCodeAt(this.pos);
      if (c == 0x22) {
        const tail = t.substring(start, this.pos);
        this.pos++;
        if (parts === null) return tail;
        parts.push(tail);
        return parts.join("");
      }
      if (c < 0x20) {
        this.fail("a control character (code " + c.toString() + ") must be escaped inside a string");
        return null;
      }
      if (c != 0x5c) {
        this.pos++;
        continue;
      }
      if (parts === null) parts = [];
      parts.push(t.substring(start, this.pos));
      this.pos++; // backslash
      if (this.pos >= t.length) {
        this.fail("a string ends inside an escape sequence");
        return null;
      }
      const e = t.charCodeAt(this.pos);
      this.pos++;
      if (e == 0x22) parts.push('"');
      else if (e == 0x5c) parts.push("\\");
      else if (e == 0x2f) parts.push("/");
      else if (e == 0x62) parts.push("\b");
      else if (e == 0x66) parts.push("\f");
      else if (e == 0x6e) parts.push("\n");
      else if (e == 0x72) parts.push("\r");
      else if (e == 0x74) parts.push("\t");
      else if (e == 0x75) {
        const code = this.parseHex4();
        if (code < 0) return null;
        // \uD83D\uDE00 arrives as two escapes; UTF-16 strings hold the pair as-is.
        parts.push(String.fromCharCode(code));
      } else {
        this.pos--;
        this.fail("unknown escape '\\" + t.charAt(this.pos) + "' in a string");
        return null;
      }
      start = this.pos;
    }
    return null;
  }

  parseHex4(): i32 {
    const t = this.text;
    if (this.pos + 4 > t.length) {
      this.fail("a \\u escape needs four hex digits");
      return -1;
    }
    let code = 0;
    for (let i = 0; i < 4; i++) {
      const c = t.charCodeAt(this.pos + i);
      let d: i32 = -1;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) d = c - 0x61 + 10;
      else if (c >= 0x41 && c <= 0x46) d = c - 0x41 + 10;
      if (d < 0) {
        this.pos += i;
        this.fail("a \\u escape needs four hex digits but found " + this.describeHere());
        return -1;
      }
      code = (code << 4) | d;
    }
    this.pos += 4;
    return code;
  }

  parseNumber(): JsonValue | null {
    const t = this.text;
    const start = this.pos;
    if (t.charCodeAt(this.pos) == 0x2d) this.pos++;
    if (this.pos >= t.length) return this.fail("a number has no digits");
    let c = t.charCodeAt(this.pos);
    if (c == 0x30) {
      this.pos++;
    } else if (c >= 0x31 && c <= 0x39) {
      this.skipDigits();
    } else {
      return this.fail("a number has no digits");
    }
    if (this.pos < t.length && t.charCodeAt(this.pos) == 0x2e) {
      this.pos++;
      if (!this.skipDigits()) return this.fail("expected a digit after the decimal point");
    }
    if (this.pos < t.length) {
      c = t.charCodeAt(this.pos);
      if (c == 0x65 || c == 0x45) {
        this.pos++;
        if (this.pos < t.length) {
          c = t.charCodeAt(this.pos);
          if (c == 0x2b || c == 0x2d) this.pos++;
        }
        if (!this.skipDigits()) return this.fail("expected a digit in the exponent");
      }
    }
    return JsonValue.num(parseJsonNumber(t.substring(start, this.pos)));
  }

  skipDigits(): bool {
    const t = this.text;
    const start = this.pos;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c < 0x30 || c > 0x39) break;
      this.pos++;
    }
    return this.pos > start;
  }
}

/**
 * Parses JSON text. Never aborts: a malformed input gives a result whose `error` says what was
 * wrong and `line`/`column` say where.
 */
export function tryParseJson(text: string): JsonParseResult {
  const p = new Parser(text);
  let value = p.parseValue(0);
  if (value !== null) {
    p.skipWhitespace();
    if (p.pos < text.length) value = p.fail("unexpected " + p.describeHere() + " after the JSON value");
  }
  if (value !== null) return new JsonParseResult(value, "", 0, 0);
  let line = 1;
  let column = 1;
  for (let i = 0; i < p.errorPos && i < text.length; i++) {
    if (text.charCodeAt(i) == 0x0a) {
      line++;
      column = 1;
    } else {
      column++;
    }
  }
  return new JsonParseResult(null, p.error, line, column);
}

/**
 * Parses JSON text, aborting (a reported plugin error) with the position and reason when it is
 * malformed. Use `tryParseJson` for text you do not trust.
 */
export function parseJson(text: string): JsonValue {
  const result = tryParseJson(text);
  const value = result.value;
  if (value === null) {
    abort("Invalid JSON at line " + result.line.toString() + ", column " + result.column.toString() + ": " + result.error);
    return JsonValue.nil();
  }
  return value;
}
