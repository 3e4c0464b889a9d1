import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildAll, buildPluginDir } from './build-plugins.js';

const ROOT = resolve(import.meta.dirname, '../..');

// A scratch copy of the SDK and the hello plugin, so mtimes can be changed freely.
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'trovato-build-'));
  await cp(join(ROOT, 'sdk'), join(work, 'sdk'), { recursive: true });
  await cp(join(ROOT, 'plugins/hello'), join(work, 'plugins/hello'), { recursive: true });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('buildAll', () => {
  it('writes each plugin and plugins.json, then skips what is up to date and rebuilds what changed', async () => {
    const out = join(work, 'public');
    const first = await buildAll(join(work, 'plugins'), out, { optimize: false });
    expect(first.results.map((r) => [r.name, r.status])).toEqual([['hello', 'built']]);
    expect(JSON.parse(await readFile(join(out, 'plugins.json'), 'utf8'))).toEqual({ plugins: ['hello'] });
    const wasm = await readFile(join(out, 'hello/hello.wasm'));
    expect(WebAssembly.validate(wasm)).toBe(true);
    expect(await readFile(join(out, 'hello/hello.info.toml'), 'utf8')).toBe(await readFile(join(work, 'plugins/hello/hello.info.toml'), 'utf8'));

    const again = await buildAll(join(work, 'plugins'), out, { optimize: false });
    expect(again.results.map((r) => r.status)).toEqual(['up-to-date']);

    // An SDK change must rebuild: plugins compile the SDK into themselves.
    const later = new Date((await stat(join(out, 'hello/hello.wasm'))).mtimeMs + 5000);
    await utimes(join(work, 'sdk/json.ts'), later, later);
    const afterSdkChange = await buildAll(join(work, 'plugins'), out, { optimize: false });
    expect(afterSdkChange.results.map((r) => r.status)).toEqual(['built']);
  }, 120_000);
});

describe('buildPluginDir', () => {
  it('dates a quick build before its sources, so that the next build makes it again', async () => {
    // A copy of its own: the test above dates an SDK file in the future.
    const own = join(work, 'quick-case');
    await cp(join(ROOT, 'sdk'), join(own, 'sdk'), { recursive: true });
    await cp(join(ROOT, 'plugins/hello'), join(own, 'plugins/hello'), { recursive: true });
    const out = join(own, 'public');
    const dir = join(own, 'plugins/hello');
    const quick = await buildPluginDir(dir, out, { quick: true });
    expect(quick.status).toBe('built');
    expect(quick.unoptimized).toBe(true);
    expect(WebAssembly.validate(await readFile(join(out, 'hello/hello.wasm')))).toBe(true);
    // Not forced, yet built again: what dev showed first is never taken for the finished build.
    const again = await buildPluginDir(dir, out, { optimize: false });
    expect(again.status).toBe('built');
    expect(again.unoptimized).toBeUndefined();
    expect((await buildPluginDir(dir, out, { optimize: false })).status).toBe('up-to-date');
  }, 120_000);

  it('fails with file:line:column diagnostics pointing at the real source file', async () => {
    const dir = join(work, 'plugins/broken');
    await cp(join(work, 'plugins/hello'), dir, { recursive: true });
    await rm(join(dir, 'hello.info.toml'));
    await writeFile(join(dir, 'broken.info.toml'), 'name = "broken"\ndescription = "x"\nversion = "1.0.0"\n[taps]\nimplements = ["tap_menu"]\n');
    await writeFile(join(dir, 'index.ts'), 'export { alloc, dealloc } from "../../sdk";\nexport function tap_menu(ptr: i32, len: i32): i64 {\n  return "no";\n}\n');
    const result = await buildPluginDir(dir, join(work, 'public'), { optimize: false });
    expect(result.status).toBe('failed');
    expect(result.diagnostics[0]).toMatchObject({ severity: 'error', file: join(dir, 'index.ts'), line: 3, column: 10 });
    await rm(dir, { recursive: true });
  }, 180_000);

  it('fails when a declared tap is not exported', async () => {
    const dir = join(work, 'plugins/liar');
    await cp(join(work, 'plugins/hello'), dir, { recursive: true });
    await rm(join(dir, 'hello.info.toml'));
    await writeFile(join(dir, 'liar.info.toml'), 'name = "liar"\ndescription = "x"\nversion = "1.0.0"\n[taps]\nimplements = ["tap_menu", "tap_cron"]\n');
    const result = await buildPluginDir(dir, join(work, 'public'), { optimize: false });
    expect(result.status).toBe('failed');
    expect(result.diagnostics.at(-1)?.message).toMatch(/does not export tap_cron/);
    await rm(dir, { recursive: true });
  }, 180_000);

  it('refuses a folder without a manifest, naming the file it expected', async () => {
    const dir = join(work, 'plugins/bare');
    await cp(join(work, 'plugins/hello'), dir, { recursive: true });
    await rm(join(dir, 'hello.info.toml'));
    const result = await buildPluginDir(dir, join(work, 'public'));
    expect(result).toMatchObject({ status: 'failed', diagnostics: [{ message: expect.stringMatching(/no manifest bare\.info\.toml/) }] });
    await rm(dir, { recursive: true });
  });

  it('reports manifest errors from the kernel validator', async () => {
    const dir = join(work, 'plugins/badmanifest');
    await cp(join(work, 'plugins/hello'), dir, { recursive: true });
    await rm(join(dir, 'hello.info.toml'));
    await writeFile(join(dir, 'badmanifest.info.toml'), 'name = "badmanifest"\ndescription = "x"\nversion = "1.0.0"\n[taps]\nimplements = ["tap_menuu"]\n');
    const result = await buildPluginDir(dir, join(work, 'public'));
    expect(result.status).toBe('failed');
    expect(result.diagnostics.map((d) => d.message).join('\n')).toMatch(/tap_menu/);
    await rm(dir, { recursive: true });
  });
});
