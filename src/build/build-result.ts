/**
 * What building one plugin folder takes and gives, for either language: build-plugins.ts
 * (AssemblyScript) and build-rust.ts (Rust) both answer with it.
 */
import type { Diagnostic } from './compile-plugin.js';

export interface BuildOptions {
  /** The SDK source folder; default `<dir>/../../sdk` when it exists, else the bundled SDK. */
  sdkDir?: string;
  /** Rebuild even when the output is newer than every source. */
  force?: boolean;
  /** Default true. */
  optimize?: boolean;
  /**
   * An unoptimized build dated before its newest source, so that the next build that is not
   * quick takes it for out of date and optimizes it (`trovato dev` shows one while the
   * optimized build is made). AssemblyScript only: a Rust build is built as usual.
   */
  quick?: boolean;
  /** Cancels an AssemblyScript compile at the next source file it reads (CompileOptions.signal). */
  signal?: AbortSignal;
}

export interface PluginBuildResult {
  name: string;
  /**
   * `up-to-date`: nothing changed since the last build, so nothing was compiled. `skipped`: a
   * Rust plugin on a machine without the Rust toolchain (a diagnostic says how to install it).
   */
  status: 'built' | 'up-to-date' | 'failed' | 'skipped';
  diagnostics: Diagnostic[];
  /** The written wasm file (also for `up-to-date`); absent when the build failed. */
  wasmPath?: string;
  /** The written wasm is a quick build (`BuildOptions.quick`): a later build will optimize it. */
  unoptimized?: true;
}
