import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KernelError } from './errors.js';
import { DEFAULT_LIMITS, describeLimit, resolveLimits, utf8Length } from './limits.js';
import { user } from '../host/storage-test-harness.js';
import { nodeIndexedDB } from '../storage/node-indexeddb.js';
import { openSiteStore } from '../storage/site-store.js';
import { cacheWriteBytes, itemWriteBytes, rowWriteBytes, variableWriteBytes, WRITE_OVERHEAD_BYTES } from '../storage/unit-of-work.js';

describe('kernel limits', () => {
  it('apply overrides over the defaults', () => {
    const limits = resolveLimits({ logLinesPerRequest: 100 });
    expect(limits).toEqual({ ...DEFAULT_LIMITS, logLinesPerRequest: 100 });
    expect(describeLimit(limits, 'logLinesPerRequest')).toBe('the quota logLinesPerRequest (100 lines)');
    expect(describeLimit(limits, 'itemBytes')).toBe('the quota itemBytes (1048576 bytes)');
  });

  it('refuse an unknown quota or a value that is not a positive whole number, naming the key', () => {
    const refusal = (overrides: Record<string, unknown>) => {
      try {
        resolveLimits(overrides as never);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const typo = refusal({ logLinesPerReqest: 5 });
    expect(typo).toBeInstanceOf(KernelError);
    expect(typo).toMatchObject({ code: 'BAD_INPUT' });
    expect((typo as Error).message).toMatch(/^The kernel option limits\.logLinesPerReqest is not a quota; the quotas are logLinesPerCall, /);
    for (const bad of [0, -1, 1.5, Number.NaN, '10', 2 ** 60]) {
      expect((refusal({ itemBytes: bad }) as Error).message).toBe(`The kernel option limits.itemBytes must be a positive whole number, got ${String(bad)}.`);
    }
  });

  it('count UTF-8 bytes as TextEncoder does, lone surrogates included', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => utf8Length(text) === encoder.encode(text).length),
      { numRuns: 300 },
    );
    expect(utf8Length('\ud800x')).toBe(4);
    expect(utf8Length('🌍')).toBe(4);
  });
});

describe('staged bytes', () => {
  it('count each write as its own size says, and a rollback or discard gives them back', async () => {
    const store = await openSiteStore({ name: `staged-${crypto.randomUUID()}`, indexedDB: nodeIndexedDB() });
    try {
      const work = store.beginWork(user('alice', []));
      expect(work.stagedBytes).toBe(0);
      work.setVariable('blog', 'name', 'Bü');
      const afterVariable = variableWriteBytes('name', 'Bü');
      expect(afterVariable).toBe(WRITE_OVERHEAD_BYTES + 4 + 3);
      expect(work.stagedBytes).toBe(afterVariable);
      const savepoint = work.savepoint();
      const item = { id: 'i1', item_type: 'page', title: 'T', fields: {}, status: 1 as const, author_id: 'alice', created: 1, changed: 1 };
      work.putItem(item);
      work.putRow('blog', 'posts', { id: 1, title: 'x' });
      work.setCache('bin', 'k', 'v', ['t']);
      expect(work.stagedBytes).toBe(
        afterVariable + itemWriteBytes(item, 'i1') + rowWriteBytes('posts', { id: 1, title: 'x' }, 1) + cacheWriteBytes('bin', 'k', 'v', ['t']),
      );
      work.rollbackTo(savepoint);
      expect(work.stagedBytes).toBe(afterVariable);
      work.discard();
      expect(work.stagedBytes).toBe(0);
    } finally {
      await store.close();
    }
  });
});
