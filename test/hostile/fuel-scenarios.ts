/**
 * The kernel's own bounds (docs/abi.md §7.1-7.3), run in Node (fuel.test.ts, fake-indexeddb)
 * and in Chromium (fuel.browser.test.ts, real IndexedDB). Each hostile plugin runs after a
 * well-behaved one committed data; the same kernel must answer the next request, and a new
 * kernel on the reopened store must find every committed byte.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createKernel, type Kernel, type KernelOptions } from '../../src/kernel/kernel.js';
import { kernelStorage } from '../../src/kernel/host/storage-host.js';
import { openSiteStore, type SiteStore } from '../../src/kernel/storage/site-store.js';
import type { PluginSource } from '../../src/kernel/plugin/loader.js';
import { DEFAULT_CALL_FUEL, MAX_CALL_FUEL, MAX_INVOKES_PER_REQUEST } from '../../src/kernel/plugin/fuel.js';
import { keeperWithTable, spinner } from './plugins.js';
import { counter, fuelAttacks } from './fuel-plugins.js';

const ADMIN = { roles: ['administrator'] };
const COMMITTED = { text: 'committed before the attack', emoji: 'ü 世界 🌍' };
const ROW = { id: 'n1', text: 'a committed row' };
const LOOP_TIMEOUT = 60_000;

export interface FuelTestEnvironment {
  indexedDB: IDBFactory;
}

/** The message for a call that ran out of its default budget. */
function outOfFuel(plugin: string, what: string): string {
  return (
    `ran out of fuel (${DEFAULT_CALL_FUEL} instructions) in ${plugin} ${what}: it may loop forever. ` +
    `If it needs more, set [limits] fuel in ${plugin}.info.toml (this call had ${DEFAULT_CALL_FUEL}; at most ${MAX_CALL_FUEL}).`
  );
}

export function defineFuelTests(env: FuelTestEnvironment): void {
  let store: SiteStore | undefined;

  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  async function open(name: string, plugins: PluginSource[], options: KernelOptions = {}): Promise<Kernel> {
    // The checks read back through beginWork, outside a kernel request: load everything at open.
    store = await openSiteStore({ name, indexedDB: env.indexedDB, loadAllAtOpen: true });
    const kernel = createKernel({ ...options, storage: kernelStorage(store) });
    await kernel.load(plugins);
    return kernel;
  }

  /**
   * keeper commits a variable and a row; `attack` runs with `hostile` loaded beside it; keeper
   * must then answer in the same kernel, and a new kernel on the reopened store must find both.
   */
  async function afterCommittedData(hostile: PluginSource[], attack: (kernel: Kernel) => Promise<void>, options: KernelOptions = {}): Promise<void> {
    const name = `fuel-${crypto.randomUUID()}`;
    const keeper = await keeperWithTable();
    const kernel = await open(name, [keeper, ...hostile], options);
    await kernel.dispatch('tap_queue_worker', COMMITTED, { user: ADMIN });
    await kernel.dispatch('tap_user_login', ROW, { user: ADMIN });
    await attack(kernel);
    const next = await kernel.dispatch('tap_queue_info');
    expect(next.results.find((r) => r.plugin === 'keeper')?.output).toEqual(COMMITTED);
    await store!.close();
    const reopened = await open(name, [keeper]);
    expect((await reopened.dispatch('tap_queue_info')).results[0].output).toEqual(COMMITTED);
    expect(store!.beginWork(reopened.user(ADMIN)).allRows('keeper', 'notes')).toEqual([ROW]);
  }

  describe('fuel: a plugin that loops is stopped inside the kernel, which goes on', () => {
    it('a tap_cron loop ends with "ran out of fuel", the other handlers\' writes commit, and the kernel answers next', { timeout: LOOP_TIMEOUT }, async () => {
      await afterCommittedData([await spinner()], async (kernel) => {
        // keeper writes in the same request, before spinner loops: that write must survive.
        const results = await kernel.request(ADMIN, (session) => {
          session.dispatch('tap_queue_worker', { text: 'same request' });
          return session.dispatch('tap_cron').results;
        });
        expect(results.map((r) => [r.plugin, r.errorCode])).toEqual([['spinner', 'OUT_OF_FUEL']]);
        expect(results[0].error).toBe(outOfFuel('spinner', 'tap_cron'));
        expect(results[0].fuel).toBe(DEFAULT_CALL_FUEL);
        expect((await kernel.dispatch('tap_queue_info')).results[0].output).toEqual({ text: 'same request' });
        await kernel.dispatch('tap_queue_worker', COMMITTED, { user: ADMIN });
        // A second loop, in a second request: the kernel stops it again.
        expect((await kernel.dispatch('tap_cron', null, { user: ADMIN })).results[0].errorCode).toBe('OUT_OF_FUEL');
      });
    });

    it('a loop made of host calls is stopped by fuel too: each host call pays for itself', { timeout: LOOP_TIMEOUT }, async () => {
      await afterCommittedData([await fuelAttacks.hostCallLoop()], async (kernel) => {
        const [result] = (await kernel.dispatch('tap_cron', null, { user: ADMIN })).results;
        expect([result.plugin, result.errorCode, result.error]).toEqual(['host_loop', 'OUT_OF_FUEL', outOfFuel('host_loop', 'tap_cron')]);
        expect(result.fuel).toBe(DEFAULT_CALL_FUEL);
      });
    });

    it('a tap_perm loop while loading: the load finishes, says which plugin failed, and the plugin still runs its other taps', { timeout: LOOP_TIMEOUT }, async () => {
      await afterCommittedData([await fuelAttacks.permLoop()], async (kernel) => {
        const report = kernel.status();
        expect([...report.order].sort()).toEqual(['keeper', 'perm_loop']);
        expect(report.tapProblems).toEqual([{ plugin: 'perm_loop', tap: 'tap_perm', message: outOfFuel('perm_loop', 'tap_perm') }]);
        const cron = await kernel.dispatch('tap_cron', null, { user: ADMIN });
        expect(cron.results.map((r) => [r.plugin, r.error])).toEqual([['perm_loop', undefined]]);
      });
    });

    it('a start function that loops: the plugin is refused at load, naming its start function', { timeout: LOOP_TIMEOUT }, async () => {
      await afterCommittedData([await fuelAttacks.startLoop()], async (kernel) => {
        const report = kernel.status();
        expect(report.order).toEqual(['keeper']);
        expect(report.plugins.find((p) => p.name === 'start_loop')).toMatchObject({
          status: 'refused',
          errors: [outOfFuel('start_loop', 'start function')],
        });
        expect((await kernel.dispatch('tap_cron', null, { user: ADMIN })).results).toEqual([]);
      });
    });

    it('an _initialize that loops: the plugin is refused at load, naming _initialize', { timeout: LOOP_TIMEOUT }, async () => {
      await afterCommittedData([await fuelAttacks.initializeLoop()], async (kernel) => {
        expect(kernel.status().order).toEqual(['keeper']);
        expect(kernel.status().plugins.find((p) => p.name === 'init_loop')).toMatchObject({
          status: 'refused',
          errors: [outOfFuel('init_loop', '_initialize')],
        });
      });
    });

    it('a manifest\'s [limits] fuel lowers or raises a call\'s budget', async () => {
      const kernel = createKernel();
      await kernel.load([
        await counter('frugal', 200_000, '[limits]\nfuel = 100000'),
        await counter('plain', 200_000),
        await counter('hungry', 20_000_000, `[limits]\nfuel = ${MAX_CALL_FUEL}`),
      ]);
      const results = Object.fromEntries((await kernel.dispatch('tap_cron')).results.map((r) => [r.plugin, r]));
      expect(Object.values(results).map((r) => [r.plugin, r.errorCode ?? r.output]).sort()).toEqual([
        ['frugal', 'OUT_OF_FUEL'],
        ['hungry', 'done'],
        ['plain', 'done'],
      ]);
      expect(results.frugal.error).toBe(
        'ran out of fuel (100000 instructions) in frugal tap_cron: it may loop forever. If it needs more, set [limits] fuel in frugal.info.toml (this call had 100000; at most 1000000000).',
      );
      // Each pass of the counting loop costs its 9 instructions and the fuel check's 8.
      expect(results.hungry.fuel).toBeGreaterThan(200_000_000);
    });

    it("a request's budget bounds all its calls together; the next request has a full one", async () => {
      const kernel = createKernel({ fuel: { perRequest: 5_000_000 } });
      await kernel.load([await counter('first', 200_000), await counter('second', 200_000)]);
      const { results } = await kernel.dispatch('tap_cron');
      expect(results[0]).toMatchObject({ plugin: 'first', output: 'done' });
      expect(results[1]).toMatchObject({ plugin: 'second', errorCode: 'OUT_OF_FUEL' });
      expect(results[1].error).toMatch(/^ran out of fuel \(\d+ instructions\) in second tap_cron: the request's budget of 5000000 instructions for all its calls is spent\./);
      expect((await kernel.dispatch('tap_cron')).results[0].output).toBe('done');
    });
  });

  describe('no blocking, no hijacking', () => {
    it('WASI poll_oneoff asked to sleep an hour answers at once, with the event due', async () => {
      await afterCommittedData([await fuelAttacks.sleeper()], async (kernel) => {
        const { results } = await kernel.dispatch('tap_cron', null, { user: ADMIN });
        expect(results.find((r) => r.plugin === 'sleeper')).toMatchObject({ output: 'woke' });
        await kernel.dispatch('tap_queue_worker', COMMITTED, { user: ADMIN });
      });
    });

    it(`an invoke fan-out of 16 per level ends at ${MAX_INVOKES_PER_REQUEST} invokes per request, with -6 and a last-error that says so`, { timeout: LOOP_TIMEOUT }, async () => {
      await afterCommittedData([await fuelAttacks.fanOut()], async (kernel) => {
        const { results } = await kernel.dispatch('tap_cron', null, { user: ADMIN });
        expect(results.find((r) => r.plugin === 'fan_out')).toMatchObject({
          output: `plugin-api.invoke: invoke was called ${MAX_INVOKES_PER_REQUEST} times in this request, the most one request may make; call fewer plugins per request.`,
        });
        await kernel.dispatch('tap_queue_worker', COMMITTED, { user: ADMIN });
        // The count is per request: the next one may invoke again.
        expect((await kernel.dispatch('tap_cron', null, { user: ADMIN })).results.find((r) => r.plugin === 'fan_out')?.error).toBeUndefined();
      });
    });

    it("plugin-api.invoke refuses the kernel's reserved exports (a plugin cannot set its own fuel)", async () => {
      await afterCommittedData([await fuelAttacks.reservedInvoker()], async (kernel) => {
        const { results } = await kernel.dispatch('tap_cron', null, { user: ADMIN });
        expect(results.find((r) => r.plugin === 'reserved_invoker')).toMatchObject({
          output: "plugin-api.invoke: __trovato_set_fuel is the kernel's (export names starting with __trovato_ are reserved), not a plugin's export.",
        });
        await kernel.dispatch('tap_queue_worker', COMMITTED, { user: ADMIN });
      });
    });

    for (const isolation of ['pool', 'fresh'] as const) {
      it(`a start function never acts in the request of a plugin that invokes it (isolation "${isolation}")`, async () => {
        await afterCommittedData(
          [await fuelAttacks.hijacker(), await fuelAttacks.invoker()],
          async (kernel) => {
            // hijacker's start function ran at load, as hijacker, with no storage: its write was refused.
            expect([...kernel.status().order].sort()).toEqual(['hijacker', 'invoker', 'keeper']);
            const cron = await kernel.dispatch('tap_cron', null, { user: ADMIN });
            expect(cron.results.find((r) => r.plugin === 'invoker')?.error).toBeUndefined();
            // Neither the invoker's namespace nor keeper's received "hijacked".
            const info = await kernel.dispatch('tap_queue_info');
            expect(info.results.map((r) => [r.plugin, r.output]).sort()).toEqual([
              ['invoker', null],
              ['keeper', COMMITTED],
            ]);
            const work = store!.beginWork(kernel.user(ADMIN));
            expect(work.getVariable('hijacker', 'saved')).toBeUndefined();
            expect(work.getVariable('invoker', 'saved')).toBeUndefined();
          },
          { isolation },
        );
      });
    }
  });
}
