/**
 * WAT -> wasm for tests, through wabt. The wabt instance is created once per test file: it is
 * a large Emscripten module and each instantiation costs far more than a parse.
 */
import createWabt from 'wabt';

type Wabt = Awaited<ReturnType<typeof createWabt>>;

/** Post-MVP features a fixture's text may use (whether the engine accepts them is another matter). */
export interface WatFeatures {
  threads?: boolean;
  memory64?: boolean;
  exceptions?: boolean;
  multi_memory?: boolean;
}

let wabt: Promise<Wabt> | undefined;

/**
 * Assembles WebAssembly text into a binary. Throws wabt's error (with line and column) on a
 * syntax error, so a broken fixture fails its test loudly.
 *
 * @example
 * const bytes = await wat('(module (memory (export "memory") 1))');
 */
export async function wat(text: string, features: WatFeatures = {}): Promise<Uint8Array> {
  wabt ??= createWabt();
  // wabt already enables multi-value, bulk memory, reference types and SIMD by default.
  const enabled = { extended_const: true, ...features };
  const module = (await wabt).parseWat('fixture.wat', text, enabled);
  try {
    module.resolveNames();
    // wabt's typings omit validate's features argument; without it, validation ignores them.
    (module.validate as (this: typeof module, features: WatFeatures) => void).call(module, enabled);
    // Copy: the returned view may point into wabt's heap, which the next call reuses.
    return module.toBinary({}).buffer.slice();
  } finally {
    module.destroy();
  }
}
