import { beforeAll, describe, expect, it } from 'vitest';
import { CANCELLED_MESSAGE, compilePlugin, formatDiagnostic } from './compile-plugin.js';
import { sdkFiles } from '../../test/sdk/support.js';

describe('compilePlugin', () => {
  let sdk: Record<string, string>;
  beforeAll(async () => {
    sdk = await sdkFiles();
  });

  it('compiles a plugin from an in-memory file map, exporting its taps and the memory functions', async () => {
    const entry = 'plugins/mini/index.ts';
    const source = `import { JsonValue, tap } from "../../sdk";
export { alloc, dealloc } from "../../sdk";
export function tap_cron(ptr: i32, len: i32): i64 { return tap(ptr, len, (v: JsonValue): JsonValue | null => null); }
`;
    const result = await compilePlugin({ files: { ...sdk, [entry]: source }, entry, optimize: false });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(result.wasm as BufferSource)).map((e) => e.name);
    expect(exports.sort()).toEqual(['alloc', 'dealloc', 'memory', 'tap_cron']);
  }, 180_000);

  it('reports type errors with file, line and column', async () => {
    const entry = 'plugins/broken/index.ts';
    const source = `export { alloc, dealloc } from "../../sdk";\n\nexport function f(): i32 {\n  let s: string = 5;\n  return 0;\n}\n`;
    const result = await compilePlugin({ files: { ...sdk, [entry]: source }, entry, optimize: false });
    expect(result.ok).toBe(false);
    const error = result.diagnostics.find((d) => d.severity === 'error');
    expect(error).toMatchObject({ file: entry, line: 4, column: 19 });
    expect(formatDiagnostic(error!)).toMatch(/^plugins\/broken\/index\.ts:4:19: error: Type 'i32' is not assignable/);
  }, 180_000);

  it('reports one syntax error once, without the errors the parser cascades from it', async () => {
    const entry = 'plugins/typo/index.ts';
    // The missing ':' also makes the compiler report a 'return' outside a function body and a
    // function without its implementation.
    const source = `export { alloc, dealloc } from "../../sdk";\nexport function f(a: i32) i32 {\n  return a;\n}\n`;
    const result = await compilePlugin({ files: { ...sdk, [entry]: source }, entry, optimize: false });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map(formatDiagnostic)).toEqual(['plugins/typo/index.ts:2:26: error: Type expected.']);
  }, 180_000);

  it('reports an import that resolves to no file', async () => {
    const entry = 'plugins/lost/index.ts';
    const result = await compilePlugin({ files: { [entry]: 'import { x } from "./nowhere";\nexport const y = x;\n' }, entry });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map(formatDiagnostic).join('\n')).toMatch(/nowhere/);
  }, 180_000);

  it('refuses an entry that is not among the files', async () => {
    const result = await compilePlugin({ files: {}, entry: 'plugins/x/index.ts' });
    expect(result).toEqual({
      ok: false,
      diagnostics: [expect.objectContaining({ severity: 'error', file: 'plugins/x/index.ts', message: expect.stringMatching(/not among the sources/) })],
    });
  });
  it('stops a compile whose signal is aborted at its next file read, and says it was cancelled', async () => {
    const entry = 'plugins/mini/index.ts';
    const abort = new AbortController();
    const pending = compilePlugin({ files: { ...sdk, [entry]: 'export { alloc, dealloc } from "../../sdk";\n' }, entry, optimize: false, signal: abort.signal });
    abort.abort();
    expect(await pending).toEqual({ ok: false, diagnostics: [{ severity: 'error', message: CANCELLED_MESSAGE, file: entry, line: 0, column: 0 }] });
  }, 180_000);
});
