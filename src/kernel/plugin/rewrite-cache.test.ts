import { describe, expect, it } from 'vitest';
import { ECHO, watPlugin } from '../../../test/support/wat-plugin.js';
import { wat } from '../../../test/support/wat.js';
import { loadPlugins, type PluginSource } from './loader.js';
import { REWRITE_FORMAT, rewriteModule, type RewrittenModule } from './module-rewrite.js';
import { rewriteCacheKey, type RewriteCache } from './rewrite-cache.js';
import { createKeyedCache } from '../storage/keyed-cache.js';
import { nodeIndexedDB } from '../storage/node-indexeddb.js';
import { sha256Hex } from '../common/digest.js';

let databases = 0;
/** A fresh IndexedDB cache (fake-indexeddb), with the keys asked for and found. */
function observedCache() {
  const cache = createKeyedCache<RewrittenModule>({ name: `rewrite-cache-test-${++databases}`, indexedDB: nodeIndexedDB() });
  const asked: string[] = [];
  const found: string[] = [];
  const observed: RewriteCache = {
    async get(key) {
      asked.push(key);
      const module = await cache.get(key);
      if (module) found.push(key);
      return module;
    },
    put: (key, module) => cache.put(key, module),
  };
  return { cache: observed, asked, found };
}

const plugin = (name: string, answer = 1) =>
  watPlugin({ name, exports: { tap_cron: ECHO }, fields: `(global (mut i32) (i32.const ${answer}))` });

async function load(sources: PluginSource[], cache: RewriteCache, limit = 16, fuel = true) {
  return loadPlugins(sources, { maxMemoryPages: limit, fuel, rewriteCache: cache });
}

describe('rewritten modules kept between loads', () => {
  it('a second load reads the rewrite back, and it is the same module the first one made', async () => {
    const { cache, found } = observedCache();
    const sources = [await plugin('alpha'), await plugin('beta', 2)];
    const first = await load(sources, cache);
    expect(found).toEqual([]);
    const second = await load(sources, cache);
    expect(found).toHaveLength(2);
    expect(second.order.map((p) => p.manifest.name)).toEqual(['alpha', 'beta']);
    second.order.forEach((compiled, i) => expect(compiled.bytes).toEqual(first.order[i]!.bytes));
    expect(second.statuses.every((s) => s.status === 'ok' && s.warnings.length === 0)).toBe(true);
  });

  it('a changed plugin, memory limit or fuel setting never meets the entry made for another', async () => {
    const { cache, found } = observedCache();
    await load([await plugin('alpha')], cache);
    await load([await plugin('alpha', 7)], cache);
    await load([await plugin('alpha')], cache, 8);
    await load([await plugin('alpha')], cache, 16, false);
    expect(found).toEqual([]);
    const changed = await load([await plugin('alpha', 7)], cache);
    expect(found).toHaveLength(1);
    const expected = rewriteModule((await plugin('alpha', 7)).wasm, { maxMemoryPages: 16 });
    expect(expected.ok && changed.order[0]!.bytes).toEqual(expected.ok ? expected.module.bytes : null);
  });

  it('names the rewrite format, the options and the original bytes in its key', async () => {
    const bytes = (await plugin('alpha')).wasm;
    const key = await rewriteCacheKey(bytes, { maxMemoryPages: 16 });
    expect(key.startsWith(`${REWRITE_FORMAT}/fuel+written/16/`)).toBe(true);
    expect(key).not.toBe(await rewriteCacheKey(bytes.slice(0, -1), { maxMemoryPages: 16 }));
  });

  it('loads the plugin all the same when the cache cannot be opened, and says so in its warnings', async () => {
    const refusing = { open: () => { throw new DOMException('The user denied permission to access the database.', 'SecurityError'); } } as unknown as IDBFactory;
    const cache = createKeyedCache<RewrittenModule>({ name: 'refused', indexedDB: refusing });
    const outcome = await load([await plugin('alpha')], cache);
    expect(outcome.order.map((p) => p.manifest.name)).toEqual(['alpha']);
    const warnings = outcome.statuses[0]!.warnings.join(' ');
    expect(warnings).toContain('could not be read, so the module is rewritten again');
    expect(warnings).toContain('denied permission');
    expect(outcome.statuses[0]!.warnings).toHaveLength(1);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    let clock = 0;
    const cache = createKeyedCache<number>({ name: `rewrite-cache-bound-${++databases}`, indexedDB: nodeIndexedDB(), maxEntries: 2, now: () => ++clock });
    await cache.put('a', 1);
    await cache.put('b', 2);
    await cache.put('c', 3);
    expect([await cache.get('a'), await cache.get('b'), await cache.get('c')]).toEqual([undefined, 2, 3]);
  });
});

describe('REWRITE_FORMAT', () => {
  it('is changed whenever the rewrite writes other bytes (browsers keep rewritten modules under it)', async () => {
    // Memory, a mutable global, a table, a loop, a call, bulk memory and a start function: each
    // part of the rewrite. If this digest changed, the rewrite did: raise REWRITE_FORMAT in
    // module-rewrite.ts, then put the new digest and format here.
    const bytes = await wat(`(module
      (memory (export "memory") 1 100)
      (table 2 funcref)
      (global $g (mut i32) (i32.const 5))
      (func $start (global.set $g (i32.const 6)))
      (func $fill (param $n i32) (memory.fill (i32.const 0) (i32.const 1) (local.get $n)))
      (func (export "run") (param $n i32) (result i32)
        (loop $again
          (call $fill (local.get $n))
          (i32.store (local.get $n) (local.get $n))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br_if $again (local.get $n)))
        (global.get $g))
      (start $start))`);
    const rewritten = rewriteModule(bytes, { maxMemoryPages: 16 });
    if (!rewritten.ok) throw new Error(rewritten.message);
    expect({ format: REWRITE_FORMAT, digest: await sha256Hex(rewritten.module.bytes) }).toEqual({ format: 3, digest: 'd20a47e532585b84f8fd307569aaf78478b6d7b45ca6711d7d1ae92f7c7facaa' });
  });
});
