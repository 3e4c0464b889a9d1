import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wat, type WatFeatures } from '../../../test/support/wat.js';
import { providedImports } from '../contract/imports.js';
import { checkExportSignature, checkModule, formatSignature, TAP_SIGNATURE, type ModuleCheckOptions } from './module-check.js';
import { readModuleShape } from './wasm-sections.js';

/** A well-formed plugin, one line per part, so a test replaces or drops exactly one part. */
const PARTS = {
  abort: '(import "env" "abort" (func (param i32 i32 i32 i32)))',
  log: '(import "trovato:kernel/logging" "log" (func (param i32 i32 i32 i32 i32 i32) (result i32)))',
  imports: '',
  memory: '(memory (export "memory") 1 16)',
  heap: '(global $heap (mut i32) (i32.const 1024))',
  alloc: '(func (export "alloc") (param i32) (result i32) global.get $heap)',
  dealloc: '(func (export "dealloc") (param i32 i32))',
  initialize: '(func (export "_initialize"))',
  tapMenu: '(func (export "tap_menu") (param i32 i32) (result i64) i64.const 0)',
  tapPerm: '(func (export "tap_perm") (param i32 i32) (result i64) i64.const 0)',
  extra: '',
};

function plugin(changes: Partial<Record<keyof typeof PARTS, string>> = {}, features?: WatFeatures): Promise<Uint8Array> {
  return wat(`(module\n${Object.values({ ...PARTS, ...changes }).join('\n')}\n)`, features);
}

const OPTIONS: ModuleCheckOptions = {
  plugin: 'blog',
  file: 'blog.wasm',
  taps: ['tap_menu', 'tap_perm'],
  provided: providedImports(),
  maxMemoryPages: 256,
};

function check(bytes: Uint8Array, options: Partial<ModuleCheckOptions> = {}) {
  return checkModule(bytes, { ...OPTIONS, ...options });
}

function messages(bytes: Uint8Array, options: Partial<ModuleCheckOptions> = {}): string[] {
  return check(bytes, options).problems.map((p) => p.message);
}

describe('checkModule', () => {
  it('accepts a plugin that follows ABI §2, and returns its shape', async () => {
    const result = check(await plugin());
    expect(result).toMatchObject({ ok: true, problems: [] });
    expect(result.shape?.exports.map((e) => e.name)).toEqual([
      'memory',
      'alloc',
      'dealloc',
      '_initialize',
      'tap_menu',
      'tap_perm',
    ]);
  });

  it('accepts a plugin without the optional dealloc and _initialize', async () => {
    expect(check(await plugin({ dealloc: '', initialize: '' })).problems).toEqual([]);
  });

  it('requires a memory export named "memory"', async () => {
    const result = check(await plugin({ memory: '(memory 1 16)' }));
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      {
        code: 'MODULE_INVALID',
        export: 'memory',
        message:
          'blog (blog.wasm): does not export "memory"; a plugin must export its linear memory under that name (ABI §2).',
      },
    ]);
    const asFunction = await plugin({ memory: '(memory 1 16)', extra: '(func (export "memory"))' });
    expect(messages(asFunction)).toEqual([
      'blog (blog.wasm): exports "memory" as a function, but it must be the plugin\'s linear memory (ABI §2).',
    ]);
  });

  it('requires alloc (i32) -> i32', async () => {
    expect(messages(await plugin({ alloc: '' }))).toEqual([
      'blog (blog.wasm): does not export "alloc" (i32) -> i32, which the kernel calls to pass input to taps (ABI §2).',
    ]);
    const wrong = await plugin({ alloc: '(func (export "alloc") (param i64) (result i32) i32.const 0)' });
    expect(messages(wrong)).toEqual([
      'blog (blog.wasm): "alloc" is exported with signature (i64) -> i32, but it must be (i32) -> i32 (ABI §2).',
    ]);
  });

  it('checks the signatures of dealloc and _initialize when they are present', async () => {
    const bytes = await plugin({
      dealloc: '(func (export "dealloc") (param i32))',
      initialize: '(func (export "_initialize") (result i32) i32.const 0)',
    });
    expect(messages(bytes)).toEqual([
      'blog (blog.wasm): "dealloc" is exported with signature (i32) -> (), but it must be (i32, i32) -> () (ABI §2).',
      'blog (blog.wasm): "_initialize" is exported with signature () -> i32, but it must be () -> () (ABI §2).',
    ]);
  });

  it('requires every declared tap, suggesting a close export name', async () => {
    const bytes = await plugin({ tapPerm: '(func (export "tap_prem") (param i32 i32) (result i64) i64.const 0)' });
    const result = check(bytes);
    expect(result.problems).toEqual([
      {
        code: 'MODULE_INVALID',
        export: 'tap_perm',
        message: 'blog (blog.wasm): tap "tap_perm" is declared but not exported by blog.wasm (did you mean "tap_prem"?).',
      },
    ]);
    expect(messages(await plugin(), { taps: ['tap_cron'] })).toEqual([
      'blog (blog.wasm): tap "tap_cron" is declared but not exported by blog.wasm.',
    ]);
  });

  it('shows the signature found for a tap with the wrong one', async () => {
    const bytes = await plugin({
      tapMenu: '(func (export "tap_menu") (param i32) (result i64) i64.const 0)',
      tapPerm: '(func (export "tap_perm") (param i32 i32) (result i32) i32.const 0)',
    });
    expect(messages(bytes)).toEqual([
      'blog (blog.wasm): tap "tap_menu" is exported with signature (i32) -> i64, but taps must be (i32, i32) -> i64.',
      'blog (blog.wasm): tap "tap_perm" is exported with signature (i32, i32) -> i32, but taps must be (i32, i32) -> i64.',
    ]);
    const global = await plugin({ tapPerm: '(global (export "tap_perm") i32 (i32.const 0))' });
    expect(messages(global)).toEqual([
      'blog (blog.wasm): tap "tap_perm" is exported as a global, but taps must be a function.',
    ]);
  });

  it('shows multi-value results in a wrong signature', async () => {
    const bytes = await plugin({ tapMenu: '(func (export "tap_menu") (param i32 i32) (result i32 i32) i32.const 0 i32.const 0)' });
    expect(messages(bytes)).toEqual([
      'blog (blog.wasm): tap "tap_menu" is exported with signature (i32, i32) -> (i32, i32), but taps must be (i32, i32) -> i64.',
    ]);
  });

  it('applies the tap rule to route callbacks', async () => {
    const bytes = await plugin({ extra: '(func (export "view_post") (param i32 i32) (result i64) i64.const 0) (func (export "list") (result i64) i64.const 0)' });
    expect(messages(bytes, { callbacks: ['view_post', 'list', 'veiw_post'] })).toEqual([
      'blog (blog.wasm): route callback "list" is exported with signature () -> i64, but route callbacks must be (i32, i32) -> i64.',
      'blog (blog.wasm): route callback "veiw_post" is declared but not exported by blog.wasm (did you mean "view_post"?).',
    ]);
  });

  it('names an unknown import module and lists the known ones', async () => {
    const result = check(await plugin({ imports: '(import "trovato:kernel/dbs" "select" (func (param i32 i32 i32 i32) (result i32)))' }));
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0].import).toEqual({ module: 'trovato:kernel/dbs', name: 'select' });
    const message = result.problems[0].message;
    expect(message).toMatch(
      /^blog \(blog\.wasm\): imports "trovato:kernel\/dbs"\."select", but the kernel provides no module "trovato:kernel\/dbs"\. Did you mean "trovato:kernel\/db"\? Known modules: /,
    );
    expect(message).toContain('env, ');
    expect(message).toContain('trovato:kernel/item-api, ');
    expect(message).toContain('wasi_snapshot_preview1.');
  });

  it('names an unknown import field and lists what its module provides', async () => {
    const bytes = await plugin({ imports: '(import "trovato:kernel/db" "selekt" (func (param i32 i32 i32 i32) (result i32)))' });
    expect(messages(bytes)).toEqual([
      'blog (blog.wasm): imports "trovato:kernel/db"."selekt", which the kernel does not provide (did you mean "select"?). ' +
        '"trovato:kernel/db" provides: select, insert, update, delete, query-raw, execute-raw.',
    ]);
  });

  it('shows both signatures for an import with another signature', async () => {
    const bytes = await plugin({ abort: '(import "env" "abort" (func (param i32 i32) (result i32)))' });
    expect(messages(bytes)).toEqual([
      'blog (blog.wasm): imports "env"."abort" with signature (i32, i32) -> i32, but the kernel provides it as (i32, i32, i32, i32) -> ().',
    ]);
  });

  it('refuses an imported memory, and counts it as the exported memory', async () => {
    const bytes = await plugin({
      imports: '(import "env" "memory" (memory 1))',
      memory: '(export "memory" (memory 0))',
    });
    expect(check(bytes).problems).toEqual([
      {
        code: 'MODULE_INVALID',
        import: { module: 'env', name: 'memory' },
        message:
          'blog (blog.wasm): imports a memory "env"."memory", but the kernel provides only functions: ' +
          'a plugin defines and exports its own memory (build without --importMemory).',
      },
    ]);
  });

  it('refuses imported tables and globals', async () => {
    const bytes = await plugin({ imports: '(import "env" "table" (table 1 funcref)) (import "env" "sp" (global i32))' });
    expect(messages(bytes)).toEqual([
      'blog (blog.wasm): imports a table "env"."table", but the kernel provides only functions: define the table inside the module instead.',
      'blog (blog.wasm): imports a global "env"."sp", but the kernel provides only functions: define the global inside the module instead.',
    ]);
  });

  it('refuses an initial memory or a declared maximum above the limit, in pages and MiB', async () => {
    const initial = check(await plugin({ memory: '(memory (export "memory") 300)' }));
    expect(initial.problems).toEqual([
      {
        code: 'MEMORY_LIMIT',
        message:
          'blog (blog.wasm): memory starts at 300 pages (18.75 MiB), above the limit of 256 pages (16 MiB). ' +
          'Lower the initial memory (AssemblyScript: --initialMemory) or raise the limit.',
      },
    ]);
    const maximum = check(await plugin({ memory: '(memory (export "memory") 1 65536)' }));
    expect(maximum.problems).toEqual([
      {
        code: 'MEMORY_LIMIT',
        message:
          'blog (blog.wasm): memory declares a maximum of 65536 pages (4096 MiB), above the limit of 256 pages (16 MiB). ' +
          'Lower the maximum (AssemblyScript: --maximumMemory) or declare none: growth is limited at run time.',
      },
    ]);
  });

  it('accepts a memory at the limit, and one without a maximum', async () => {
    expect(check(await plugin({ memory: '(memory (export "memory") 256 256)' })).ok).toBe(true);
    expect(check(await plugin({ memory: '(memory (export "memory") 1)' })).ok).toBe(true);
  });

  it('refuses shared and 64-bit memories', async () => {
    const shared = await plugin({ memory: '(memory (export "memory") 1 16 shared)' }, { threads: true });
    expect(messages(shared)).toEqual([
      'blog (blog.wasm): memory is shared (threads); the kernel has no SharedArrayBuffer to give it. Build without shared memory.',
    ]);
    const wide = await plugin(
      { memory: '(memory (export "memory") i64 1 16)', heap: '(global $heap (mut i32) (i32.const 0))' },
      { memory64: true },
    );
    expect(messages(wide)).toEqual([
      'blog (blog.wasm): memory is 64-bit (memory64), but plugins must be built for wasm32.',
    ]);
  });

  it('ignores custom sections', async () => {
    const bytes = await plugin();
    const custom = [0x00, 0x05, 0x04, 0x6e, 0x61, 0x6d, 0x65]; // an empty "name" section
    const withCustom = new Uint8Array([...bytes.subarray(0, 8), ...custom, ...bytes.subarray(8), ...custom]);
    expect(check(withCustom)).toEqual(check(bytes));
  });

  it('reports a file that is not wasm with the offset and a hint', () => {
    expect(check(new Uint8Array())).toEqual({
      ok: false,
      problems: [
        {
          code: 'MODULE_INVALID',
          message:
            'blog (blog.wasm): the file is not a valid WebAssembly module: the file is empty at byte 0 ' +
            '(is this file a .wasm built for wasm32?)',
        },
      ],
    });
    expect(messages(new TextEncoder().encode('<!doctype html><title>404</title>'))).toEqual([
      'blog (blog.wasm): the file is not a valid WebAssembly module: the file does not start with the WebAssembly ' +
        'magic bytes "\\0asm" at byte 0 (is this file a .wasm built for wasm32?)',
    ]);
  });

  it('gives the engine\'s reason when the sections read but a function body is invalid', async () => {
    const bytes = await plugin();
    bytes[bytes.length - 1] = 0xff; // the last body's `end` becomes an unknown opcode
    const [message] = messages(bytes);
    expect(message).toMatch(/^blog \(blog\.wasm\): the file is not a valid WebAssembly module: .*Compiling function/);
    expect(message).toMatch(/\(is this file a \.wasm built for wasm32\?\)$/);
  });

  it('refuses a module truncated at any length, one problem each, without throwing', async () => {
    const bytes = await plugin();
    for (let length = 0; length < bytes.length; length++) {
      const result = check(bytes.subarray(0, length));
      expect(result.ok, `cut at ${length}`).toBe(false);
      expect(result.problems.length).toBeGreaterThan(0);
    }
  });

  it('never throws on random bytes or on mutations of a valid module', async () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const result = check(bytes);
        expect(result.ok).toBe(false);
        expect(result.problems[0].message).toMatch(/^blog \(blog\.wasm\): /);
      }),
      { numRuns: 1000 },
    );
    const good = await plugin();
    const mutation = fc.array(fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 4,
    });
    fc.assert(
      fc.property(mutation, (changes) => {
        const bytes = good.slice();
        for (const [at, value] of changes) bytes[at] = value;
        const result = check(bytes);
        expect(result.ok).toBe(result.problems.length === 0);
        expect(readModuleShape(bytes).ok === false && result.ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('checkExportSignature', () => {
  it('returns null for a matching export and a sentence otherwise', async () => {
    const read = readModuleShape(await plugin({ extra: '(func (export "view_post") (param i32) (result i64) i64.const 0)' }));
    if (!read.ok) throw new Error(read.message);
    expect(checkExportSignature(read.shape, 'tap_menu', TAP_SIGNATURE)).toBeNull();
    expect(checkExportSignature(read.shape, 'view_post', TAP_SIGNATURE)).toBe(
      '"view_post" is exported with signature (i32) -> i64, but it must be (i32, i32) -> i64.',
    );
    expect(checkExportSignature(read.shape, 'view_pots', TAP_SIGNATURE)).toBe(
      '"view_pots" is not exported by the module (did you mean "view_post"?).',
    );
    expect(checkExportSignature(read.shape, 'memory', TAP_SIGNATURE)).toBe(
      '"memory" is exported as a memory, but it must be a function.',
    );
  });
});

describe('formatSignature', () => {
  it('writes single results bare and none or several in parentheses', () => {
    expect(formatSignature({ params: ['i32', 'i32'], results: ['i64'] })).toBe('(i32, i32) -> i64');
    expect(formatSignature({ params: [], results: [] })).toBe('() -> ()');
    expect(formatSignature({ params: ['f64'], results: ['i32', 'externref'] })).toBe('(f64) -> (i32, externref)');
  });
});
