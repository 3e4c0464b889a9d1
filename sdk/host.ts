/**
 * Bindings for every host function of ABI §4. Authors never see pointers or buffer sizes.
 *
 * Convention (AssemblyScript has no exceptions): a binding that returns data returns null on
 * failure, one that returns a flag returns false, one that returns a count returns a negative
 * code; in each case `lastHostError()` says what happened (code and the kernel's message).
 * Values of variables, request context and cache entries are stored as JSON text.
 */
import { JsonValue, tryParseJson } from "./json";
import { callForStatus, callForText, HostCode, setHostError } from "./host-call";
import { Utf8Block } from "./memory";
import { Item } from "./types";
import { ItemQuery } from "./query";

// --- raw imports (names and signatures as in src/kernel/contract/imports.ts) ---------------------

@external("trovato:kernel/item-api", "get-item")
declare function rawGetItem(p0: i32, l0: i32, o: i32, m: i32): i32;
@external("trovato:kernel/item-api", "save-item")
declare function rawSaveItem(p0: i32, l0: i32, o: i32, m: i32): i32;
@external("trovato:kernel/item-api", "delete-item")
declare function rawDeleteItem(p0: i32, l0: i32): i32;
@external("trovato:kernel/item-api", "query-items")
declare function rawQueryItems(p0: i32, l0: i32, o: i32, m: i32): i32;
@external("trovato:kernel/db", "select")
declare function rawDbSelect(p0: i32, l0: i32, o: i32, m: i32): i32;
@external("trovato:kernel/db", "insert")
declare function rawDbInsert(p0: i32, l0: i32, p1: i32, l1: i32, o: i32, m: i32): i32;
@external("trovato:kernel/db", "update")
declare function rawDbUpdate(p0: i32, l0: i32, p1: i32, l1: i32, p2: i32, l2: i32): i32;
@external("trovato:kernel/db", "delete")
declare function rawDbDelete(p0: i32, l0: i32, p1: i32, l1: i32): i32;
@external("trovato:kernel/db", "query-raw")
declare function rawDbQueryRaw(p0: i32, l0: i32, p1: i32, l1: i32, o: i32, m: i32): i32;
@external("trovato:kernel/db", "execute-raw")
declare function rawDbExecuteRaw(p0: i32, l0: i32, p1: i32, l1: i32): i32;
@external("trovato:kernel/variables", "get")
declare function rawVariableGet(p0: i32, l0: i32, p1: i32, l1: i32, o: i32, m: i32): i32;
@external("trovato:kernel/variables", "set")
declare function rawVariableSet(p0: i32, l0: i32, p1: i32, l1: i32): i32;
@external("trovato:kernel/request-context", "get")
declare function rawContextGet(p0: i32, l0: i32, o: i32, m: i32): i32;
@external("trovato:kernel/request-context", "set")
declare function rawContextSet(p0: i32, l0: i32, p1: i32, l1: i32): i32;
@external("trovato:kernel/user-api", "current-user-id")
declare function rawCurrentUserId(o: i32, m: i32): i32;
@external("trovato:kernel/user-api", "current-user-has-permission")
declare function rawHasPermission(p0: i32, l0: i32): i32;
@external("trovato:kernel/cache-api", "get")
declare function rawCacheGet(p0: i32, l0: i32, p1: i32, l1: i32, o: i32, m: i32): i32;
@external("trovato:kernel/cache-api", "set")
declare function rawCacheSet(p0: i32, l0: i32, p1: i32, l1: i32, p2: i32, l2: i32, p3: i32, l3: i32): i32;
@external("trovato:kernel/cache-api", "set-with-max-age")
declare function rawCacheSetWithMaxAge(p0: i32, l0: i32, p1: i32, l1: i32, p2: i32, l2: i32, p3: i32, l3: i32, maxAge: i32): i32;
@external("trovato:kernel/cache-api", "set-with-contexts")
declare function rawCacheSetWithContexts(p0: i32, l0: i32, p1: i32, l1: i32, p2: i32, l2: i32, p3: i32, l3: i32, p4: i32, l4: i32, maxAge: i32): i32;
@external("trovato:kernel/queue", "create-item")
declare function rawQueueCreateItem(p0: i32, l0: i32, p1: i32, l1: i32): i32;
@external("trovato:kernel/plugin-api", "dispatch")
declare function rawDispatch(p0: i32, l0: i32, p1: i32, l1: i32, o: i32, m: i32): i32;
@external("trovato:kernel/cache-api", "invalidate-tag")
declare function rawCacheInvalidateTag(p0: i32, l0: i32): i32;
@external("trovato:kernel/plugin-api", "invoke")
declare function rawInvoke(p0: i32, l0: i32, p1: i32, l1: i32, p2: i32, l2: i32, o: i32, m: i32): i32;
@external("trovato:kernel/plugin-api", "plugin-exists")
declare function rawPluginExists(p0: i32, l0: i32): i32;
@external("trovato:kernel/logging", "log")
declare function rawLog(p0: i32, l0: i32, p1: i32, l1: i32, p2: i32, l2: i32): i32;

// --- invokers: spread encoded arguments (no closures in AssemblyScript, so one per import) ---

function P(a: Utf8Block[], i: i32): i32 { return <i32>unchecked(a[i]).ptr; }
function L(a: Utf8Block[], i: i32): i32 { return unchecked(a[i]).len; }

function callGetItem(a: Utf8Block[], o: i32, m: i32): i32 { return rawGetItem(P(a, 0), L(a, 0), o, m); }
function callSaveItem(a: Utf8Block[], o: i32, m: i32): i32 { return rawSaveItem(P(a, 0), L(a, 0), o, m); }
function callDeleteItem(a: Utf8Block[]): i32 { return rawDeleteItem(P(a, 0), L(a, 0)); }
function callQueryItems(a: Utf8Block[], o: i32, m: i32): i32 { return rawQueryItems(P(a, 0), L(a, 0), o, m); }
function callDbSelect(a: Utf8Block[], o: i32, m: i32): i32 { return rawDbSelect(P(a, 0), L(a, 0), o, m); }
function callDbInsert(a: Utf8Block[], o: i32, m: i32): i32 {
  return rawDbInsert(P(a, 0), L(a, 0), P(a, 1), L(a, 1), o, m);
}
function callDbUpdate(a: Utf8Block[]): i32 {
  return rawDbUpdate(P(a, 0), L(a, 0), P(a, 1), L(a, 1), P(a, 2), L(a, 2));
}
function callDbDelete(a: Utf8Block[]): i32 { return rawDbDelete(P(a, 0), L(a, 0), P(a, 1), L(a, 1)); }
function callDbQueryRaw(a: Utf8Block[], o: i32, m: i32): i32 {
  return rawDbQueryRaw(P(a, 0), L(a, 0), P(a, 1), L(a, 1), o, m);
}
function callDbExecuteRaw(a: Utf8Block[]): i32 { return rawDbExecuteRaw(P(a, 0), L(a, 0), P(a, 1), L(a, 1)); }
function callVariableGet(a: Utf8Block[], o: i32, m: i32): i32 {
  return rawVariableGet(P(a, 0), L(a, 0), P(a, 1), L(a, 1), o, m);
}
function callVariableSet(a: Utf8Block[]): i32 { return rawVariableSet(P(a, 0), L(a, 0), P(a, 1), L(a, 1)); }
function callContextGet(a: Utf8Block[], o: i32, m: i32): i32 { return rawContextGet(P(a, 0), L(a, 0), o, m); }
function callContextSet(a: Utf8Block[]): i32 { return rawContextSet(P(a, 0), L(a, 0), P(a, 1), L(a, 1)); }
function callCurrentUserId(a: Utf8Block[], o: i32, m: i32): i32 { return rawCurrentUserId(o, m); }
function callHasPermission(a: Utf8Block[]): i32 { return rawHasPermission(P(a, 0), L(a, 0)); }
function callCacheGet(a: Utf8Block[], o: i32, m: i32): i32 {
  return rawCacheGet(P(a, 0), L(a, 0), P(a, 1), L(a, 1), o, m);
}
function callCacheSet(a: Utf8Block[]): i32 {
  return rawCacheSet(P(a, 0), L(a, 0), P(a, 1), L(a, 1), P(a, 2), L(a, 2), P(a, 3), L(a, 3));
}
// The max-age travels as a module variable: invokers only receive the string arguments.
let pendingMaxAge: i32 = 0;
function callCacheSetWithMaxAge(a: Utf8Block[]): i32 {
  return rawCacheSetWithMaxAge(P(a, 0), L(a, 0), P(a, 1), L(a, 1), P(a, 2), L(a, 2), P(a, 3), L(a, 3), pendingMaxAge);
}
function callCacheSetWithContexts(a: Utf8Block[]): i32 {
  return rawCacheSetWithContexts(P(a, 0), L(a, 0), P(a, 1), L(a, 1), P(a, 2), L(a, 2), P(a, 3), L(a, 3), P(a, 4), L(a, 4), pendingMaxAge);
}
function callQueueCreateItem(a: Utf8Block[]): i32 { return rawQueueCreateItem(P(a, 0), L(a, 0), P(a, 1), L(a, 1)); }
function callDispatch(a: Utf8Block[], o: i32, m: i32): i32 { return rawDispatch(P(a, 0), L(a, 0), P(a, 1), L(a, 1), o, m); }
function callCacheInvalidateTag(a: Utf8Block[]): i32 { return rawCacheInvalidateTag(P(a, 0), L(a, 0)); }
function callInvoke(a: Utf8Block[], o: i32, m: i32): i32 {
  return rawInvoke(P(a, 0), L(a, 0), P(a, 1), L(a, 1), P(a, 2), L(a, 2), o, m);
}
function callPluginExists(a: Utf8Block[]): i32 { return rawPluginExists(P(a, 0), L(a, 0)); }
function callLog(a: Utf8Block[]): i32 { return rawLog(P(a, 0), L(a, 0), P(a, 1), L(a, 1), P(a, 2), L(a, 2)); }

// --- JSON helpers ------------------------------------------------------------------------------

/** Parses a host result as JSON; a result that is not JSON is recorded as a BadArguments error. */
function resultJson(fn: string, text: string | null): JsonValue | null {
  if (text === null) return null;
  if (text.length == 0) return JsonValue.nil();
  const parsed = tryParseJson(text);
  if (parsed.value === null) {
    setHostError(fn, HostCode.BadArguments, "the kernel returned text that is not JSON: " + parsed.error);
  }
  return parsed.value;
}

/** A stored value: JSON as the SDK writes it, or (written by other code) the raw text as a string. */
function storedValue(text: string | null): JsonValue | null {
  if (text === null) return null;
  const parsed = tryParseJson(text);
  const value = parsed.value;
  return value !== null ? value : JsonValue.str(text);
}

// --- item-api ----------------------------------------------------------------------------------

/** The item with `id`, or null (`lastHostError().isNotFound` when it does not exist). */
export function getItem(id: string): Item | null {
  const v = resultJson("item-api.get-item", callForText("item-api.get-item", [id], callGetItem));
  return v === null ? null : Item.fromJson(v);
}

/** Saves `item` (a new one when its id is empty) and returns it as stored, or null. */
export function saveItem(item: Item): Item | null {
  const fn = "item-api.save-item";
  const v = resultJson(fn, callForText(fn, [item.toJson().toString()], callSaveItem));
  return v === null ? null : Item.fromJson(v);
}

/** Deletes the item with `id`; false on failure. */
export function deleteItem(id: string): bool {
  return callForStatus("item-api.delete-item", [id], callDeleteItem) >= 0;
}

/**
 * A page of query results: the items, how many visible items matched before `limit`/`offset`
 * (-1 for a query made `withoutTotal()`), and whether a visible match follows the page.
 */
export class ItemList {
  constructor(public items: Item[], public total: i32, public more: bool) {}
}

/** The items matching `q` (see `query()`), or null on failure. */
export function queryItems(q: ItemQuery): ItemList | null {
  return queryItemsJson(q.toJson());
}

/** `queryItems` with a query written as JSON. */
export function queryItemsJson(q: JsonValue): ItemList | null {
  const fn = "item-api.query-items";
  const v = resultJson(fn, callForText(fn, [q.toString()], callQueryItems));
  if (v === null) return null;
  // The kernel answers {items, total?, more}; a bare array is accepted too.
  const list = v.isArray() ? v : v.getArray("items");
  const items: Item[] = [];
  if (list !== null) {
    for (let i = 0; i < list.length; i++) items.push(Item.fromJson(list.at(i) as JsonValue));
  }
  if (v.isArray()) return new ItemList(items, items.length, false);
  return new ItemList(items, <i32>v.getInt("total", -1), v.getBool("more", false));
}

// --- db (tables live in this plugin's namespace) ------------------------------------------------

/**
 * Rows of this plugin's table matching `query` (`{table, where?, order?: [{column, direction}],
 * limit?, offset?}`; see the guide), as a JSON array, or null.
 */
export function dbSelect(query: JsonValue): JsonValue | null {
  const fn = "db.select";
  return resultJson(fn, callForText(fn, [query.toString()], callDbSelect));
}

/** Inserts `row` into `table`; returns the stored row, or null. */
export function dbInsert(table: string, row: JsonValue): JsonValue | null {
  const fn = "db.insert";
  return resultJson(fn, callForText(fn, [table, row.toString()], callDbInsert));
}

/** Sets `values` on rows of `table` matching `where`; the number changed, or a negative code. */
export function dbUpdate(table: string, values: JsonValue, where: JsonValue): i32 {
  return callForStatus("db.update", [table, values.toString(), where.toString()], callDbUpdate);
}

/** Deletes rows of `table` matching `where`; the number deleted, or a negative code. */
export function dbDelete(table: string, where: JsonValue): i32 {
  return callForStatus("db.delete", [table, where.toString()], callDbDelete);
}

/** Raw SQL is not supported in the browser kernel: always null, and `lastHostError()` explains. */
export function dbQueryRaw(sql: string, params: JsonValue): JsonValue | null {
  const fn = "db.query-raw";
  return resultJson(fn, callForText(fn, [sql, params.toString()], callDbQueryRaw));
}

/** Raw SQL is not supported in the browser kernel: always a negative code. */
export function dbExecuteRaw(sql: string, params: JsonValue): i32 {
  return callForStatus("db.execute-raw", [sql, params.toString()], callDbExecuteRaw);
}

// --- variables (persistent, per plugin) ---------------------------------------------------------

/** Variable `name`, or `fallback` when unset; null on failure. */
export function variableGet(name: string, fallback: JsonValue): JsonValue | null {
  return storedValue(callForText("variables.get", [name, fallback.toString()], callVariableGet));
}

/** Stores variable `name`; false on failure. */
export function variableSet(name: string, value: JsonValue): bool {
  return callForStatus("variables.set", [name, value.toString()], callVariableSet) >= 0;
}

// --- request-context (per request, shared by all plugins) --------------------------------------

/** Context value `key`, or null when unset (`lastHostError().isNotFound`). */
export function contextGet(key: string): JsonValue | null {
  return storedValue(callForText("request-context.get", [key], callContextGet));
}

/** Sets context value `key` for the rest of this request; false on failure. */
export function contextSet(key: string, value: JsonValue): bool {
  return callForStatus("request-context.set", [key, value.toString()], callContextSet) >= 0;
}

// --- user-api ----------------------------------------------------------------------------------

/** The id of the user the request runs as (the nil UUID for anonymous); "" on failure. */
export function currentUserId(): string {
  const text = callForText("user-api.current-user-id", [], callCurrentUserId);
  if (text === null) return "";
  // Accept the id bare or as a JSON string, whichever the kernel sends.
  if (text.startsWith('"')) {
    const parsed = tryParseJson(text);
    const value = parsed.value;
    if (value !== null) return value.asString();
  }
  return text;
}

/** Whether the current user has `permission`; false on failure too. */
export function hasPermission(permission: string): bool {
  return callForStatus("user-api.current-user-has-permission", [permission], callHasPermission) == 1;
}

// --- cache-api (shared) ------------------------------------------------------------------------

/** Cache entry `key` in `bin`, or null on a miss (`lastHostError().isNotFound`). */
export function cacheGet(bin: string, key: string): JsonValue | null {
  return storedValue(callForText("cache-api.get", [bin, key], callCacheGet));
}

/**
 * Stores a cache entry, invalidated by any of `tags`; `maxAgeSeconds` > 0 also expires it.
 * `contexts` say what else the value depends on (`user`, `user.roles`, `route`, `url.query`,
 * `url.query:<name>`): it is served only to requests with the same values. Every entry varies
 * by the user's permissions anyway. False on failure.
 */
export function cacheSet(bin: string, key: string, value: JsonValue, tags: string[] = [], maxAgeSeconds: i32 = 0, contexts: string[] = []): bool {
  const args = [bin, key, value.toString(), JsonValue.strings(tags).toString()];
  if (contexts.length > 0) {
    pendingMaxAge = maxAgeSeconds;
    args.push(JsonValue.strings(contexts).toString());
    return callForStatus("cache-api.set-with-contexts", args, callCacheSetWithContexts) >= 0;
  }
  if (maxAgeSeconds > 0) {
    pendingMaxAge = maxAgeSeconds;
    return callForStatus("cache-api.set-with-max-age", args, callCacheSetWithMaxAge) >= 0;
  }
  return callForStatus("cache-api.set", args, callCacheSet) >= 0;
}

/** Drops every cache entry tagged `tag`; false on failure. */
export function cacheInvalidateTag(tag: string): bool {
  return callForStatus("cache-api.invalidate-tag", [tag], callCacheInvalidateTag) >= 0;
}

// --- plugin-api --------------------------------------------------------------------------------

/**
 * Calls export `fn` of `plugin` with `payload` and returns its result (JSON null for "no
 * result"), or null on failure. A retry after a too-small buffer never runs the call twice.
 */
export function invoke(plugin: string, fn: string, payload: JsonValue): JsonValue | null {
  const name = "plugin-api.invoke";
  return resultJson(name, callForText(name, [plugin, fn, payload.toString()], callInvoke));
}

/**
 * Fires `tap` (one this plugin owns: `tap_<plugin name>_...`) to every plugin implementing it
 * and returns their answers `[{plugin, output, error?}]`, or null on failure.
 */
export function dispatchTap(tap: string, payload: JsonValue): JsonValue | null {
  const name = "plugin-api.dispatch";
  return resultJson(name, callForText(name, [tap, payload.toString()], callDispatch));
}

// --- queue -------------------------------------------------------------------------------------

/** Adds `payload` to `queue` (declared by some plugin's tap_queue_info); false on failure. */
export function queueCreateItem(queue: string, payload: JsonValue): bool {
  return callForStatus("queue.create-item", [queue, payload.toString()], callQueueCreateItem) >= 0;
}

/** Whether `plugin` is loaded and enabled. */
export function pluginExists(plugin: string): bool {
  return callForStatus("plugin-api.plugin-exists", [plugin], callPluginExists) == 1;
}

// --- logging -----------------------------------------------------------------------------------

/**
 * Writes a line to the site log as this plugin. `level` is `debug`, `info`, `notice`,
 * `warning` or `error`.
 */
export function log(level: string, message: string): void {
  // The kernel records the real caller, so the plugin argument is left empty.
  callForStatus("logging.log", [level, "", message], callLog);
}
