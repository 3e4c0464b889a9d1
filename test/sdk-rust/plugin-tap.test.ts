/**
 * `#[plugin_tap]` (sdk-rust/trovato-sdk-macros): the exports it writes for every accepted
 * shape, called through the real kernel; `Err` and panics reported naming plugin and tap; and
 * the compile errors, naming the rule, for every signature it refuses. The fixtures are real
 * crates (test/fixtures/rust/) built with Debian's toolchain, as `trovato build` builds them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildPluginDir } from '../../src/build/build-plugins.js';
import type { PluginBuildResult } from '../../src/build/build-result.js';
import { formatDiagnostic } from '../../src/build/compile-plugin.js';
import { createKernel, type Kernel } from '../../src/kernel/kernel.js';
import { kernelStorage } from '../../src/kernel/host/storage-host.js';
import { siteRoles } from '../../src/site/roles.js';
import { nodeIndexedDB } from '../../src/kernel/storage/node-indexeddb.js';
import { openSiteStore, type SiteStore } from '../../src/kernel/storage/site-store.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/rust');
const ADMIN = { id: 'root', roles: ['administrator'] };

let out: string;
let shapes: PluginBuildResult;
let bad: PluginBuildResult;
let store: SiteStore;
let kernel: Kernel;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'trovato-plugin-tap-'));
  shapes = await buildPluginDir(join(FIXTURES, 'tap_shapes'), out);
  bad = await buildPluginDir(join(FIXTURES, 'bad_taps'), out);
  if (shapes.status !== 'built' || !shapes.wasmPath) {
    throw new Error(`tap_shapes did not build (${shapes.status}):\n${shapes.diagnostics.map(formatDiagnostic).join('\n')}`);
  }
  store = await openSiteStore({ name: `plugin-tap-${crypto.randomUUID()}`, indexedDB: nodeIndexedDB() });
  kernel = createKernel({ storage: kernelStorage(store), roles: siteRoles([]) });
  const manifest = await readFile(join(FIXTURES, 'tap_shapes', 'tap_shapes.info.toml'), 'utf8');
  const report = await kernel.load([{ name: 'tap_shapes', manifest, wasm: new Uint8Array(await readFile(shapes.wasmPath)) }]);
  if (report.plugins.some((p) => p.status !== 'ok')) throw new Error(`tap_shapes did not load: ${JSON.stringify(report.plugins)}`);
}, 600_000);

afterAll(async () => {
  await store?.close();
  await rm(out, { recursive: true, force: true });
});

function call(exportName: string, input?: unknown) {
  return kernel.request(ADMIN, (session) => session.call('tap_shapes', exportName, input));
}

describe('#[plugin_tap] on accepted signatures', () => {
  it('writes (ptr, len) -> i64 exports that the kernel loads, and dispatches taps without and with input', async () => {
    const perm = await kernel.dispatch('tap_perm', null, { user: ADMIN });
    expect(perm.results.map((r) => [r.plugin, r.output, r.error])).toEqual([['tap_shapes', [{ name: 'use shapes', description: 'Try every shape.' }], undefined]]);
    const item = { id: 'i1', item_type: 'page', title: 'T', fields: {}, status: 1, author_id: 'root', created: 1, changed: 1 };
    const deny = await kernel.dispatch('tap_item_access', { item, op: 'delete' }, { user: ADMIN });
    expect(deny.results[0].output).toBe('Deny');
    const neutral = await kernel.dispatch('tap_item_access', { item, op: 'view' }, { user: ADMIN });
    expect(neutral.results[0].output).toBe('Neutral');
    // () is "no result": out_len 0, which the kernel reads as null.
    const cron = await kernel.dispatch('tap_cron', null, { user: ADMIN });
    expect(cron.results.map((r) => [r.output, r.error])).toEqual([[null, undefined]]);
  });

  it("decodes the plugin's own structs, Options and plain strings, and encodes what the function returns", async () => {
    expect((await call('greet', { name: 'Rust', times: 2 })).output).toEqual({ text: 'Hello, Rust!Hello, Rust!' });
    expect((await call('maybe', 'quiet')).output).toBe('QUIET');
    // No input (ptr 0, len 0) reaches an Option as None, and None is no result.
    const none = await call('maybe');
    expect(none.output).toBeNull();
    expect(none.error).toBeUndefined();
  });
});

describe('#[plugin_tap] failures become error outputs naming plugin and tap', () => {
  it('an Err is the contract\'s {"error": ...}: a host error passed on with ?, or a plain message', async () => {
    const missing = await call('lookup', 'no-such-item');
    expect(missing.errorCode).toBe('PLUGIN_REPORTED_ERROR');
    expect(missing.error).toBe('tap_shapes lookup reported an error: item-api.get-item: No item has the id "no-such-item".');
    const refused = await call('refuse');
    expect(refused.error).toBe('tap_shapes refuse reported an error: shapes refuses on purpose');
  });

  it('an input that does not decode is an error naming the tap and what was wrong, and the handler is not run', async () => {
    const wrong = await call('greet', { times: 3 });
    expect(wrong.errorCode).toBe('PLUGIN_REPORTED_ERROR');
    expect(wrong.error).toMatch(/^tap_shapes greet reported an error: the input of greet does not have the expected shape: missing field `name`/);
    const access = await kernel.dispatch('tap_item_access', { op: 'view' }, { user: ADMIN });
    expect(access.results[0].error).toMatch(/^tap_shapes tap_item_access reported an error: the input of tap_item_access does not have the expected shape: missing field `item`/);
  });

  it('a panic, explicit or a bug, stops the call and is reported with its message, file, line and column', async () => {
    const explicit = await call('explode');
    expect(explicit.errorCode).toBe('PLUGIN_TRAP');
    expect(explicit.error).toMatch(/^tap_shapes explode aborted: explode was asked to panic at src\/lib\.rs:\d+:\d+$/);
    const bug = await call('explode', 3);
    expect(bug.error).toMatch(/^tap_shapes explode aborted: index out of bounds: the len is 0 but the index is 3 at src\/lib\.rs:\d+:\d+$/);
    // The instance is usable again after a panic.
    expect((await call('greet', { name: 'again' })).output).toEqual({ text: 'Hello, again!' });
  });
});

describe('#[plugin_tap] on refused signatures', () => {
  it('fails the build with a compile error at the function, naming the rule it breaks', async () => {
    expect(bad.status).toBe('failed');
    const source = await readFile(join(FIXTURES, 'bad_taps', 'src', 'lib.rs'), 'utf8');
    const expected = source
      .split('\n')
      .map((line, index) => ({ rule: /^\s*\/\/ rule: (.*)$/.exec(line)?.[1], line: index + 2 }))
      .filter((e): e is { rule: string; line: number } => e.rule !== undefined);
    expect(expected.length).toBe(10);
    const ruleErrors = bad.diagnostics.filter((d) => d.severity === 'error' && d.message.startsWith('plugin_tap rule: '));
    for (const { rule, line } of expected) {
      const at = ruleErrors.filter((d) => d.line === line && d.file.endsWith(join('bad_taps', 'src', 'lib.rs')));
      expect(at.map((d) => d.message), `line ${line}: ${rule}`).toEqual([expect.stringContaining(rule)]);
    }
    expect(ruleErrors.length).toBe(expected.length);
  });
});
