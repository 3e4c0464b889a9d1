/**
 * A small JSON tree, parser and serializer for plugins.
 *
 * Written for the SDK rather than taken from a package because start-up cost matters: every
 * request instantiates a plugin afresh, and this module allocates nothing until it is used.
 * Objects keep their keys in insertion order, so what a plugin writes is what the kernel reads.
 *
 * Plugins run on a bump allocator that never frees (`--runtime stub`), so every byte allocated
 * during a call stays allocated until the call ends. Parsing and serializing therefore allocate
 * in proportion to their input and output, once: no string concatenation in loops and no
 * `Array<string>.join` (which asc compiles to repeated concatenation at `--shrinkLevel` >= 1).
 */

import { parseJsonNumber } from "./number";
import { dtoa_buffered, MAX_DOUBLE_LENGTH } from "util/number";

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
  private _kind: JsonKind = JsonKind.Null;
  // Members of an array or object: `_count` used slots of `_items` (and of `_keys` for an
  // object). StaticArrays, allocated on the first member, keep a small object at a few blocks.
  private _count: i32 = 0;
  /** The number, or 1/0 for a boolean. */
  private _num: f64 = 0;
  private _str: string = "";
  private _items: StaticArray<JsonValue> | null = null;
  private _keys: StaticArray<string> | null = null;

  /** The kind of value this is. */
  get kind(): JsonKind {
    return this._kind;
  }

  /** `null`. */
  static nil(): JsonValue {
    // Only arrays and objects change after creation, so null, true and false are shared.
    let v = sharedNull;
    if (v === null) {
      v = new JsonValue();
      sharedNull = v;
    }
    return v;
  }

  /** `true` or `false`. */
  static bool(value: bool): JsonValue {
    let v = value ? sharedTrue : sharedFalse;
    if (v === null) {
      v = new JsonValue();
      v._kind = JsonKind.Bool;
      v._num = value ? 1 : 0;
      if (value) sharedTrue = v;
      else sharedFalse = v;
    }
    return v;
  }

  /** A number (JSON numbers are f64; integers up to 2^53 are exact). */
  static num(value: f64): JsonValue {
    const v = new JsonValue();
    v._kind = JsonKind.Number;
    v._num = value;
    return v;
  }

  /** A string. */
  static str(value: string): JsonValue {
    const v = new JsonValue();
    v._kind = JsonKind.String;
    v._str = value;
    return v;
  }

  /** An empty array; add elements with `push`. */
  static arr(): JsonValue {
    const v = new JsonValue();
    v._kind = JsonKind.Array;
    return v;
  }

  /** An empty object; add members with `set` (keys keep insertion order). */
  static obj(): JsonValue {
    const v = new JsonValue();
    v._kind = JsonKind.Object;
    return v;
  }

  /** @internal An object over `count` members from `keys` and `items` (no repeated key), taken as they are. */
  static withMembers(keys: StaticArray<string>, items: StaticArray<JsonValue>, count: i32): JsonValue {
    const v = new JsonValue();
    v._kind = JsonKind.Object;
    v._keys = keys;
    v._items = items;
    v._count = count;
    return v;
  }

  /** @internal An array over `count` elements of `items`, taken as they are. */
  static withElements(items: StaticArray<JsonValue>, count: i32): JsonValue {
    const v = new JsonValue();
    v._kind = JsonKind.Array;
    v._items = items;
    v._count = count;
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
    return this.kind == JsonKind.Bool ? this._num != 0 : fallback;
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
    return this._count;
  }

  /** The element at `index` of an array (or the value at that position of an object). */
  at(index: i32): JsonValue | null {
    if (index < 0 || index >= this._count) return null;
    return unchecked((this._items as StaticArray<JsonValue>)[index]);
  }

  /** The key at `index` of an object (the key of `at(index)`), or "" when out of range. */
  keyAt(index: i32): string {
    const keys = this._keys;
    if (keys === null || index < 0 || index >= this._count) return "";
    return unchecked(keys[index]);
  }

  /**
   * Makes room for one more member. References are copied with memory.copy, without the GC's
   * __link: plugins are built with `--runtime stub`, which has no collector to tell.
   */
  private grow(): void {
    const count = this._count;
    const items = this._items;
    const capacity = items === null ? 0 : items.length;
    if (count < capacity) return;
    const newCapacity = capacity < 4 ? 4 : capacity << 1;
    const newItems = new StaticArray<JsonValue>(newCapacity);
    if (items !== null) memory.copy(changetype<usize>(newItems), changetype<usize>(items), <usize>count << alignof<usize>());
    this._items = newItems;
    if (this.kind == JsonKind.Object) {
      const keys = this._keys;
      const newKeys = new StaticArray<string>(newCapacity);
      if (keys !== null) memory.copy(changetype<usize>(newKeys), changetype<usize>(keys), <usize>count << alignof<usize>());
      this._keys = newKeys;
    }
  }

  /** Appends to an array and returns this array, for chaining. Aborts on another kind. */
  push(value: JsonValue): JsonValue {
    assert(this.kind == JsonKind.Array, "JsonValue.push: the value is not an array");
    this.grow();
    unchecked(((this._items as StaticArray<JsonValue>)[this._count] = value));
    this._count++;
    return this;
  }

  /** The keys of an object, in order (empty for other kinds). A copy: prefer `keyAt` in loops. */
  keys(): string[] {
    const out = new Array<string>(this._keys === null ? 0 : this._count);
    for (let i = 0; i < out.length; i++) unchecked((out[i] = unchecked((this._keys as StaticArray<string>)[i])));
    return out;
  }

  /** The elements of an array or the values of an object, in order. A copy: prefer `at` in loops. */
  values(): JsonValue[] {
    const out = new Array<JsonValue>(this._count);
    for (let i = 0; i < out.length; i++) unchecked((out[i] = unchecked((this._items as StaticArray<JsonValue>)[i])));
    return out;
  }

  private indexOfKey(key: string): i32 {
    const keys = this._keys;
    if (keys === null) return -1;
    // Last match wins, so a parsed object with a repeated key reads like JSON.parse in JS.
    for (let i = this._count - 1; i >= 0; i--) {
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
    return i < 0 ? null : unchecked((this._items as StaticArray<JsonValue>)[i]);
  }

  /** Sets member `key` (replacing it in place if present) and returns this object. */
  set(key: string, value: JsonValue): JsonValue {
    assert(this.kind == JsonKind.Object, "JsonValue.set: the value is not an object");
    const i = this.indexOfKey(key);
    if (i >= 0) {
      unchecked(((this._items as StaticArray<JsonValue>)[i] = value));
    } else {
      this.grow();
      unchecked(((this._keys as StaticArray<string>)[this._count] = key));
      unchecked(((this._items as StaticArray<JsonValue>)[this._count] = value));
      this._count++;
    }
    return this;
  }

  /**
   * Sets member `key` of an object at position `index` (moving later members along), or
   * replaces its value where it is when present. Returns this object.
   */
  insertAt(index: i32, key: string, value: JsonValue): JsonValue {
    assert(this.kind == JsonKind.Object, "JsonValue.insertAt: the value is not an object");
    const found = this.indexOfKey(key);
    if (found >= 0) {
      unchecked(((this._items as StaticArray<JsonValue>)[found] = value));
      return this;
    }
    this.grow();
    const count = this._count;
    const at = index < 0 ? 0 : index > count ? count : index;
    const keys = this._keys as StaticArray<string>;
    const items = this._items as StaticArray<JsonValue>;
    for (let i = count; i > at; i--) {
      unchecked((keys[i] = unchecked(keys[i - 1])));
      unchecked((items[i] = unchecked(items[i - 1])));
    }
    unchecked((keys[at] = key));
    unchecked((items[at] = value));
    this._count = count + 1;
    return this;
  }

  /** Removes member `key` of an object; returns whether it was there. */
  remove(key: string): bool {
    const at = this.indexOfKey(key);
    if (at < 0) return false;
    const keys = this._keys as StaticArray<string>;
    const items = this._items as StaticArray<JsonValue>;
    const last = this._count - 1;
    for (let i = at; i < last; i++) {
      unchecked((keys[i] = unchecked(keys[i + 1])));
      unchecked((items[i] = unchecked(items[i + 1])));
    }
    this._count = last;
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

  /** A copy of this value's top level: an array or object with the same members, sized exactly. */
  shallowCopy(): JsonValue {
    const v = new JsonValue();
    v._kind = this._kind;
    v._num = this._num;
    v._str = this._str;
    const count = this._count;
    if (count == 0) return v;
    const bytes = <usize>count << alignof<usize>();
    const items = new StaticArray<JsonValue>(count);
    memory.copy(changetype<usize>(items), changetype<usize>(this._items), bytes);
    v._items = items;
    const keys = this._keys;
    if (keys !== null) {
      const keysCopy = new StaticArray<string>(count);
      memory.copy(changetype<usize>(keysCopy), changetype<usize>(keys), bytes);
      v._keys = keysCopy;
    }
    v._count = count;
    return v;
  }

  /** A deep copy. */
  clone(): JsonValue {
    return parseJson(this.toString());
  }

  /** Compact JSON text. */
  toString(): string {
    const out = new StringBuilder(64);
    this.writeTo(out);
    return out.finish();
  }

  private writeTo(out: StringBuilder): void {
    switch (this.kind) {
      case JsonKind.Null:
        out.append("null");
        break;
      case JsonKind.Bool:
        out.append(this._num != 0 ? "true" : "false");
        break;
      case JsonKind.Number:
        writeNumber(out, this._num);
        break;
      case JsonKind.String:
        writeString(out, this._str);
        break;
      case JsonKind.Array: {
        out.appendCode(0x5b); // [
        const items = this._items;
        for (let i = 0; i < this._count; i++) {
          if (i > 0) out.appendCode(0x2c); // ,
          unchecked((items as StaticArray<JsonValue>)[i]).writeTo(out);
        }
        out.appendCode(0x5d); // ]
        break;
      }
      default: {
        out.appendCode(0x7b); // {
        const items = this._items;
        const keys = this._keys;
        for (let i = 0; i < this._count; i++) {
          if (i > 0) out.appendCode(0x2c); // ,
          writeString(out, unchecked((keys as StaticArray<string>)[i]));
          out.appendCode(0x3a); // :
          unchecked((items as StaticArray<JsonValue>)[i]).writeTo(out);
        }
        out.appendCode(0x7d); // }
      }
    }
  }
}

let sharedNull: JsonValue | null = null;
let sharedTrue: JsonValue | null = null;
let sharedFalse: JsonValue | null = null;

/**
 * A number as JSON writes it: `1` for 1 (AssemblyScript's `f64.toString()` writes `1.0`),
 * `2.5`, `1e+21`; NaN and infinities as `null`. Use it to show a number read from JSON, a
 * variable or the cache.
 *
 * @example
 * const visits = variableGet("visits", JsonValue.num(0))!.asNumber();
 * markup("p", "Visits: " + formatNumber(visits)); // "Visits: 1", not "Visits: 1.0"
 */
export function formatNumber(n: f64): string {
  return JsonValue.num(n).toString();
}

/** Serializes a value as compact JSON (same as `value.toString()`). */
export function stringifyJson(value: JsonValue): string {
  return value.toString();
}

// ---------------------------------------------------------------------------------------------
// Serializer

/**
 * @internal A string written in place: one managed string block grown by doubling and trimmed
 * to its length by `finish`. Nothing else is allocated while appending, so on the stub runtime
 * the block is the last one and grows (and is trimmed) without copying.
 */
export class StringBuilder {
  private buf: string;
  /** Capacity and length in UTF-16 code units. */
  private cap: i32;
  private len: i32 = 0;

  constructor(capacity: i32) {
    const cap = max(capacity, 8);
    this.cap = cap;
    this.buf = changetype<string>(__new(<usize>cap << 1, idof<string>()));
  }

  /** The address to write `count` more code units at, growing the block when needed. */
  private reserve(count: i32): usize {
    const need = this.len + count;
    if (need > this.cap) {
      let cap = this.cap << 1;
      if (cap < need) cap = need;
      this.buf = changetype<string>(__renew(changetype<usize>(this.buf), <usize>cap << 1));
      this.cap = cap;
    }
    return changetype<usize>(this.buf) + (<usize>this.len << 1);
  }

  append(s: string): void {
    this.appendRange(s, 0, s.length);
  }

  /** Appends `s[start, end)` without making a substring. */
  appendRange(s: string, start: i32, end: i32): void {
    const count = end - start;
    if (count <= 0) return;
    const at = this.reserve(count);
    memory.copy(at, changetype<usize>(s) + (<usize>start << 1), <usize>count << 1);
    this.len += count;
  }

  /** Appends one UTF-16 code unit. */
  appendCode(c: i32): void {
    store<u16>(this.reserve(1), <u16>c);
    this.len++;
  }

  /** Appends `n` as AssemblyScript prints it (`3.0`, `0.1`, `1e+21`), without a temporary string. */
  appendFloat(n: f64): void {
    const at = this.reserve(MAX_DOUBLE_LENGTH);
    this.len += <i32>dtoa_buffered(at, n);
  }

  /** Drops the last `count` code units. */
  truncate(count: i32): void {
    this.len = max(this.len - count, 0);
  }

  /** Whether the text ends with the code units `a` then `b`. */
  endsWith2(a: i32, b: i32): bool {
    const len = this.len;
    if (len < 2) return false;
    const at = changetype<usize>(this.buf) + (<usize>len << 1);
    return <i32>load<u16>(at - 4) == a && <i32>load<u16>(at - 2) == b;
  }

  /** Appends the decimal digits of `n`. */
  appendInt(n: i64): void {
    let u: u64 = <u64>n;
    if (n < 0) {
      this.appendCode(0x2d); // -
      u = <u64>(-n);
    }
    let digits = 1;
    for (let t = u; t >= 10; t /= 10) digits++;
    const at = this.reserve(digits);
    for (let i = digits - 1; i >= 0; i--) {
      store<u16>(at + (<usize>i << 1), <u16>(0x30 + <i32>(u % 10)));
      u /= 10;
    }
    this.len += digits;
  }

  /** The text written, as a string; the builder must not be used afterwards. */
  finish(): string {
    if (this.len == 0) return "";
    // Trimming the last block of the stub runtime gives the unused capacity back.
    return changetype<string>(__renew(changetype<usize>(this.buf), <usize>this.len << 1));
  }
}

const HEX = "0123456789abcdef";

// Integers below 2^53 are exact in f64 and print as JS prints them: digits only.
const MAX_SAFE_INTEGER: f64 = 9007199254740991;

function writeNumber(out: StringBuilder, n: f64): void {
  // JSON has no NaN or Infinity; JS's JSON.stringify writes null for them and so do we.
  if (!isFinite(n)) {
    out.append("null");
    return;
  }
  if (n == Math.trunc(n) && Math.abs(n) <= MAX_SAFE_INTEGER) {
    out.appendInt(<i64>n); // -0 prints as 0, as in JS
    return;
  }
  out.appendFloat(n);
  // AssemblyScript prints integer-valued floats as "3.0"; JSON (and JS) write "3".
  if (out.endsWith2(0x2e, 0x30)) out.truncate(2);
}

function writeString(out: StringBuilder, s: string): void {
  out.appendCode(0x22);
  let start = 0;
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    let escape: i32 = 0; // the character after the backslash, or 0x75 (u) for \uXXXX
    if (c == 0x22 || c == 0x5c) escape = c;
    else if (c < 0x20) {
      if (c == 0x08) escape = 0x62; // b
      else if (c == 0x0c) escape = 0x66; // f
      else if (c == 0x0a) escape = 0x6e; // n
      else if (c == 0x0d) escape = 0x72; // r
      else if (c == 0x09) escape = 0x74; // t
      else escape = 0x75;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // A well-formed surrogate pair passes through (UTF-8 encodes it); a lone surrogate
      // cannot be UTF-8, so it is written as \uXXXX like JS's well-formed JSON.stringify.
      const isHigh = c <= 0xdbff;
      const next = i + 1 < len ? s.charCodeAt(i + 1) : 0;
      if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      escape = 0x75;
    }
    if (escape != 0) {
      out.appendRange(s, start, i);
      out.appendCode(0x5c);
      out.appendCode(escape);
      if (escape == 0x75) {
        out.appendCode(HEX.charCodeAt((c >> 12) & 15));
        out.appendCode(HEX.charCodeAt((c >> 8) & 15));
        out.appendCode(HEX.charCodeAt((c >> 4) & 15));
        out.appendCode(HEX.charCodeAt(c & 15));
      }
      start = i + 1;
    }
  }
  out.appendRange(s, start, len);
  out.appendCode(0x22);
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

// Strings up to this long (keys, type names, formats...) are shared between equal occurrences:
// a list of items repeats the same keys and short values in every element.
const INTERN_MAX_LENGTH = 32;
const INTERN_SLOTS = 256; // a power of two
// One table per instance, filled as texts are parsed: strings are immutable, so sharing is safe.
let internTable: StaticArray<string | null> | null = null;

// Powers of ten exact in f64 (Clinger's fast path: one correctly rounded operation).
const POW10: StaticArray<f64> = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

class Parser {
  pos: i32 = 0;
  error: string = "";
  errorPos: i32 = -1;
  // Members of the objects and arrays being parsed, innermost last. A container is allocated
  // once, at its exact size, when it closes; these stacks are reused for every container.
  private values: JsonValue[] = [];
  private keys: string[] = [];
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
    const keys = this.keys;
    const values = this.values;
    // Arrays use only `values`, so the two stacks have their own bases.
    const keyBase = keys.length;
    const valueBase = values.length;
    this.skipWhitespace();
    if (this.eat(0x7d)) return JsonValue.obj();
    while (true) {
      this.skipWhitespace();
      if (this.pos >= this.text.length || this.text.charCodeAt(this.pos) != 0x22) {
        return this.fail("expected a string key in an object but found " + this.describeHere());
      }
      const key = this.parseString();
      if (key === null) return null;
      this.skipWhitespace();
      if (!this.eat(0x3a)) return this.fail("expected ':' after the object key \"" + key + "\" but found " + this.describeHere());
      const value = this.parseValue(depth + 1);
      if (value === null) return null;
      // A repeated key keeps its first place and takes the last value, like JSON.parse.
      let at = -1;
      for (let i = keyBase; i < keys.length; i++) {
        if (unchecked(keys[i]) == key) {
          at = i - keyBase;
          break;
        }
      }
      if (at >= 0) {
        unchecked((values[valueBase + at] = value));
      } else {
        keys.push(key);
        values.push(value);
      }
      const next = this.afterMember(0x7d, "}", "an object");
      if (next < 0) return null;
      if (next > 0) {
        const count = keys.length - keyBase;
        return JsonValue.withMembers(take(keys, keyBase), take(values, valueBase), count);
      }
    }
    return null;
  }

  parseArray(depth: i32): JsonValue | null {
    this.pos++; // [
    const values = this.values;
    const base = values.length;
    this.skipWhitespace();
    if (this.eat(0x5d)) return JsonValue.arr();
    while (true) {
      const value = this.parseValue(depth + 1);
      if (value === null) return null;
      values.push(value);
      const next = this.afterMember(0x5d, "]", "an array");
      if (next < 0) return null;
      if (next > 0) {
        const count = values.length - base;
        return JsonValue.withElements(take(values, base), count);
      }
    }
    return null;
  }

  /** Steps over the code unit `c` when it is next; false (nothing consumed) otherwise. */
  private eat(c: i32): bool {
    if (this.pos >= this.text.length || this.text.charCodeAt(this.pos) != c) return false;
    this.pos++;
    return true;
  }

  /**
   * After a member of an object or array (`what`, closed by `close`, spelled `closeText`):
   * 0 past a ',', 1 past the closing bracket, -1 (failed) on anything else.
   */
  private afterMember(close: i32, closeText: string, what: string): i32 {
    this.skipWhitespace();
    if (this.pos >= this.text.length) {
      this.fail(what + " is not closed: expected ',' or '" + closeText + "'");
      return -1;
    }
    if (this.eat(close)) return 1;
    if (this.eat(0x2c)) return 0;
    this.fail("expected ',' or '" + closeText + "' in " + what + " but found " + this.describeHere());
    return -1;
  }

  /** Parses a string starting at the opening quote; null (with an error) when malformed. */
  parseString(): string | null {
    const t = this.text;
    this.pos++; // opening quote
    const start = this.pos;
    while (true) {
      if (this.pos >= t.length) {
        this.fail("a string is not closed: expected '\"'");
        return null;
      }
      const c = t.charCodeAt(this.pos);
      if (c == 0x22) {
        this.pos++;
        return this.slice(start, this.pos - 1);
      }
      if (c == 0x5c) return this.parseEscapedString(start);
      if (c < 0x20) return this.controlCharacter(c);
      this.pos++;
    }
    return null;
  }

  private controlCharacter(c: i32): string | null {
    this.fail("a control character (code " + c.toString() + ") must be escaped inside a string");
    return null;
  }

  /** The rest of a string from its first backslash (at `pos`); `start` is after the opening quote. */
  private parseEscapedString(start: i32): string | null {
    const t = this.text;
    // The unescaped text is shorter than the escaped text up to the closing quote.
    const out = new StringBuilder(this.pos - start + 16);
    out.appendRange(t, start, this.pos);
    let run = this.pos;
    while (true) {
      if (this.pos >= t.length) {
        this.fail("a string is not closed: expected '\"'");
        return null;
      }
      const c = t.charCodeAt(this.pos);
      if (c == 0x22) {
        out.appendRange(t, run, this.pos);
        this.pos++;
        return out.finish();
      }
      if (c < 0x20) return this.controlCharacter(c);
      if (c != 0x5c) {
        this.pos++;
        continue;
      }
      out.appendRange(t, run, this.pos);
      this.pos++; // backslash
      if (this.pos >= t.length) {
        this.fail("a string ends inside an escape sequence");
        return null;
      }
      const e = t.charCodeAt(this.pos);
      this.pos++;
      if (e == 0x22 || e == 0x5c || e == 0x2f) out.appendCode(e);
      else if (e == 0x62) out.appendCode(0x08);
      else if (e == 0x66) out.appendCode(0x0c);
      else if (e == 0x6e) out.appendCode(0x0a);
      else if (e == 0x72) out.appendCode(0x0d);
      else if (e == 0x74) out.appendCode(0x09);
      else if (e == 0x75) {
        const code = this.parseHex4();
        if (code < 0) return null;
        // \uD83D\uDE00 arrives as two escapes; UTF-16 strings hold the pair as-is.
        out.appendCode(code);
      } else {
        this.pos--;
        this.fail("unknown escape '\\" + t.charAt(this.pos) + "' in a string");
        return null;
      }
      run = this.pos;
    }
    return null;
  }

  /** `text[start, end)`, shared with an equal earlier string when it is short. */
  private slice(start: i32, end: i32): string {
    const n = end - start;
    if (n == 0) return "";
    if (n > INTERN_MAX_LENGTH) return this.text.substring(start, end);
    const at = changetype<usize>(this.text) + (<usize>start << 1);
    let hash: u32 = 2166136261; // FNV-1a over the code units
    for (let i = 0; i < n; i++) hash = (hash ^ <u32>load<u16>(at + (<usize>i << 1))) * 16777619;
    let table = internTable;
    if (table === null) {
      table = new StaticArray<string | null>(INTERN_SLOTS);
      internTable = table;
    }
    const slot = <i32>(hash & (INTERN_SLOTS - 1));
    const known = unchecked(table[slot]);
    if (known !== null && known.length == n && memory.compare(changetype<usize>(known), at, <usize>n << 1) == 0) {
      return known;
    }
    const s = this.text.substring(start, end);
    unchecked((table[slot] = s));
    return s;
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
    const fast = fastNumber(t, start, this.pos);
    if (!isNaN(fast)) return JsonValue.num(fast);
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

/** Moves `stack[base..]` (references) into an exactly sized StaticArray and pops it. */
function take<T>(stack: T[], base: i32): StaticArray<T> {
  const count = stack.length - base;
  const out = new StaticArray<T>(count);
  memory.copy(changetype<usize>(out), stack.dataStart + (<usize>base << alignof<usize>()), <usize>count << alignof<usize>());
  stack.length = base;
  return out;
}

/**
 * The value of the (valid) number text `t[start, end)` when it is exact by Clinger's fast path
 * (at most 15 significant digits, a power of ten up to 22), computed without allocating; NaN
 * when the exact parser is needed.
 */
function fastNumber(t: string, start: i32, end: i32): f64 {
  let i = start;
  const negative = t.charCodeAt(i) == 0x2d;
  if (negative) i++;
  let mantissa: u64 = 0;
  let digits = 0; // significant digits taken into the mantissa
  let scale = 0; // digits after the decimal point taken into the mantissa
  let fraction = false;
  for (; i < end; i++) {
    const c = t.charCodeAt(i);
    if (c == 0x2e) {
      fraction = true;
      continue;
    }
    if (c == 0x65 || c == 0x45) break;
    if (c == 0x30 && digits == 0) {
      if (fraction) scale++;
      continue;
    }
    if (digits == 15) return NaN;
    mantissa = mantissa * 10 + <u64>(c - 0x30);
    digits++;
    if (fraction) scale++;
  }
  let exponent = 0;
  if (i < end) {
    i++; // e
    let expNegative = false;
    const sign = t.charCodeAt(i);
    if (sign == 0x2b || sign == 0x2d) {
      expNegative = sign == 0x2d;
      i++;
    }
    for (; i < end; i++) {
      if (exponent > 1000) return NaN; // far outside the fast path either way
      exponent = exponent * 10 + (t.charCodeAt(i) - 0x30);
    }
    if (expNegative) exponent = -exponent;
  }
  let value: f64 = 0;
  if (mantissa != 0) {
    const e = exponent - scale;
    if (e < -22 || e > 22) return NaN;
    value = e >= 0 ? <f64>mantissa * unchecked(POW10[e]) : <f64>mantissa / unchecked(POW10[-e]);
  }
  return negative ? -value : value;
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
