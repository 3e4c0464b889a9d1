/**
 * Each hostile plugin runs after a well-behaved one committed data; then the store is closed and
 * reopened (a new kernel, as after a reload) and the data must all be there.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '../../src/kernel/kernel.js';
import { kernelStorage } from '../../src/kernel/host/storage-host.js';
import { nodeIndexedDB } from '../../src/kernel/storage/node-indexeddb.js';
import { openSiteStore, type SiteStore } from '../../src/kernel/storage/site-store.js';
import type { PluginSource } from '../../src/kernel/plugin/loader.js';
import { attacks, keeperWithTable } from './plugins.js';

const ADMIN = { roles: ['administrator'] };
const COMMITTED = { text: 'committed before the attack', emoji: 'ü 世界 🌍' };
const ROW = { id: 'n1', text: 'a committed row' };
let store: SiteStore | undefined;

afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function open(name: string, plugins: PluginSource[], maxMemoryPages?: number): Promise<Kernel> {
  // The checks read back through beginWork, outside a kernel request: load everything at open.
  store = await openSiteStore({ name, indexedDB: nodeIndexedDB(), loadAllAtOpen: true });
  const kernel = createKernel({ storage: kernelStorage(store), maxMemoryPages });
  await kernel.load(plugins);
  return kernel;
}

/**
 * Commits data through keeper, runs `attack` against a kernel with `hostile` loaded too, then
 * reopens the store with keeper alone and checks every committed byte is back.
 */
async function afterCommittedData(hostile: PluginSource, attack: (kernel: Kernel) => Promise<void>, maxMemoryPages?: number): Promise<void> {
  const name = `hostile-${crypto.randomUUID()}`;
  const keeper = await keeperWithTable();
  const kernel = await open(name, [keeper, hostile], maxMemoryPages);
  expect(kernel.status().order).toContain(hostile.name);
  await kernel.dispatch('tap_queue_worker', COMMITTED, { user: ADMIN });
  await kernel.dispatch('tap_user_login', ROW, { user: ADMIN });
  await attack(kernel);
  // The kernel is still up after the attack: keeper answers in the same kernel.
  expect((await kernel.dispatch('tap_queue_info')).results[0].output).toEqual(COMMITTED);
  await store!.close();
  const reopened = await open(name, [keeper]);
  expect((await reopened.dispatch('tap_queue_info')).results[0].output).toEqual(COMMITTED);
  const work = store!.beginWork(reopened.user(ADMIN));
  expect(work.allRows('keeper', 'notes')).toEqual([ROW]);
}

/** Runs tap_cron and returns the hostile plugin's result. */
async function cronOf(kernel: Kernel, plugin: string) {
  const { results } = await kernel.dispatch('tap_cron', null, { user: ADMIN });
  const result = results.find((r) => r.plugin === plugin);
  expect(result).toBeDefined();
  return result!;
}

describe('hostile plugins: the user sees a clear error, the kernel stays up, nothing committed is lost', () => {
  it('a trap fails that handler with "<plugin> <tap> trapped"', async () => {
    await afterCommittedData(await attacks.trapper(), async (kernel) => {
      const result = await cronOf(kernel, 'trapper');
      expect(result).toMatchObject({ output: null, errorCode: 'PLUGIN_TRAP', error: 'trapper tap_cron trapped: unreachable' });
    });
  });

  it('growing memory without end stops at the limit with MEMORY_LIMIT', async () => {
    await afterCommittedData(
      await attacks.grower(),
      async (kernel) => {
        const result = await cronOf(kernel, 'grower');
        expect(result.errorCode).toBe('MEMORY_LIMIT');
        expect(result.error).toMatch(/^grower tap_cron hit its memory limit of 32 pages \(2 MiB\): trapped: unreachable\. Make the plugin use less memory/);
      },
      32,
    );
  });

  it('output pointers past memory, or wrapping past 2^32, are refused naming plugin and tap', async () => {
    await afterCommittedData(await attacks.farPointer(), async (kernel) => {
      expect((await cronOf(kernel, 'far_pointer')).error).toBe(
        'far_pointer tap_cron returned output at 65520 of 1048576 bytes, past the end of its 65536-byte memory.',
      );
    });
    await afterCommittedData(await attacks.wrapPointer(), async (kernel) => {
      expect((await cronOf(kernel, 'wrap_pointer')).error).toBe(
        'wrap_pointer tap_cron returned output at 4294967295 of 4294967295 bytes, past the end of its 65536-byte memory.',
      );
    });
  });

  it('invalid UTF-8 output is refused', async () => {
    await afterCommittedData(await attacks.invalidUtf8(), async (kernel) => {
      const result = await cronOf(kernel, 'latin');
      expect(result).toMatchObject({ errorCode: 'PLUGIN_OUTPUT_INVALID', error: 'latin tap_cron returned 4 bytes that are not valid UTF-8.' });
    });
  });

  it('4 MB of output arrives whole: no size limit is silent', async () => {
    await afterCommittedData(await attacks.megabytes(), async (kernel) => {
      const result = await cronOf(kernel, 'verbose');
      expect(result.error).toBeUndefined();
      expect(result.output).toBe('a'.repeat(3_999_998));
    });
  });

  it('100,000 levels of nested JSON are refused before parsing, so nothing downstream overflows', async () => {
    await afterCommittedData(await attacks.deepJson(), async (kernel) => {
      const result = await cronOf(kernel, 'nester');
      expect(result).toMatchObject({
        errorCode: 'PLUGIN_OUTPUT_INVALID',
        error: 'nester tap_cron returned JSON nested more than 512 levels deep; the kernel cannot pass it on. Flatten the output.',
      });
      // The result can cross a worker boundary (structured clone) and be stringified.
      expect(() => structuredClone(result)).not.toThrow();
    });
  });

  it('a log line claiming to be another plugin is recorded under the real caller, with the claim kept', async () => {
    await afterCommittedData(await attacks.impostor(), async (kernel) => {
      await cronOf(kernel, 'impostor');
      const logs = await store!.readLogs({ plugin: 'keeper' });
      expect(logs).toEqual([]);
      expect(await store!.readLogs({ plugin: 'impostor' })).toMatchObject([{ level: 'warning', message: 'I am keeper...', claimed: 'keeper' }]);
    });
  });

  it("reading another plugin's variables and tables by name reaches only its own namespace", async () => {
    await afterCommittedData(await attacks.thief(), async (kernel) => {
      const result = await cronOf(kernel, 'thief');
      // keeper's "saved" and "notes" exist, but thief sees its own (empty) ones.
      expect(result.output).toEqual([null, []]);
    });
  });

  it('host calls with pointers past memory get -1 and a last-error that says which argument', async () => {
    await afterCommittedData(await attacks.badPointers(), async (kernel) => {
      await cronOf(kernel, 'bad_pointers');
      const messages = (await store!.readLogs({ plugin: 'bad_pointers' })).map((entry) => entry.message).reverse();
      expect(messages).toEqual([
        'variables.set: Argument 1 of variables.set points past the end of memory (ptr 2147483632, len 64, memory 65536 bytes).',
        'variables.get: The output buffer (ptr 4294967288, max 64) lies past the end of memory.',
      ]);
    });
  });

  it("a hostile handler's writes in the same request are rolled back; the others' are kept", async () => {
    // keeper writes, then scribbler writes and traps, in one request: only scribbler's part is discarded.
    await afterCommittedData(await attacks.scribbler(), async (kernel) => {
      const value = await kernel.request(ADMIN, (session) => {
        session.dispatch('tap_queue_worker', { text: 'same request' });
        return session.dispatch('tap_cron').results.map((r) => r.errorCode);
      });
      expect(value).toEqual(['PLUGIN_TRAP']);
      const info = (await kernel.dispatch('tap_queue_info')).results.map((r) => [r.plugin, r.output]);
      expect(info).toEqual([
        ['keeper', { text: 'same request' }],
        ['scribbler', null],
      ]);
      // Put the committed value back for the final check.
      await kernel.dispatch('tap_queue_worker', COMMITTED);
    });
  });
});
