/**
 * Binaryen's size optimisation (what `wasm-opt -Oz` does) for modules built by rustc, which
 * stop short of it even at opt-level "z": about 14 % smaller notes.wasm, so the page downloads
 * and compiles less. AssemblyScript runs the same optimiser itself. Binaryen is the one the
 * AssemblyScript compiler already depends on, loaded only when a Rust plugin is built.
 */

/** The wasm features rustc's wasm32 target emits and the kernel's loader accepts. */
function rustFeatures(binaryen: typeof import('binaryen').default): number {
  const f = binaryen.Features;
  return f.MutableGlobals | f.NontrappingFPToInt | f.BulkMemory | f.BulkMemoryOpt | f.SignExt | f.ReferenceTypes | f.Multivalue;
}

/** `wasm` optimised for size, or an Error saying why Binaryen refused it (the caller keeps the original). */
export async function shrinkWasm(wasm: Uint8Array): Promise<Uint8Array | Error> {
  const { default: binaryen } = await import('binaryen');
  let module: ReturnType<typeof binaryen.readBinary> | undefined;
  try {
    module = binaryen.readBinaryWithFeatures(wasm, rustFeatures(binaryen));
    binaryen.setOptimizeLevel(2);
    binaryen.setShrinkLevel(2);
    module.optimize();
    if (!module.validate()) return new Error('Binaryen produced a module that does not validate');
    const shrunk = module.emitBinary();
    return shrunk.length < wasm.length ? shrunk : wasm;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  } finally {
    module?.dispose();
  }
}
