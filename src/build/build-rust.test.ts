import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildAll, buildPluginDir } from './build-plugins.js';
import { cargoBuildArgs, parseCargoOutput, RUST_INSTALL_COMMAND, RUST_SDK_DIR, rustToolchain } from './build-rust.js';

const ROOT = resolve(import.meta.dirname, '../..');

// Scratch copies of hello (AssemblyScript) and notes (Rust), so files can be changed freely.
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'trovato-build-rust-'));
  await cp(join(ROOT, 'sdk'), join(work, 'sdk'), { recursive: true });
  await cp(join(ROOT, 'plugins/hello'), join(work, 'plugins/hello'), { recursive: true });
  await cp(join(ROOT, 'plugins/notes'), join(work, 'plugins/notes'), { recursive: true, filter: (path) => !path.endsWith('Cargo.lock') });
  // The copy is not beside sdk-rust/: point its path dependency at the real one.
  const cargo = join(work, 'plugins/notes/Cargo.toml');
  await writeFile(cargo, (await readFile(cargo, 'utf8')).replace('../../sdk-rust/trovato-sdk', join(RUST_SDK_DIR, 'trovato-sdk')));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const savedCargo = process.env.TROVATO_CARGO;
afterEach(() => {
  if (savedCargo === undefined) delete process.env.TROVATO_CARGO;
  else process.env.TROVATO_CARGO = savedCargo;
});

describe('Rust plugin folders', () => {
  it('build with cargo into <out>/<name>/ beside the manifest, then are up to date until a source changes', async () => {
    const out = join(work, 'out-built');
    const first = await buildPluginDir(join(work, 'plugins/notes'), out);
    expect(first.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(first.status).toBe('built');
    expect(first.wasmPath).toBe(join(out, 'notes', 'notes.wasm'));
    const wasm = await readFile(join(out, 'notes/notes.wasm'));
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(wasm)).map((e) => e.name);
    expect(exports).toEqual(expect.arrayContaining(['memory', 'alloc', 'dealloc', 'tap_item_info', 'tap_perm', 'tap_menu', 'tap_item_access', 'notes_list', 'notes_page']));
    // No WASI and nothing outside the contract: only trovato:kernel/* and env.abort.
    const modules = new Set(WebAssembly.Module.imports(new WebAssembly.Module(wasm)).map((i) => i.module));
    expect([...modules].every((m) => m.startsWith('trovato:kernel/') || m === 'env')).toBe(true);
    expect(await readFile(join(out, 'notes/notes.info.toml'), 'utf8')).toBe(await readFile(join(work, 'plugins/notes/notes.info.toml'), 'utf8'));

    expect((await buildPluginDir(join(work, 'plugins/notes'), out)).status).toBe('up-to-date');
    const later = new Date((await stat(join(out, 'notes/notes.wasm'))).mtimeMs + 5000);
    await utimes(join(work, 'plugins/notes/src/lib.rs'), later, later);
    expect((await buildPluginDir(join(work, 'plugins/notes'), out)).status).toBe('built');
  }, 600_000);

  it('report compile errors at file:line:column, and a crate that is not a cdylib with the fix', async () => {
    const broken = join(work, 'plugins-broken/notes');
    await cp(join(work, 'plugins/notes'), broken, { recursive: true });
    const lib = join(broken, 'src/lib.rs');
    await writeFile(lib, (await readFile(lib, 'utf8')).replace('AccessResult::Grant', 'AccessResult::Granted'));
    const result = await buildPluginDir(broken, join(work, 'out-broken'), { force: true });
    expect(result.status).toBe('failed');
    const at = result.diagnostics.find((d) => d.severity === 'error' && /Granted/.test(d.message));
    expect(at).toMatchObject({ file: join(broken, 'src/lib.rs'), line: expect.any(Number), column: expect.any(Number) });
    expect(at!.line).toBeGreaterThan(0);

    const cargo = join(broken, 'Cargo.toml');
    await writeFile(cargo, (await readFile(cargo, 'utf8')).replace('crate-type = ["cdylib"]', 'crate-type = ["rlib"]'));
    const notCdylib = await buildPluginDir(broken, join(work, 'out-broken'), { force: true });
    expect(notCdylib.status).toBe('failed');
    expect(notCdylib.diagnostics[0].message).toBe('notes: Cargo.toml must say [lib] crate-type = ["cdylib"]: a plugin is a wasm module, which cargo only writes for a cdylib.');
  }, 600_000);

  it('are skipped, with the apt-get command, when the toolchain is missing; the other plugins still build', async () => {
    process.env.TROVATO_CARGO = join(work, 'no-such-cargo');
    const out = join(work, 'out-no-rust');
    const result = await buildAll(join(work, 'plugins'), out, { optimize: false });
    expect(result.results.map((r) => [r.name, r.status])).toEqual([
      ['hello', 'built'],
      ['notes', 'skipped'],
    ]);
    expect(result.ok).toBe(true);
    expect(result.results[1].diagnostics[0].message).toContain(`Debian's Rust toolchain is missing (cargo (${join(work, 'no-such-cargo')}))`);
    expect(result.results[1].diagnostics[0].message).toContain(RUST_INSTALL_COMMAND);
    expect(JSON.parse(await readFile(join(out, 'plugins.json'), 'utf8'))).toEqual({ plugins: ['hello'] });
  }, 120_000);
});

describe('the cargo command line', () => {
  it("uses Debian's crate folder as the only source, offline, for wasm32-unknown-unknown", () => {
    const args = cargoBuildArgs('/p/Cargo.toml', rustToolchain({}));
    expect(args.slice(0, 5)).toEqual(['build', '--release', '--offline', '--target', 'wasm32-unknown-unknown']);
    expect(args).toContain('source.crates-io.replace-with="debian-packages"');
    expect(args).toContain('source.debian-packages.directory="/usr/share/cargo/registry"');
    expect(rustToolchain({})).toMatchObject({ cargo: '/usr/bin/cargo', rustc: '/usr/bin/rustc' });
  });

  it('reads short-format diagnostics into file, line, column and message', () => {
    const output = [
      '   Compiling notes v1.0.0 (/p)',
      'src/lib.rs:41:24: error[E0599]: no variant named `Granted` found for enum `AccessResult`',
      'src/lib.rs:3:5: warning: unused import: `Value`',
      "error: could not compile `notes` due to previous error",
    ].join('\n');
    expect(parseCargoOutput(output, '/p')).toEqual([
      { severity: 'error', message: 'no variant named `Granted` found for enum `AccessResult`', file: '/p/src/lib.rs', line: 41, column: 24 },
      { severity: 'warning', message: 'unused import: `Value`', file: '/p/src/lib.rs', line: 3, column: 5 },
    ]);
  });
});
