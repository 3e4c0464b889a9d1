/**
 * binaryen as the playground serves it (binaryen-vendor.ts): its JavaScript without
 * the embedded wasm, the wasm as a file of its own, and the slot that hands the compiled module
 * over. Loaded here from a folder the way the compile worker loads it from the site, then used.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { splitBinaryen, WASM_FILE, WASM_SLOT_FILE, WASM_SLOT_SOURCE } from './binaryen-vendor.js';

const binaryenPath = createRequire(import.meta.url).resolve('binaryen');

describe('binaryen split for the playground', () => {
  it('serves binaryen as 0.2 MB of JavaScript and its wasm apart, and the split binaryen builds a module', async () => {
    const { js, wasm } = splitBinaryen(await readFile(binaryenPath, 'utf8'));
    expect(js.length).toBeLessThan(1_000_000);
    expect(WebAssembly.validate(wasm as BufferSource)).toBe(true);

    const dir = await mkdtemp(join(tmpdir(), 'trovato-binaryen-'));
    try {
      await writeFile(join(dir, 'binaryen.js'), js);
      await writeFile(join(dir, WASM_SLOT_FILE), WASM_SLOT_SOURCE);
      await writeFile(join(dir, WASM_FILE), wasm);
      const slot = (await import(pathToFileURL(join(dir, WASM_SLOT_FILE)).href)) as { provideModule(module: Promise<WebAssembly.Module>): void };
      slot.provideModule(WebAssembly.compile(await readFile(join(dir, WASM_FILE))));
      const { default: binaryen } = (await import(pathToFileURL(join(dir, 'binaryen.js')).href)) as { default: typeof import('binaryen').default };
      const module = new binaryen.Module();
      module.addFunction('add', binaryen.createType([binaryen.i32, binaryen.i32]), binaryen.i32, [], module.i32.add(module.local.get(0, binaryen.i32), module.local.get(1, binaryen.i32)));
      module.addFunctionExport('add', 'add');
      expect(module.validate()).toBeTruthy();
      const instance = new WebAssembly.Instance(new WebAssembly.Module(module.emitBinary() as BufferSource));
      expect((instance.exports.add as (a: number, b: number) => number)(2, 40)).toBe(42);
      module.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses a binaryen without the embedded literal, saying what to update', () => {
    expect(() => splitBinaryen('export default 1;')).toThrow(/no embedded wasm literal.*update binaryen-vendor\.ts/);
  });
});
