import { beforeAll, describe, expect, it } from 'vitest';
import { instantiatePlugin, type FakeHost, type PluginHarness } from '../support/run-tap.js';
import { compileReferencePlugin, compileTestPlugin } from './support.js';

// Plugins run on the stub runtime, a bump allocator that never frees: every byte a call
// allocates stays allocated until the instance is dropped, under a 16 MiB limit. These tests
// bound what a call allocates by a small multiple of the bytes it reads and writes, so that
// anything quadratic (asc compiles Array<string>.join to repeated concatenation at
// --shrinkLevel 1, for one) fails here rather than as an out-of-memory trap on a busy page.
// Everything is compiled with optimization on, as `trovato build` does: the quadratic join
// only exists in optimized builds.

/** Bytes allocated per byte read and written; measured at about 10 for the reference plugins. */
const BUDGET = 16;
/** A fixed allowance for what any call allocates (the interned-strings table, small objects). */
const SLACK = 16 * 1024;

/** What one call allocated, in bytes, from the heap top as `alloc` reports it before and after. */
function measure(h: PluginHarness, fn: string, input: string): { allocated: number; output: string } {
  const alloc = h.instance.exports.alloc as (size: number) => number;
  const before = alloc(1);
  const output = h.callRaw(fn, input);
  const allocated = alloc(1) - before;
  if (output === null) throw new Error(`${fn} returned no result`);
  return { allocated, output };
}

const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');

const post = (i: number) => ({
  id: `id-${i}`,
  item_type: 'blog',
  title: `Post ${i}`,
  fields: { slug: `p-${i}`, body: { value: 'x', format: 'plain_text' }, tags: ['t-1'] },
  status: 1,
  author_id: 'a',
  created: 1764000000 + i,
  changed: 1764000000 + i,
});

const term = (id: string) => ({ id, item_type: 'category_term', title: `Tag ${id}`, fields: {}, status: 1, created: 1764000000 });

describe('memory a call allocates', () => {
  let blog: Uint8Array;
  let categories: Uint8Array;
  let jsonEcho: Uint8Array;

  beforeAll(async () => {
    blog = await compileReferencePlugin('blog', true);
    categories = await compileReferencePlugin('categories', true);
    jsonEcho = await compileTestPlugin(
      'json_memory',
      `import { JsonValue, tap } from "../../sdk";
       export { alloc, dealloc } from "../../sdk";
       export function echo(ptr: i32, len: i32): i64 { return tap(ptr, len, same); }
       function same(input: JsonValue): JsonValue { return input; }`,
      true,
    );
  }, 120_000);

  async function blogList(posts: number): Promise<{ allocated: number; read: number; written: number; grew: boolean }> {
    const result = JSON.stringify({ items: Array.from({ length: posts }, (_, i) => post(i)), total: posts });
    const h = await instantiatePlugin(blog, { 'item-api': { 'query-items': () => result } });
    const startPages = h.memory.buffer.byteLength;
    const input = JSON.stringify({ path: '/blog', params: {}, query: {} });
    const { allocated, output } = measure(h, 'blog_list', input);
    expect(output).toContain(`/blog/p-${posts - 1}`);
    return { allocated, read: utf8Length(input) + utf8Length(result), written: utf8Length(output), grew: h.memory.buffer.byteLength > startPages };
  }

  it('blog_list over 50 posts stays in its initial memory, within a small multiple of what it reads and writes', async () => {
    const run = await blogList(50);
    expect(run.grew).toBe(false);
    expect(run.allocated).toBeLessThan(BUDGET * (run.read + run.written) + SLACK);
  });

  it('blog_list allocates in proportion to the number of posts (200 posts cost about 4 times 50)', async () => {
    const small = await blogList(50);
    const large = await blogList(200);
    expect(large.allocated).toBeLessThan(BUDGET * (large.read + large.written) + SLACK);
    // Linear growth gives about 4; the quadratic join gave about 16.
    expect(large.allocated / small.allocated).toBeLessThan(5);
  });

  it('the categories term listing over 200 items stays within a small multiple of what it reads and writes', async () => {
    const items = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => post(i)), total: 200 });
    const host: FakeHost = {
      'item-api': { 'get-item': () => JSON.stringify(term('t-1')), 'query-items': () => items },
    };
    const h = await instantiatePlugin(categories, host);
    const input = JSON.stringify({ path: '/tags/t-1', params: { tag: 't-1' }, query: {} });
    const { allocated, output } = measure(h, 'tag_page', input);
    expect(output).toContain('/blog/p-199');
    const read = utf8Length(input) + utf8Length(items) + utf8Length(JSON.stringify(term('t-1')));
    expect(allocated).toBeLessThan(BUDGET * (read + utf8Length(output)) + SLACK);
  });

  it('tap_item_view_alter adding 200 tag links stays within a small multiple of what it reads and writes', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `t-${i}`);
    let read = 0;
    const host: FakeHost = {
      'item-api': {
        'get-item': ([id]) => {
          const text = JSON.stringify(term(id));
          read += utf8Length(text);
          return text;
        },
      },
    };
    const h = await instantiatePlugin(categories, host);
    const render = { '#type': 'container', '#tag': 'article', title: { '#type': 'markup', '#tag': 'h1', '#value': 'A post' } };
    const input = JSON.stringify({ item: { ...post(0), fields: { ...post(0).fields, tags: ids } }, render });
    const { allocated, output } = measure(h, 'tap_item_view_alter', input);
    expect(JSON.parse(output).tags.links['item-199']['#url']).toBe('/tags/t-199');
    read += utf8Length(input);
    expect(allocated).toBeLessThan(BUDGET * (read + utf8Length(output)) + SLACK);
  });

  it.each([
    ['a 1 MB list of items', JSON.stringify(Array.from({ length: 5000 }, (_, i) => post(i)))],
    ['a 1 MB string with escapes', JSON.stringify('quote " backslash \\ newline \n é '.repeat(30_000))],
    ['1 MB of numbers', JSON.stringify(Array.from({ length: 60_000 }, (_, i) => [i, i * 1.25 + 0.001]))],
  ])('parsing and re-serializing %s allocates a small multiple of its size', async (_, text) => {
    const h = await instantiatePlugin(jsonEcho);
    const { allocated, output } = measure(h, 'echo', text);
    expect(output).toBe(JSON.stringify(JSON.parse(text)));
    expect(utf8Length(text)).toBeGreaterThan(900_000);
    expect(allocated).toBeLessThan(BUDGET * 2 * utf8Length(text));
  });
});
