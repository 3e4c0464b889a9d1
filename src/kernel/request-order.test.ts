/**
 * Rule 1 (one request at a time) with real storage (fake-indexeddb): a request that starts at
 * once because none is running, requests sent together, and a request begun from inside another
 * request's body all see every write committed before them.
 */
import { describe, expect, it } from 'vitest';
import { createKernel } from './kernel.js';
import { kernelStorage } from './host/storage-host.js';
import { openTestStore, siteName } from '../site/site-fixtures.test-support.js';
import type { UnitOfWork } from './storage/unit-of-work.js';

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
