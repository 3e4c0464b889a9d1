/** Messages between the playground page and its compile worker (types only). */
import type { CompileResult } from '../src/build/compile-plugin.js';

export interface CompileRequest {
  id: number;
  files: Record<string, string>;
  entry: string;
}

export type CompileWorkerMessage =
  | { type: 'progress'; loaded: number; total: number }
  /** The compiler is downloaded and compiling has started. */
  | { type: 'compiling'; id: number }
  | { type: 'result'; id: number; result: CompileResult; ms: number }
  | { type: 'failed'; id: number; error: string };
