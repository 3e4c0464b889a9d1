import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SiteStore } from '../storage/site-store.js';
import { UnitOfWork } from '../storage/unit-of-work.js';
import { createRequestState } from '../request/request-state.js';
import { adaptHostFunction, CallStack, type ActiveCall } from './abi.js';
import { HostCode } from '../contract/host-codes.js';
import { HOST_FUNCTIONS } from '../contract/imports.js';
import { createStorageHostFunctions, kernelStorage } from './storage-host.js';
import { HostHarness, openTestStore, user } from './storage-test-harness.js';

let now = 1_000_000;
let store: SiteStore;
beforeEach(async () => {
  store = await openTestStore({ now: () => now });
});
afterEach(async () => {
  await store.close();
});

const someone = user('u1', ['access content']);

describe('createStorageHostFunctions', () => {
  it('implements every function of its interfaces, with the names of the import table', () => {
    const host = createStorageHostFunctions(store);
    expect(Object.keys(host).sort()).toEqual(['cache-api', 'db', 'item-api', 'logging', 'queue', 'request-context', 'user-api', 'variables']);
    for (const [iface, functions] of Object.entries(host)) {
      expect(Object.keys(functions).sort(), iface).toEqual(Object.keys(HOST_FUNCTIONS[iface as keyof typeof HOST_FUNCTIONS]).sort());
    }
  });

  it('follows the buffer convention: too small a buffer gets the size and the retry gets the bytes, without a second write', () => {
    const harness = new HostHarness(store, user('admin', ['administer site']));
    const small = harness.call('blog', 'item-api', 'save-item', [JSON.stringify({ item_type: 'page', title: 'T' })], [], 8);
    expect(small.code).toBeGreaterThan(0);
    expect(JSON.parse(small.text ?? '')).toMatchObject({ title: 'T' });
    expect(harness.work.allItems()).toHaveLength(1);
  });

  it('fails storage calls with -4 and a clear message when the request has no storage', () => {
    const calls = new CallStack();
    const memory = new WebAssembly.Memory({ initial: 1 });
    const call: ActiveCall = { plugin: 'blog', memory, request: createRequestState(someone), lastError: '', pending: null };
    calls.push(call);
    const get = adaptHostFunction(calls, 'variables.get', HOST_FUNCTIONS.variables.get, createStorageHostFunctions(store).variables.get);
    new Uint8Array(memory.buffer).set(new TextEncoder().encode('ab'), 0);
    expect(get(0, 1, 1, 1, 100, 100)).toBe(HostCode.storageFailure);
    expect(call.lastError).toMatch(/no storage behind it.*plugin "blog"/);
  });

  it('refuses calls after the request committed', async () => {
    const harness = new HostHarness(store, someone);
    await harness.work.commit();
    const result = harness.call('blog', 'variables', 'set', ['a', 'b']);
    expect(result.code).toBe(HostCode.storageFailure);
    expect(result.error).toMatch(/already committed/);
  });

  it('kernelStorage gives the kernel units of work, the host functions and the log', async () => {
    const storage = kernelStorage(store);
    const work = storage.beginWork(someone);
    expect(work).toBeInstanceOf(UnitOfWork);
    (work as UnitOfWork).setVariable('p', 'n', 'v');
    await work.commit();
    expect(store.beginWork(someone).getVariable('p', 'n')).toBe('v');
    expect(Object.keys(storage.hostFunctions())).toContain('item-api');
    await storage.appendLogs([{ plugin: 'p', level: 'info', message: 'm', time: 1, source: 'stdout' }]);
    expect((await store.readLogs())[0]).toMatchObject({ message: 'm', source: 'stdout' });
  });
});

describe('variables', () => {
  it('returns the default when unset, and keeps each plugin\'s variables apart', async () => {
    const harness = new HostHarness(store, someone);
    expect(harness.ok('blog', 'variables', 'get', ['title', '"none"'])).toBe('none');
    expect(harness.call('blog', 'variables', 'set', ['title', '"Blog"']).code).toBe(0);
    expect(harness.ok('blog', 'variables', 'get', ['title', '"none"'])).toBe('Blog');
    expect(harness.ok('shop', 'variables', 'get', ['title', '"none"'])).toBe('none');
    await harness.work.commit();
    expect(new HostHarness(store, someone).ok('blog', 'variables', 'get', ['title', '""'])).toBe('Blog');
  });

  it('rejects an empty name with -1', () => {
    expect(new HostHarness(store, someone).call('blog', 'variables', 'set', ['', 'x']).code).toBe(HostCode.badArguments);
  });

  it('a rolled-back handler\'s variable writes are gone, earlier ones stay', () => {
    const harness = new HostHarness(store, someone);
    harness.ok('a', 'variables', 'set', ['n', '1']);
    const savepoint = harness.request.work.savepoint();
    harness.ok('b', 'variables', 'set', ['n', '2']);
    harness.request.work.rollbackTo(savepoint);
    expect(harness.ok('a', 'variables', 'get', ['n', 'x'])).toBe(1);
    expect(harness.ok('b', 'variables', 'get', ['n', '"unset"'])).toBe('unset');
  });
});

describe('cache-api', () => {
  it('gets what was set, misses with -2, and invalidates a tag in every bin', async () => {
    const harness = new HostHarness(store, someone);
    harness.ok('p', 'cache-api', 'set', ['render', 'a', 'A', '["t"]']);
    harness.ok('p', 'cache-api', 'set', ['data', 'b', 'B', '["t", "u"]']);
    harness.ok('p', 'cache-api', 'set', ['data', 'c', 'C', '[]']);
    expect(harness.ok('p', 'cache-api', 'get', ['render', 'a'])).toBe('A');
    expect(harness.call('p', 'cache-api', 'get', ['render', 'zzz'])).toMatchObject({ code: HostCode.notFound, error: expect.stringMatching(/no entry "zzz"/) });
    await harness.work.commit();
    const next = new HostHarness(store, someone);
    next.ok('other', 'cache-api', 'invalidate-tag', ['t']);
    expect(next.call('p', 'cache-api', 'get', ['render', 'a']).code).toBe(HostCode.notFound);
    expect(next.call('p', 'cache-api', 'get', ['data', 'b']).code).toBe(HostCode.notFound);
    expect(next.ok('p', 'cache-api', 'get', ['data', 'c'])).toBe('C');
  });

  it('treats an entry past its max-age as a miss', async () => {
    const harness = new HostHarness(store, someone);
    harness.ok('p', 'cache-api', 'set-with-max-age', ['b', 'k', 'v', '[]'], [60]);
    harness.ok('p', 'cache-api', 'set-with-max-age', ['b', 'forever', 'v', '[]'], [0]);
    await harness.work.commit();
    now += 59_000;
    expect(new HostHarness(store, someone).ok('p', 'cache-api', 'get', ['b', 'k'])).toBe('v');
    now += 1_000;
    expect(new HostHarness(store, someone).call('p', 'cache-api', 'get', ['b', 'k']).code).toBe(HostCode.notFound);
    expect(new HostHarness(store, someone).ok('p', 'cache-api', 'get', ['b', 'forever'])).toBe('v');
  });

  it('rejects bad tags and negative max-age with -1', () => {
    const harness = new HostHarness(store, someone);
    expect(harness.call('p', 'cache-api', 'set', ['b', 'k', 'v', '"t"'])).toMatchObject({ code: HostCode.badArguments, error: expect.stringMatching(/array of non-empty strings/) });
    expect(harness.call('p', 'cache-api', 'set-with-max-age', ['b', 'k', 'v', '[]'], [-5])).toMatchObject({ code: HostCode.badArguments, error: expect.stringMatching(/max-age/) });
  });
});

describe('user-api', () => {
  it('returns the current user id and permission checks (administer site has all)', () => {
    const harness = new HostHarness(store, user('u7', ['access content']));
    expect(harness.ok('p', 'user-api', 'current-user-id', [])).toBe('u7');
    expect(harness.call('p', 'user-api', 'current-user-has-permission', ['access content']).code).toBe(1);
    expect(harness.call('p', 'user-api', 'current-user-has-permission', ['administer content']).code).toBe(0);
    expect(new HostHarness(store, user('root', ['administer site'])).call('p', 'user-api', 'current-user-has-permission', ['anything']).code).toBe(1);
  });
});

describe('request-context', () => {
  it('is a per-request map; a missing key is -2', () => {
    const harness = new HostHarness(store, someone);
    expect(harness.call('a', 'request-context', 'get', ['k']).code).toBe(HostCode.notFound);
    harness.ok('a', 'request-context', 'set', ['k', 'v']);
    expect(harness.ok('b', 'request-context', 'get', ['k'])).toBe('v');
    expect(new HostHarness(store, someone).call('a', 'request-context', 'get', ['k']).code).toBe(HostCode.notFound);
  });
});

describe('logging', () => {
  it('records the real caller, keeps a false claim as `claimed`, and lists the levels on a bad one', () => {
    const harness = new HostHarness(store, someone);
    expect(harness.call('blog', 'logging', 'log', ['info', 'blog', 'hello']).code).toBe(0);
    expect(harness.call('evil', 'logging', 'log', ['warning', 'admin', 'pretending']).code).toBe(0);
    expect(harness.request.logs).toMatchObject([
      { plugin: 'blog', level: 'info', message: 'hello', source: 'log' },
      { plugin: 'evil', level: 'warning', message: 'pretending', claimed: 'admin' },
    ]);
    expect(harness.request.logs[0]).not.toHaveProperty('claimed');
    const bad = harness.call('blog', 'logging', 'log', ['fatal', 'blog', 'x']);
    expect(bad.code).toBe(HostCode.badArguments);
    expect(bad.error).toMatch(/debug, info, notice, warning, error/);
  });

  it('the request log persists through appendLogs, claim included', async () => {
    const harness = new HostHarness(store, someone);
    harness.call('evil', 'logging', 'log', ['error', 'admin', 'boom']);
    await store.appendLogs(harness.request.logs);
    expect(await store.readLogs({ plugin: 'evil' })).toMatchObject([{ message: 'boom', claimed: 'admin' }]);
  });
});
