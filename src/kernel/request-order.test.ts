/**
 * Rule 1 (one request at a time) with real storage (fake-indexeddb): a request that starts at
 * once because none is running, requests sent together, and a request begun from inside another
 * request's body all see every write committed before them; and the order itself, alone.
 */
import { describe, expect, it } from 'vitest';
import { createKernel } from './kernel.js';
import { createRequestOrder, Finished } from './request-order.js';
import { kernelStorage } from './host/storage-host.js';
import { openTestStore, siteName } from '../site/site-fixtures.test-support.js';
import type { UnitOfWork } from './storage/unit-of-work.js';
import { ECHO, watPlugin } from '../../test/support/wat-plugin.js';

async function kernelWithStore() {
  const kernel = createKernel({ storage: kernelStorage(await openTestStore(siteName())) });
  await kernel.load([]);
  return kernel;
}

/** The request's unit of work, which stages variable writes (a request's state carries it). */
function workOf(state: unknown): UnitOfWork {
  return (state as { work: UnitOfWork }).work;
}

describe('requests run one after another (rule 1)', () => {
  it('a request started while none runs commits before the next one reads', async () => {
    const kernel = await kernelWithStore();
    const write = kernel.request(undefined, (session) => workOf(session.state).setVariable('order', 'n', '1'));
    const read = kernel.request(undefined, (session) => workOf(session.state).getVariable('order', 'n'));
    await write;
    expect(await read).toBe('1');
  });

  it('a request begun inside another request body starts only after that request committed', async () => {
    const kernel = await kernelWithStore();
    let inner: Promise<string | undefined> | undefined;
    await kernel.request(undefined, (session) => {
      workOf(session.state).setVariable('order', 'n', 'outer');
      inner = kernel.request(undefined, (innerSession) => workOf(innerSession.state).getVariable('order', 'n'));
    });
    expect(await inner).toBe('outer');
  });

  it('ten requests sent together each see the writes of the ones sent before', async () => {
    const kernel = await kernelWithStore();
    const seen = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        kernel.request(undefined, (session) => {
          const work = workOf(session.state);
          const before = work.getVariable('order', 'count') ?? '0';
          work.setVariable('order', 'count', String(i + 1));
          return before;
        }),
      ),
    );
    expect(seen).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });
});

describe('requests without storage', () => {
  it('run a dispatch begun inside another request body only after that request ended', async () => {
    const traced: string[] = [];
    const kernel = createKernel({ onDispatch: (event) => traced.push(`${event.name} ${JSON.stringify(event.input)}`) });
    await kernel.load([await watPlugin({ name: 'echo', exports: { tap_item_view: ECHO } })]);
    traced.length = 0;
    let inner: Promise<unknown> | undefined;
    await kernel.request(undefined, (session) => {
      inner = kernel.dispatch('tap_item_view', 'inner');
      session.dispatch('tap_item_view', 'outer, after the inner one was begun');
    });
    expect((await inner) as unknown).toMatchObject({ results: [{ plugin: 'echo', output: 'inner' }] });
    expect(traced).toEqual(['tap_item_view "outer, after the inner one was begun"', 'tap_item_view "inner"']);
  });
});

describe('createRequestOrder', () => {
  /** A request whose settling the test controls. */
  function pending() {
    let settle!: (value: string) => void;
    let fail!: (error: Error) => void;
    const promise = new Promise<string>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    return { promise, settle, fail };
  }

  it('starts a request at once, before run returns, when none is unfinished', () => {
    const order = createRequestOrder();
    const started: string[] = [];
    void order.run(async () => {
      started.push('first');
      return 'first';
    });
    expect(started).toEqual(['first']);
  });

  it('starts the next request only once the one before has settled, even when it failed', async () => {
    const order = createRequestOrder();
    const first = pending();
    const started: string[] = [];
    const one = order.run(() => {
      started.push('one');
      return first.promise;
    });
    const two = order.run(async () => {
      started.push('two');
      return 'two';
    });
    await Promise.resolve();
    expect(started).toEqual(['one']);
    first.fail(new Error('the commit failed'));
    await expect(one).rejects.toThrow('the commit failed');
    expect(await two).toBe('two');
    expect(started).toEqual(['one', 'two']);
  });

  it('makes a request begun inside the body of one that started at once wait for it', async () => {
    const order = createRequestOrder();
    const outer = pending();
    const started: string[] = [];
    let inner: Promise<string> | undefined;
    const first = order.run(() => {
      started.push('outer');
      inner = order.run(async () => {
        started.push('inner');
        return 'inner';
      });
      return outer.promise;
    });
    await Promise.resolve();
    expect(started).toEqual(['outer']);
    outer.settle('outer');
    expect(await first).toBe('outer');
    expect(await inner).toBe('inner');
    expect(started).toEqual(['outer', 'inner']);
  });

  it('counts a request that finished at once as done before run returns, so the next one starts at once too', async () => {
    const order = createRequestOrder();
    const started: string[] = [];
    const one = order.run(() => {
      started.push('one');
      return new Finished('one');
    });
    void order.run(async () => {
      started.push('two');
      return 'two';
    });
    expect(started).toEqual(['one', 'two']);
    expect(await one).toBe('one');
  });

  it('makes a request begun inside the body of one that finished at once wait for it, then run', async () => {
    const order = createRequestOrder();
    const started: string[] = [];
    let inner: Promise<string> | undefined;
    const outer = order.run(() => {
      started.push('outer');
      inner = order.run(() => {
        started.push('inner');
        return new Finished('inner');
      });
      return new Finished('outer');
    });
    expect(started).toEqual(['outer']);
    expect(await outer).toBe('outer');
    expect(await inner).toBe('inner');
    expect(started).toEqual(['outer', 'inner']);
    // Everything has ended: the next request starts at once again.
    void order.run(() => {
      started.push('after');
      return new Finished('after');
    });
    expect(started).toEqual(['outer', 'inner', 'after']);
  });

  it('rejects with what a request that ends at once threw, and starts the next one at once', async () => {
    const order = createRequestOrder();
    const failed = order.run((): Finished<string> => {
      throw new Error('the body threw');
    });
    const started: string[] = [];
    void order.run(() => {
      started.push('next');
      return new Finished('next');
    });
    expect(started).toEqual(['next']);
    await expect(failed).rejects.toThrow('the body threw');
  });

  it('lets a request run at once only while none is unfinished, and queues the ones begun meanwhile after it', async () => {
    const order = createRequestOrder();
    const started: string[] = [];
    expect(order.startAtOnce()).toBe(true);
    started.push('at once');
    // Begun from its body: neither may run at once, nor start before it ends.
    expect(order.startAtOnce()).toBe(false);
    const queued = order.run(async () => {
      started.push('queued');
      return 'queued';
    });
    await Promise.resolve();
    expect(started).toEqual(['at once']);
    order.endAtOnce();
    expect(await queued).toBe('queued');
    expect(started).toEqual(['at once', 'queued']);
    expect(order.startAtOnce()).toBe(true);
    order.endAtOnce();
  });

  it('starts at once again once everything queued has settled', async () => {
    const order = createRequestOrder();
    await order.run(async () => 'one');
    const started: string[] = [];
    void order.run(async () => {
      started.push('two');
      return 'two';
    });
    expect(started).toEqual(['two']);
  });
});
