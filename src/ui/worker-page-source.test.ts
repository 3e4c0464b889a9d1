import { describe, expect, it } from 'vitest';
import type { FirstPage, RouteResponse } from '../site/protocol.js';
import { WorkerPageSource, type WorkerKernel } from './worker-page-source.js';

const match = { route: { path: '/blog', title: 'Blog', plugin: 'blog', callback: 'blog_list', permission: 'access content', weight: 0 }, params: {} } as unknown as RouteResponse['match'];
const tree = { '#type': 'markup', '#value': 'Built at boot' };
const answer = { match, result: { plugin: 'blog', output: tree } } as RouteResponse;
const editor = { id: 'u2', name: 'Editor', roles: ['editor'], permissions: ['access content'] };
const anonymous = { id: 'u0', name: 'Anonymous', roles: ['anonymous'], permissions: ['access content'] };
// Its request wrote (a cache entry, say): v0 before it, v1 after it.
const built: FirstPage = { path: '/blog', query: { page: '2' }, userId: 'u2', before: 'v0', after: 'v1', answer };

/** A source over a kernel whose boot built `first`; `calls` counts what the page asked the worker. */
function sourceWith(first: FirstPage | null): { source: WorkerPageSource; calls: string[] } {
  let kept = first;
  const calls: string[] = [];
  const kernel = {
    site: null,
    takeFirstPage: () => {
      const taken = kept;
      kept = null;
      return taken;
    },
    call: async (method: string) => {
      calls.push(method);
      return answer;
    },
  } as unknown as WorkerKernel;
  return { source: new WorkerPageSource(kernel), calls };
}

const blogPage2 = { path: '/blog', search: 'page=2' };
const version = (v: string | null) => Promise.resolve(v);

describe("WorkerPageSource's first page (built by the worker's early boot)", () => {
  it('is shown for the same route, query and user when no write came after its request, and only once, kept as of before it', async () => {
    const { source, calls } = sourceWith(built);
    expect(await source.firstPage(blogPage2, editor, version('v1'))).toEqual({ page: { kind: 'plugin', path: '/blog', title: 'Blog', plugin: 'blog', tree }, before: 'v0' });
    expect(await source.firstPage(blogPage2, editor, version('v1'))).toBeNull();
    expect(calls).toEqual([]);
  });

  it('is shown when the data version cannot be read (a first visit: the page opened before the database existed)', async () => {
    expect(await sourceWith(built).source.firstPage(blogPage2, editor, null)).toMatchObject({ page: { kind: 'plugin', tree } });
  });

  it('is not shown after a write (another data version), for another user, query or route, or for a page of the UI', async () => {
    const refusals: Array<[string, Parameters<WorkerPageSource['firstPage']>]> = [
      ['a write since', [blogPage2, editor, version('v2')]],
      ['the version before its request', [blogPage2, editor, version('v0')]],
      ['the database gone', [blogPage2, editor, version(null)]],
      ['another user', [blogPage2, anonymous, version('v1')]],
      ['no user', [blogPage2, undefined, version('v1')]],
      ['another query', [{ path: '/blog', search: 'page=3' }, editor, version('v1')]],
      ['more query', [{ path: '/blog', search: 'page=2&tag=x' }, editor, version('v1')]],
      ['no query', [{ path: '/blog', search: '' }, editor, version('v1')]],
      ['another route', [{ path: '/notes', search: 'page=2' }, editor, version('v1')]],
      ['a UI page', [{ path: '/admin/content', search: 'page=2' }, editor, version('v1')]],
    ];
    for (const [why, args] of refusals) {
      expect(await sourceWith(built).source.firstPage(...args), why).toBeNull();
    }
  });

  it('is taken by the first load whatever it is, so a later page is never an old one', async () => {
    const { source } = sourceWith(built);
    expect(await source.firstPage({ path: '/notes', search: '' }, editor, version('v1'))).toBeNull();
    expect(await source.firstPage(blogPage2, editor, version('v1'))).toBeNull();
  });
});
