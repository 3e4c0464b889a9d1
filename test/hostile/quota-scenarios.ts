/**
 * The quota and loading-limit cases of issue 11, as scenarios that run the same way in Node
 * (fake-indexeddb) and in Chromium (real IndexedDB): quotas.test.ts and
 * quotas.browser.test.ts only say where the store lives. Each scenario first has keeper commit
 * a variable and a row, runs the hostile plugin beside it, checks what the plugin and the user
 * see, then reopens the store with keeper alone and checks the committed data is all there.
 */
import { expect } from 'vitest';
import { createKernel, type Kernel } from '../../src/kernel/kernel.js';
import { kernelStorage } from '../../src/kernel/host/storage-host.js';
import type { KernelLimits } from '../../src/kernel/common/limits.js';
import type { PluginSource } from '../../src/kernel/plugin/loader.js';
import type { SiteStore } from '../../src/kernel/storage/site-store.js';
import { MAX_MENU_DEPTH, MAX_ROUTES_PER_PLUGIN, type MenuTreeNode } from '../../src/kernel/menu/registry.js';
import { MAX_REPORTED_PROBLEMS } from '../../src/kernel/plugin/manifest.js';
import { keeperWithTable } from './plugins.js';
import { hoarder, logger, manyTaps, menuChain, oversized, printer, speaker, tracer, unknownKeys } from './quota-plugins.js';

export interface QuotaEnvironment {
  /** Opens (or reopens) the site store called `name`. */
  openStore(name: string): Promise<SiteStore>;
}

export interface QuotaScenario {
  readonly name: string;
  run(env: QuotaEnvironment): Promise<void>;
}

const ADMIN = { roles: ['administrator'] };
const COMMITTED = { text: 'committed before the attack', emoji: 'ü 世界 🌍' };
const ROW = { id: 'n1', text: 'a committed row' };
const MiB = 1024 * 1024;

/** What a repeater returns: calls that succeeded, the last failing code, and last-error. */
type RepeaterAnswer = [number, number, string];

interface Site {
  readonly kernel: Kernel;
  readonly store: SiteStore;
}

/**
 * Commits data through keeper, runs `attack` with `hostile` loaded beside it, then reopens the
 * store with keeper alone: every committed byte must be back.
 */
async function afterCommittedData(
  env: QuotaEnvironment,
  hostile: Promise<PluginSource>,
  attack: (site: Site) => Promise<void>,
  limits?: Partial<KernelLimits>,
  fuel?: false,
): Promise<void> {
  const name = `quota-${crypto.randomUUID()}`;
  const keeper = await keeperWithTable();
  let store = await env.openStore(name);
  try {
    const kernel = createKernel({ storage: kernelStorage(store), limits, fuel });
    await kernel.load([keeper, await hostile]);
    await kernel.dispatch('tap_queue_worker', COMMITTED, { user: ADMIN });
    await kernel.dispatch('tap_user_login', ROW, { user: ADMIN });
    await attack({ kernel, store });
    // The same kernel still answers.
    expect((await kernel.dispatch('tap_queue_info')).results.find((r) => r.plugin === 'keeper')?.output).toEqual(COMMITTED);
    await store.close();
    store = await env.openStore(name);
    const reopened = createKernel({ storage: kernelStorage(store) });
    await reopened.load([keeper]);
    expect((await reopened.dispatch('tap_queue_info')).results[0].output).toEqual(COMMITTED);
    expect(store.beginWork(reopened.user(ADMIN)).allRows('keeper', 'notes')).toEqual([ROW]);
  } finally {
    await store.close();
  }
}

/** Runs tap_cron as an administrator and returns the named plugin's answer. */
async function cronAnswer(kernel: Kernel, plugin: string): Promise<RepeaterAnswer> {
  const { results } = await kernel.dispatch('tap_cron', null, { user: ADMIN });
  const result = results.find((r) => r.plugin === plugin);
  expect(result?.error).toBeUndefined();
  return result!.output as RepeaterAnswer;
}

const ADVICE = (key: string) => `Do less in one request, or raise limits.${key} in the kernel options.`;

export const QUOTA_SCENARIOS: readonly QuotaScenario[] = [
  {
    name: '1,000,000 logging.log calls end with a clear quota error (-6), and the first 1,000 lines are kept',
    run: (env) =>
      // Unmetered: a repeater goes on calling after -6, and 1,000,000 host calls are far more
      // fuel than a call has; the scenario after this one is the same plugin under fuel.
      afterCommittedData(env, logger1M(), async ({ kernel, store }) => {
        const answer = await cronAnswer(kernel, 'logger');
        expect(answer).toEqual([
          1000,
          -6,
          `logging.log: over the quota logLinesPerCall (1000 lines): this call already logged 1000 lines. ${ADVICE('logLinesPerCall')}`,
        ]);
        const logs = await store.readLogs({ plugin: 'logger', limit: 5000 });
        expect(logs.filter((entry) => entry.message === 'line')).toHaveLength(1000);
        // The user is told too, once, even though the plugin ignores its return codes.
        expect(logs.filter((entry) => entry.level === 'warning').map((entry) => entry.message)).toEqual([
          `logger went over the quota logLinesPerCall (1000 lines): this call already logged 1000 lines. ${ADVICE('logLinesPerCall')}`,
        ]);
      }, undefined, false),
  },
  {
    name: 'under fuel, a plugin that goes on logging past its quota is stopped by fuel; the 1,000 lines and the warning stay',
    run: (env) =>
      afterCommittedData(env, logger1M(), async ({ kernel, store }) => {
        const result = (await kernel.dispatch('tap_cron', null, { user: ADMIN })).results.find((r) => r.plugin === 'logger');
        expect(result?.error).toMatch(/^ran out of fuel \(100000000 instructions\) in logger tap_cron/);
        const logs = await store.readLogs({ plugin: 'logger', limit: 5000 });
        expect(logs.filter((entry) => entry.message === 'line')).toHaveLength(1000);
        expect(logs.filter((entry) => entry.level === 'warning').map((entry) => entry.message)).toContain(
          `logger went over the quota logLinesPerCall (1000 lines): this call already logged 1000 lines. ${ADVICE('logLinesPerCall')}`,
        );
      }),
  },
  {
    name: 'log lines are counted per request across calls too (limits.logLinesPerRequest set to 1,500)',
    run: (env) =>
      afterCommittedData(
        env,
        logger1k(),
        async ({ kernel }) => {
          const answers = await kernel.request(ADMIN, (session) => [1, 2].map(() => session.dispatch('tap_cron').results.find((r) => r.plugin === 'logger')?.output));
          expect(answers).toEqual([
            [1000, 0, ''],
            [500, -6, `logging.log: over the quota logLinesPerRequest (1500 lines): this request already logged 1500 lines. ${ADVICE('logLinesPerRequest')}`],
          ]);
          // A new request starts with a fresh count.
          expect(await cronAnswer(kernel, 'logger')).toEqual([1000, 0, '']);
        },
        { logLinesPerRequest: 1500 },
      ),
  },
  {
    name: '2 MB of WASI stdout without a newline, in 100-byte writes, stops at the output quota with ERRNO_NOSPC',
    run: (env) =>
      afterCommittedData(env, printer2MB(), async ({ kernel, store }) => {
        const answer = await cronAnswer(kernel, 'printer');
        // 262,144 bytes: 2,621 whole writes and one of 44 bytes, then errno 51 (NOSPC).
        expect(answer).toEqual([
          2622,
          51,
          `wasi fd_write (stdout): over the quota outputBytesPerCall (262144 bytes): 0 of 100 bytes were written; further output gets ERRNO_NOSPC and is not recorded. ${ADVICE('outputBytesPerCall')}`,
        ]);
        const logs = await store.readLogs({ plugin: 'printer', limit: 5000 });
        const lines = logs.filter((entry) => entry.source === 'stdout');
        // One unbroken line, recorded in pieces of 16 KiB.
        expect(lines.map((entry) => entry.message.length)).toEqual(Array.from({ length: 16 }, () => 16384));
        expect(lines.every((entry) => /^a+$/.test(entry.message))).toBe(true);
        expect(logs.filter((entry) => entry.level === 'warning')).toHaveLength(1);
      }, undefined, false),
  },
  {
    name: "10,000 env.trace calls keep the first 1,000 lines: trace counts against the log quotas, though it cannot return an error",
    run: (env) =>
      afterCommittedData(env, tracer(10_000), async ({ kernel, store }) => {
        const { results } = await kernel.dispatch('tap_cron', null, { user: ADMIN });
        expect(results.find((r) => r.plugin === 'tracer')?.error).toBeUndefined();
        const logs = await store.readLogs({ plugin: 'tracer', limit: 5000 });
        expect(logs.filter((entry) => entry.level === 'debug' && entry.message === 'hi')).toHaveLength(1000);
        expect(logs.filter((entry) => entry.level === 'warning').map((entry) => entry.message)).toEqual([
          `tracer went over the quota logLinesPerCall (1000 lines): this call already logged 1000 lines. ${ADVICE('logLinesPerCall')}`,
        ]);
      }),
  },
  {
    name: 'WASI output is line-buffered per call: an unterminated line is recorded when its call ends, under that call',
    run: (env) =>
      afterCommittedData(env, speaker(), async ({ kernel, store }) => {
        await kernel.dispatch('tap_cron', null, { user: ADMIN });
        await kernel.dispatch('tap_cron', null, { user: ADMIN });
        const logs = (await store.readLogs({ plugin: 'speaker' })).reverse();
        // Two calls: each ends its own lines; nothing of the first runs into the second.
        expect(logs.map((entry) => [entry.source, entry.level, entry.message])).toEqual(
          [1, 2].flatMap(() => [
            ['stdout', 'info', 'one'],
            ['stdout', 'info', 'two'],
            ['stderr', 'warning', 'err'],
          ]),
        );
      }),
  },
  {
    name: '400 variables.set of 15 MiB each are refused with -6 before the value is copied; nothing runs out of memory',
    run: (env) =>
      afterCommittedData(env, hoarder(400, 15 * MiB), async ({ kernel }) => {
        expect(await cronAnswer(kernel, 'hoarder')).toEqual([
          0,
          -6,
          `variables.set: over the quota variableValueBytes (1048576 bytes): Argument 2 (the value) has 15728640 bytes. ${ADVICE('variableValueBytes')}`,
        ]);
        // Nothing was stored: "big" reads back empty.
        expect((await kernel.dispatch('tap_queue_info')).results.find((r) => r.plugin === 'hoarder')?.output).toBe(0);
      }),
  },
  {
    name: 'a request stages at most stagedBytesPerRequest (32 MiB); the writes staged before the refusal commit',
    run: (env) =>
      afterCommittedData(env, hoarder(40, 1_000_000), async ({ kernel }) => {
        // Each write counts its value, its name and 64 bytes: 33 fit in 32 MiB, the 34th does not.
        expect(await cronAnswer(kernel, 'hoarder')).toEqual([
          33,
          -6,
          'variables.set: over the quota stagedBytesPerRequest (33554432 bytes): this request has staged 33002211 bytes of writes and this one adds 1000067; ' +
            `the writes staged so far still commit. ${ADVICE('stagedBytesPerRequest')}`,
        ]);
        const info = (await kernel.dispatch('tap_queue_info')).results.find((r) => r.plugin === 'hoarder');
        expect(info?.output).toBe(1_000_000);
      }, undefined, false),
  },
  ...(['cache', 'context', 'row', 'item'] as const).map(
    (kind): QuotaScenario => ({
      name: `a ${kind} value of 2 MiB is refused with -6 naming its quota`,
      run: (env) =>
        afterCommittedData(env, bigValue(kind), async ({ kernel }) => {
          const [ok, code, message] = await cronAnswer(kernel, `big_${kind}`);
          expect([ok, code]).toEqual([0, -6]);
          expect(message).toMatch(VALUE_ERRORS[kind]);
        }),
    }),
  ),
  {
    name: `tap_menu with 20,000 routes in one parent chain is refused at once: at most ${MAX_ROUTES_PER_PLUGIN} per plugin`,
    run: (env) =>
      afterCommittedData(env, chain(20_000), async ({ kernel }) => {
        expect(kernel.status().routeProblems).toEqual([
          {
            plugin: 'chain',
            path: '',
            message: `chain tap_menu returned 20000 routes; a plugin may declare at most ${MAX_ROUTES_PER_PLUGIN}, so none of them were registered. Use parameters (/tags/:tag) for pages that share a callback.`,
          },
        ]);
        expect(kernel.routes()).toEqual([]);
      }),
  },
  {
    name: `a chain of ${MAX_ROUTES_PER_PLUGIN} routes loads; the menu is cut every ${MAX_MENU_DEPTH} levels and says where`,
    run: (env) =>
      afterCommittedData(env, chain(MAX_ROUTES_PER_PLUGIN), async ({ kernel }) => {
        expect(kernel.routes()).toHaveLength(MAX_ROUTES_PER_PLUGIN);
        const problems = kernel.status().routeProblems;
        const cuts = Math.floor((MAX_ROUTES_PER_PLUGIN - 1) / MAX_MENU_DEPTH);
        expect(problems).toHaveLength(cuts);
        expect(problems[0]).toEqual({
          plugin: 'chain',
          path: `/chain/${MAX_MENU_DEPTH}`,
          message: `chain route /chain/${MAX_MENU_DEPTH}: the parent /chain/${MAX_MENU_DEPTH - 1} is ${MAX_MENU_DEPTH} levels deep already, so the entry is shown at the top level; keep the menu within ${MAX_MENU_DEPTH} levels.`,
        });
        const tree = kernel.menuTree();
        expect(tree).toHaveLength(cuts + 1);
        expect(Math.max(...tree.map(depthOf))).toBe(MAX_MENU_DEPTH);
        // The tree crosses a worker boundary whole.
        expect(structuredClone(tree)).toEqual(tree);
      }),
  },
  {
    name: `a manifest with 10,000 unknown keys loads, with the first ${MAX_REPORTED_PROBLEMS} warnings and a count of the rest`,
    run: (env) =>
      afterCommittedData(env, chatty(), async ({ kernel }) => {
        const status = kernel.status().plugins.find((p) => p.name === 'chatty');
        expect(status?.status).toBe('ok');
        expect(status?.warnings).toHaveLength(MAX_REPORTED_PROBLEMS + 1);
        expect(status?.warnings[0]).toBe('chatty (chatty.info.toml): key "extra_key_0" is not a manifest key; the kernel ignores it; remove it if it is a mistake.');
        expect(status?.warnings.at(-1)).toBe(
          `chatty (chatty.info.toml): ${10_000 - MAX_REPORTED_PROBLEMS} more warnings like the ones above were left out of this report (it shows the first ${MAX_REPORTED_PROBLEMS}); fix those and load again.`,
        );
      }),
  },
  {
    name: `implements with 20,000 unknown taps is refused, with the first ${MAX_REPORTED_PROBLEMS} errors and a count of the rest`,
    run: (env) =>
      afterCommittedData(env, greedy(), async ({ kernel }) => {
        const status = kernel.status().plugins.find((p) => p.name === 'greedy');
        expect(status?.status).toBe('refused');
        expect(status?.errors).toHaveLength(MAX_REPORTED_PROBLEMS + 1);
        expect(status?.errors[0]).toMatch(/^greedy \(greedy\.info\.toml\): key "taps\.implements\[1\]": "tap_made_up_0" is not a known tap; /);
        expect(status?.errors.at(-1)).toBe(
          `greedy (greedy.info.toml): ${20_000 - MAX_REPORTED_PROBLEMS} more errors like the ones above were left out of this report (it shows the first ${MAX_REPORTED_PROBLEMS}); fix those and load again.`,
        );
      }),
  },
];

const VALUE_ERRORS: Record<'cache' | 'context' | 'row' | 'item', RegExp> = {
  cache: /^cache-api\.set: over the quota cacheValueBytes \(1048576 bytes\): Argument 3 \(the value\) has 2097152 bytes\. /,
  context: /^request-context\.set: over the quota contextValueBytes \(1048576 bytes\): Argument 2 \(the value\) has 2097152 bytes\. /,
  row: /^db\.insert: over the quota dbRowBytes \(1048576 bytes\): The row has 20972\d\d bytes\. /,
  item: /^item-api\.save-item: over the quota itemBytes \(1048576 bytes\): The item has 2097\d\d\d bytes\. /,
};

function depthOf(node: MenuTreeNode): number {
  let deepest = 0;
  const walk: Array<[MenuTreeNode, number]> = [[node, 1]];
  for (let next = walk.pop(); next !== undefined; next = walk.pop()) {
    const [at, depth] = next;
    deepest = Math.max(deepest, depth);
    for (const child of at.children) walk.push([child, depth + 1]);
  }
  return deepest;
}

// Plugin builders, named so a scenario reads as what it loads.
const logger1M = () => logger(1_000_000);
const logger1k = () => logger(1_000);
const printer2MB = () => printer(20_000, 100);
const bigValue = (kind: 'cache' | 'context' | 'row' | 'item') => oversized(kind, 2 * MiB);
const chain = (count: number) => menuChain(count);
const chatty = () => unknownKeys(10_000);
const greedy = () => manyTaps(20_000);
