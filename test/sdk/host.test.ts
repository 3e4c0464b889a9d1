import { beforeAll, describe, expect, it } from 'vitest';
import { instantiatePlugin, type FakeHost } from '../support/run-tap.js';
import { compileTestPlugin } from './support.js';

// Calls SDK bindings and reports what it got back, including lastHostError().
const CALLER = `
import { JsonValue, tap, getItem, saveItem, Item, queryItems, query, invoke, currentUserId, hasPermission,
  variableGet, cacheSet, contextGet, dbUpdate, lastHostError } from "../../sdk";
export { alloc, dealloc } from "../../sdk";

function error(): JsonValue {
  const e = lastHostError();
  return e === null ? JsonValue.nil() : JsonValue.obj().setNumber("code", e.code).setString("message", e.message).setString("fn", e.fn);
}

export function get_item(ptr: i32, len: i32): i64 { return tap(ptr, len, getOne); }
function getOne(input: JsonValue): JsonValue {
  const item = getItem(input.getString("id"));
  return JsonValue.obj().set("item", item === null ? JsonValue.nil() : item.toJson()).set("error", error());
}

export function save_item(ptr: i32, len: i32): i64 { return tap(ptr, len, saveOne); }
function saveOne(input: JsonValue): JsonValue {
  const saved = saveItem(Item.create("page", input.getString("title")).setText("body", "x"));
  return JsonValue.obj().setString("id", saved === null ? "" : saved.id).set("error", error());
}

export function misc(ptr: i32, len: i32): i64 { return tap(ptr, len, runMisc); }
function runMisc(input: JsonValue): JsonValue {
  const out = JsonValue.obj();
  out.setString("user", currentUserId());
  out.setBool("may", hasPermission("edit"));
  const list = queryItems(query("blog").published().fieldEquals("slug", "a").sortDesc("created").limit(2));
  out.setNumber("total", list === null ? -1 : list.total);
  out.setNumber("count", list === null ? -1 : list.items.length);
  const v = variableGet("greeting", JsonValue.str("hi"));
  out.set("variable", v === null ? JsonValue.nil() : v);
  out.setBool("cached", cacheSet("bin", "k", JsonValue.num(1), ["t1", "t2"], 60));
  out.setBool("context_missing", contextGet("nope") === null);
  out.set("context_error", error());
  out.setNumber("updated", dbUpdate("t", JsonValue.obj().setNumber("a", 1), JsonValue.obj()));
  out.set("invoke", (invoke("other", "fn", JsonValue.obj()) as JsonValue));
  return out;
}
`;

const BIG_TITLE = 'A long title '.repeat(400); // about 5 KiB: far past the SDK's 1 KiB first buffer

describe('SDK host bindings', () => {
  let wasm: Uint8Array;
  beforeAll(async () => {
    wasm = await compileTestPlugin('host_caller', CALLER);
  }, 180_000);

  it('retries a result larger than the first buffer with the size the kernel asked for', async () => {
    const item = { id: 'i1', item_type: 'page', title: BIG_TITLE, fields: {}, status: 1, author_id: 'u', created: 1, changed: 2 };
    const host: FakeHost = { 'item-api': { 'get-item': () => JSON.stringify(item) } };
    const plugin = await instantiatePlugin(wasm, host);
    const out = plugin.call('get_item', { id: 'i1' }) as { item: { title: string }; error: null };
    expect(out.item.title).toBe(BIG_TITLE);
    expect(out.error).toBeNull();
    const calls = plugin.calls.filter((c) => c.fn === 'item-api.get-item');
    expect(calls).toHaveLength(2);
    expect(calls[0].returned).toBeGreaterThan(calls[0].outMax as number);
    expect(calls[1].outMax).toBeGreaterThanOrEqual(calls[0].returned);
    expect(calls[1].strings).toEqual(['i1']);
  });

  it('does not run a write twice when its result needed a bigger buffer', async () => {
    let saved = 0;
    const host: FakeHost = {
      'item-api': {
        'save-item': ([text]) => {
          saved++;
          const item = JSON.parse(text) as Record<string, unknown>;
          return JSON.stringify({ ...item, id: `new-${saved}`, created: 5, changed: 5 });
        },
      },
    };
    const plugin = await instantiatePlugin(wasm, host);
    expect(plugin.call('save_item', { title: BIG_TITLE })).toEqual({ id: 'new-1', error: null });
    expect(saved).toBe(1);
  });

  it('surfaces a failure as null plus lastHostError() with code and the kernel message', async () => {
    const host: FakeHost = { 'item-api': { 'get-item': () => ({ error: -2, message: 'No item has the id "x".' }) } };
    const plugin = await instantiatePlugin(wasm, host);
    expect(plugin.call('get_item', { id: 'x' })).toEqual({
      item: null,
      // The kernel's last-error names the host function before the implementation's message.
      error: { code: -2, message: 'item-api.get-item: No item has the id "x".', fn: 'item-api.get-item' },
    });
  });

  it('fetches a long error message through last-error with the same retry', async () => {
    const message = 'm'.repeat(3000);
    const plugin = await instantiatePlugin(wasm, { 'item-api': { 'get-item': () => ({ error: -4, message }) } });
    const out = plugin.call('get_item', { id: 'x' }) as { error: { message: string } };
    expect(out.error.message).toBe(`item-api.get-item: ${message}`);
  });

  it('passes arguments and decodes results of the other bindings as ABI §4 says', async () => {
    const seen: Record<string, string[] | number[]> = {};
    const host: FakeHost = {
      'user-api': {
        'current-user-id': () => 'user-7',
        'current-user-has-permission': ([p]) => (p === 'edit' ? 1 : 0),
      },
      'item-api': {
        'query-items': ([q]) => {
          seen.query = [q];
          return JSON.stringify({ items: [{ id: 'a', item_type: 'blog', title: 'A', fields: {}, status: 1 }], total: 3 });
        },
      },
      variables: { get: ([name, fallback]) => (seen.variable = [name, fallback], fallback) },
      'cache-api': {
        'set-with-max-age': (strings, numbers) => {
          seen.cache = [...strings, ...numbers.map(String)];
          return 0;
        },
      },
      'request-context': { get: () => ({ error: -2, message: 'No context value "nope".' }) },
      db: { update: (strings) => ((seen.update = strings), 4) },
      'plugin-api': { invoke: (strings) => ((seen.invoke = strings), '{"answer":42}') },
    };
    const plugin = await instantiatePlugin(wasm, host);
    expect(plugin.call('misc', {})).toEqual({
      user: 'user-7',
      may: true,
      total: 3,
      count: 1,
      variable: 'hi',
      cached: true,
      context_missing: true,
      context_error: { code: -2, message: 'request-context.get: No context value "nope".', fn: 'request-context.get' },
      updated: 4,
      invoke: { answer: 42 },
    });
    expect(JSON.parse((seen.query as string[])[0])).toEqual({
      type: 'blog',
      status: 1,
      limit: 2,
      conditions: [{ field: 'fields.slug', op: 'eq', value: 'a' }],
      sort: [{ field: 'created', direction: 'desc' }],
    });
    expect(seen.variable).toEqual(['greeting', '"hi"']);
    expect(seen.cache).toEqual(['bin', 'k', '1', '["t1","t2"]', '60']);
    expect(seen.update).toEqual(['t', '{"a":1}', '{}']);
    expect(seen.invoke).toEqual(['other', 'fn', '{}']);
  });
});

describe('SDK start-up', () => {
  it('allocates nothing large when a plugin is instantiated', async () => {
    const wasm = await compileTestPlugin('startup', `
import { JsonValue, tap } from "../../sdk";
export { alloc, dealloc } from "../../sdk";
export function t(ptr: i32, len: i32): i64 { return tap(ptr, len, (v: JsonValue): JsonValue | null => v); }
`);
    const module = await WebAssembly.compile(wasm as BufferSource);
    const plugin = await instantiatePlugin(wasm);
    const declaredPages = minimumPages(wasm);
    expect(plugin.memory.buffer.byteLength).toBeLessThanOrEqual((declaredPages + 1) * 65536);
    // The first allocation comes right after the static data: no heap was reserved at start-up.
    const first = (plugin.instance.exports.alloc as (n: number) => number)(16);
    expect(first).toBeLessThan(declaredPages * 65536 + 4096);
    expect(WebAssembly.Module.exports(module).map((e) => e.name).sort()).toEqual(['alloc', 'dealloc', 'memory', 't']);
  });
});

/** The memory section's initial page count (section id 5, one memory, limits). */
export function minimumPages(wasm: Uint8Array): number {
  let pos = 8;
  const leb = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = wasm[pos++];
      result |= (byte & 0x7f) << shift;
      if (!(byte & 0x80)) return result >>> 0;
      shift += 7;
    }
  };
  while (pos < wasm.length) {
    const id = wasm[pos++];
    const size = leb();
    const end = pos + size;
    if (id === 5) {
      leb(); // count
      leb(); // flags
      return leb();
    }
    pos = end;
  }
  throw new Error('The module has no memory section.');
}
