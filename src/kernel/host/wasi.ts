/**
 * `wasi_snapshot_preview1` through @bjorn3/browser_wasi_shim, so modules built for
 * wasm32-wasip1 load as they are. There is no file system, no network and no arguments:
 * clocks and random work, and stdout/stderr become the calling plugin's log lines.
 */
import { ConsoleStdout, OpenFile, File, WASI } from '@bjorn3/browser_wasi_shim';
import type { CallStack } from './abi.js';
import { WASI_FUNCTIONS } from './imports.js';

export type WasiOutput = (stream: 'stdout' | 'stderr', line: string) => void;

/** One WASI instance per plugin; it always acts on the memory of the call in progress. */
export function createWasiImports(calls: CallStack, output: WasiOutput): Record<string, (...args: never[]) => unknown> {
  const wasi = new WASI(
    [],
    [],
    [
      new OpenFile(new File(new Uint8Array(0), { readonly: true })),
      ConsoleStdout.lineBuffered((line) => output('stdout', line)),
      ConsoleStdout.lineBuffered((line) => output('stderr', line)),
    ],
  );
  const imports: Record<string, (...args: never[]) => unknown> = {};
  for (const name of Object.keys(WASI_FUNCTIONS)) {
    const shim = wasi.wasiImport[name];
    if (!shim) throw new Error(`The WASI shim lacks ${name}; update WASI_FUNCTIONS in host/imports.ts.`);
    imports[name] = (...args: never[]) => {
      // The shim reads memory through `inst`; point it at whoever is calling now.
      wasi.inst = { exports: { memory: calls.current().memory } };
      const result = shim(...args);
      // The shim returns nothing from a few calls that must return an errno (random_get).
      return result === undefined ? 0 : result;
    };
  }
  return imports;
}
