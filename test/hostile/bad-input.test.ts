/**
 * Bad input that is not a running plugin: hostile manifests, modules that are not wasm or link
 * against what the kernel lacks, and storage that refuses to write or to open. Each gets a
 * clear error; the rest of the site loads and keeps its data.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { IDBDatabase as FakeDatabase } from 'fake-indexeddb';
import { createKernel, type Kernel } from '../../src/kernel/kernel.js';
import { KernelError } from '../../src/kernel/common/errors.js';
import { kernelStorage } from '../../src/kernel/host/storage-host.js';
import { nodeIndexedDB } from '../../src/kernel/storage/node-indexeddb.js';
import { openSiteStore, type SiteStore } from '../../src/kernel/storage/site-store.js';
import type { PluginSource } from '../../src/kernel/plugin/loader.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/kernel/storage/schema.js';
import { openSiteDatabase } from '../../src/kernel/storage/database.js';
import { wat } from '../support/wat.js';
import { keeperWithTable } from './plugins.js';

const ADMIN = { roles: ['administrator'] };
const COMMITTED = { text: 'committed before the bad input' };
let store: SiteStore | undefined;

afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function open(name: string, plugins: PluginSource[]): Promise<Kernel> {
  store = await openSiteStore({ name, indexedDB: nodeIndexedDB() });
  const kernel = createKernel({ storage: kernelStorage(store) });
  await kernel.load(plugins);
  return kernel;
}

const MANIFEST = (name: string) => `name = "${name}"\ndescription = "d"\nversion = "1.0.0"\n[taps]\nimplements = ["tap_cron"]\n`;
const CRON = '(func (export "tap_cron") (param i32 i32) (result i64) (i64.const 0))';
const MODULE = (imports: string) => `(module ${imports} (memory (export "memory") 1) (func (export "alloc") (param i32) (result i32) (i32.const 1024)) ${CRON})`;

async function hostileSources(): Promise<PluginSource[]> {
  const valid = await wat(MODULE(''));
  const random = new Uint8Array(4096);
  for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;
  const source = (name: string, manifest: string, wasm: Uint8Array = valid): PluginSource => ({ name, manifest, wasm });
  return [
    source('not_toml', 'name = "not_toml\ndescription = '),
    source('toml_bomb', `${MANIFEST('toml_bomb')}bomb = ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`),
    source('traversal', MANIFEST('../../etc/passwd')),
    source('prototype', `${MANIFEST('prototype')}[__proto__]\npolluted = true\n`),
    source('random_bytes', MANIFEST('random_bytes'), random),
    source('empty_wasm', MANIFEST('empty_wasm'), new Uint8Array(0)),
    source('wants_system', MANIFEST('wants_system'), await wat(MODULE('(import "env" "system" (func (param i32) (result i32)))'))),
    source('wrong_signature', MANIFEST('wrong_signature'), await wat(MODULE('(import "trovato:kernel/variables" "set" (func (param i32) (result i32)))'))),
    source('unknown_interface', MANIFEST('unknown_interface'), await wat(MODULE('(import "trovato:kernel/shell" "exec" (func (param i32 i32) (result i32)))'))),
  ];
}

describe('hostile manifests and modules', () => {
  it('are refused one by one with a message naming plugin and what is wrong; the site loads and keeps its data', async () => {
    const name = `bad-input-${crypto.randomUUID()}`;
    const keeper = await keeperWithTable();
    const first = await open(name, [keeper]);
    await first.dispatch('tap_queue_worker', COMMITTED, { user: ADMIN });
    await store!.close();

    const kernel = await open(name, [keeper, ...(await hostileSources())]);
    const report = kernel.status();
    // A `[__proto__]` table is only an unknown key: the plugin loads, with a warning, and pollutes nothing.
    expect(report.order).toEqual(['keeper', 'prototype']);
    expect(report.plugins.find((p) => p.name === 'prototype')?.warnings.join(' ')).toContain('__proto__');
    const errors = Object.fromEntries(report.plugins.filter((p) => p.status === 'refused').map((p) => [p.name, p.errors.join(' ')]));
    expect(Object.keys(errors).sort()).toEqual(
      ['empty_wasm', 'not_toml', 'random_bytes', 'toml_bomb', 'traversal', 'unknown_interface', 'wants_system', 'wrong_signature'].sort(),
    );
    expect(errors.not_toml).toMatch(/^not_toml \(not_toml\.info\.toml\): the file is not valid TOML: .* at line 1, column \d+; fix the syntax there and reload\.$/);
    expect(errors.toml_bomb).toMatch(/^toml_bomb \(toml_bomb\.info\.toml\): the file is not valid TOML/);
    expect(errors.traversal).toBe(
      'traversal (traversal.info.toml): key "name": "../../etc/passwd" is not a machine name; use 1 to 64 lowercase letters, digits and underscores, starting with a letter (for example "etc_passwd").',
    );
    expect(errors.random_bytes).toBe(
      'random_bytes (random_bytes.wasm): the file is not a valid WebAssembly module: the file does not start with the WebAssembly magic bytes "\\0asm" at byte 0 (is this file a .wasm built for wasm32?)',
    );
    expect(errors.empty_wasm).toBe(
      'empty_wasm (empty_wasm.wasm): the file is not a valid WebAssembly module: the file is empty at byte 0 (is this file a .wasm built for wasm32?)',
    );
    expect(errors.wants_system).toBe('wants_system (wants_system.wasm): imports "env"."system", which the kernel does not provide. "env" provides: abort, trace, seed, Date.now.');
    expect(errors.wrong_signature).toBe(
      'wrong_signature (wrong_signature.wasm): imports "trovato:kernel/variables"."set" with signature (i32) -> i32, but the kernel provides it as (i32, i32, i32, i32) -> i32.',
    );
    expect(errors.unknown_interface).toMatch(/^unknown_interface \(unknown_interface\.wasm\): imports "trovato:kernel\/shell"\."exec", but the kernel provides no module "trovato:kernel\/shell"\./);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await kernel.dispatch('tap_queue_info')).results[0].output).toEqual(COMMITTED);
  });
});

describe('storage that refuses', () => {
  it('a commit failing with QuotaExceededError fails the request with a quota message and loses nothing committed', async () => {
    const name = `quota-${crypto.randomUUID()}`;
    const kernel = await open(name, [await keeperWithTable()]);
    await kernel.dispatch('tap_queue_worker', COMMITTED, { user: ADMIN });

    // The disk is full: every readwrite transaction over the variables aborts with QuotaExceededError.
    const original = FakeDatabase.prototype.transaction;
    FakeDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
      const tx = original.apply(this, args) as IDBTransaction & { _abort(name: string): void; _state: string };
      const stores = typeof args[0] === 'string' ? [args[0]] : [...args[0]];
      if (args[1] === 'readwrite' && stores.includes('variables')) {
        queueMicrotask(() => {
          tx._state = 'active';
          tx._abort('QuotaExceededError');
        });
      }
      return tx;
    } as typeof original;
    let failure: unknown;
    try {
      failure = await kernel.dispatch('tap_queue_worker', { text: 'does not fit' }, { user: ADMIN }).catch((error: unknown) => error);
    } finally {
      FakeDatabase.prototype.transaction = original;
    }
    expect(failure).toBeInstanceOf(KernelError);
    expect((failure as KernelError).code).toBe('STORAGE_FAILURE');
    expect((failure as KernelError).message).toBe(
      "Saving the request's writes failed: the browser's storage quota for this site is full (QuotaExceededError), so nothing was saved. " +
        "Free space by deleting items or clearing old logs, remove other sites' data in the browser settings, " +
        'or allow persistent storage for this page (navigator.storage.persist()).',
    );
    // Memory did not run ahead of the database, the kernel still works, and a reopen finds the committed value.
    expect((await kernel.dispatch('tap_queue_info')).results[0].output).toEqual(COMMITTED);
    await store!.close();
    const reopened = await open(name, [await keeperWithTable()]);
    expect((await reopened.dispatch('tap_queue_info')).results[0].output).toEqual(COMMITTED);
  });

  it('an upgrade blocked by an old connection that will not close is reported instead of waiting forever', async () => {
    const name = `blocked-${crypto.randomUUID()}`;
    const factory = nodeIndexedDB();
    // An old tab: the database at schema version 1, open with no versionchange handler.
    (await openSiteDatabase(name, factory, MIGRATIONS.slice(0, 1))).close();
    const old = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open(name, 1);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const failure = await openSiteStore({ name, indexedDB: factory }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KernelError);
    expect((failure as KernelError).message).toBe(
      `Opening the site database "${name}" is blocked: another tab or window has it open at schema version 1 and does not let go, ` +
        `so it cannot be upgraded to version ${SCHEMA_VERSION}. Close the site's other tabs (or reload them), then reload this page.`,
    );
    // Once the old tab is gone, the site opens.
    old.close();
    store = await openSiteStore({ name, indexedDB: factory });
    expect(store.name).toBe(name);
  });
});
