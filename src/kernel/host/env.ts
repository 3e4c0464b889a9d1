/**
 * AssemblyScript's `env` imports. `abort` is how an AssemblyScript plugin fails (an assertion,
 * an out-of-bounds array access, running out of memory): it becomes a PluginAbort that the
 * dispatcher reports with the plugin's own message, file, line and column.
 */
import type { CurrentCall, ActiveCall } from './abi.js';

/** Thrown out of `env.abort`; unwinds the plugin's stack and fails that handler only. */
export class PluginAbort extends Error {
  override readonly name = 'PluginAbort';
  constructor(
    readonly abortMessage: string,
    readonly file: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${abortMessage || 'abort'}${file ? ` at ${file}:${line}:${column}` : ''}`);
  }
}

/** Reads an AssemblyScript string (UTF-16, byte length in the header word before it). */
export function readAssemblyScriptString(memory: WebAssembly.Memory, ptr: number): string {
  const p = ptr >>> 0;
  const size = memory.buffer.byteLength;
  if (p < 4 || p > size) return '';
  const byteLength = new DataView(memory.buffer).getUint32(p - 4, true);
  // A hostile or corrupt header must not make us read past memory or build a huge string.
  const safeLength = Math.min(byteLength, size - p, 64 * 1024) & ~1;
  const units = new Uint16Array(memory.buffer.slice(p, p + safeLength));
  let text = '';
  for (let i = 0; i < units.length; i += 4096) text += String.fromCharCode(...units.subarray(i, i + 4096));
  return text;
}

export interface EnvHooks {
  /** AssemblyScript's `trace()`: a debug log line for the calling plugin. */
  trace(call: ActiveCall, message: string): void;
}

export function createEnvImports(calls: CurrentCall, hooks: EnvHooks): Record<string, (...args: number[]) => number | void> {
  return {
    abort(messagePtr: number, filePtr: number, line: number, column: number): void {
      const { memory } = calls.current();
      throw new PluginAbort(
        readAssemblyScriptString(memory, messagePtr),
        readAssemblyScriptString(memory, filePtr),
        line >>> 0,
        column >>> 0,
      );
    },
    trace(messagePtr: number, count: number, ...values: number[]): void {
      const call = calls.current();
      const shown = values.slice(0, Math.max(0, Math.min(count, 5)));
      hooks.trace(call, `${readAssemblyScriptString(call.memory, messagePtr)}${shown.length ? ' ' + shown.join(', ') : ''}`);
    },
    seed(): number {
      return Math.random() * Number.MAX_SAFE_INTEGER;
    },
    // The request's time, not the wall clock: one request sees one instant, so a plugin that
    // compares "now" twice in a request never sees it move, and tests can fix it.
    'Date.now'(): number {
      return calls.current().request.now;
    },
  };
}
