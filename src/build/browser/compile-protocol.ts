/** Messages between the playground page and its compile worker (types only). */
import type { CompileResult } from '../compile-plugin.js';

export interface CompileRequest {
  id: number;
  files: Record<string, string>;
  entry: string;
  /** Run binaryen's optimizer (see compile-plugin.ts); the playground's preview builds skip it. */
  optimize: boolean;
}

/** Load the compiler now (download, start-up), so that the first compile finds it ready. */
export interface WarmUpRequest {
  type: 'warm-up';
}

export type CompileWorkerRequest =
  | (CompileRequest & { type: 'compile' })
  /**
   * Compile these files again in the background while no compile waits, so the compiler's code
   * is optimised by the next compile (compile-scheduler.ts); answered 'warmed-up' or 'failed'.
   */
  | (CompileRequest & { type: 'warm-up-compiles' })
  | WarmUpRequest;

export type CompileWorkerMessage =
  | { type: 'progress'; loaded: number; total: number }
  /** The compiler is loaded (after a warm-up request, or before the first compile); ms since the worker started. */
  | { type: 'ready'; ms: number; wasmCompiledMs: number; importedMs: number }
  /** Loading the compiler failed (a compile request gets its own 'failed'). */
  | { type: 'unavailable'; error: string }
  /** The compiler is downloaded and compiling has started. */
  | { type: 'compiling'; id: number }
  | { type: 'result'; id: number; result: CompileResult; ms: number }
  /** A 'warm-up-compiles' request is done: how many ran (a compile asked meanwhile cancels the rest), and each one's ms. */
  | { type: 'warmed-up'; id: number; ran: number; ms: number[] }
  | { type: 'failed'; id: number; error: string };
