/**
 * The host side of ABI §4: reading arguments out of a plugin's memory, writing results back
 * with the buffer convention, error codes and `last-error`. Host functions are written as plain
 * TypeScript over decoded strings (`HostImpl`); `adaptHostFunction` turns one into the raw
 * wasm import, so no host function handles pointers itself.
 */
import type { HostFunctionSpec } from '../contract/imports.js';
import type { RequestState } from '../request/request-state.js';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../common/json-depth.js';
import { ARGUMENT_LIMITS } from '../common/limits.js';
import { chargeFuel, hostCallCost, OutOfFuel } from '../plugin/fuel.js';
import { HostCode, HostFailure, type HostCodeValue } from '../contract/host-codes.js';
import { markWritten, type WrittenRange } from '../plugin/written-range.js';
import { NotLoaded } from '../common/not-loaded.js';

/** What a host function knows about the code that called it. */
export interface ActiveCall {
  /** The plugin whose code is running: the real caller, whatever the plugin claims. */
  readonly plugin: string;
  readonly memory: WebAssembly.Memory;
  readonly request: RequestState;
  /** The message `errors.last-error` returns. */
  lastError: string;
  /** A result that did not fit its buffer, kept so the retry does not run the call twice. */
  pending: PendingResult | null;
  /** The running instance's fuel counter (plugin/fuel.ts): host calls are charged to it. Absent when unmetered. */
  readonly fuel?: WebAssembly.Global | null;
  /** The instance's written range (tap/written-range.ts): every host write into its memory widens it. */
  readonly written?: WrittenRange | null;
}

export interface PendingResult {
  readonly key: string;
  readonly bytes: Uint8Array;
}

/** What a host function needs of the call stack: the call it acts for. */
export interface CurrentCall {
  current(): ActiveCall;
  /** Runs `task` when `call` ends (WASI output flushes a call's unterminated line this way). */
  atEnd(call: ActiveCall, task: () => void): void;
}

/** The calls in progress, innermost last (plugin-api.invoke nests calls). */
export class CallStack {
  readonly #calls: ActiveCall[] = [];
  readonly #atEnd = new WeakMap<ActiveCall, Array<() => void>>();
  /** Calls in progress that have tasks registered with `atEnd`. */
  #waiting = 0;

  push(call: ActiveCall): void {
    this.#calls.push(call);
  }

  /** Ends the innermost call, after running what was registered with `atEnd` for it. */
  pop(): void {
    // Most calls register nothing: they end without a lookup.
    if (this.#waiting === 0) {
      this.#calls.pop();
      return;
    }
    const call = this.#calls[this.#calls.length - 1];
    const tasks = call ? this.#atEnd.get(call) : undefined;
    if (tasks) this.#waiting--;
    try {
      // Still the current call while they run, so what they record is attributed to it.
      for (const task of tasks ?? []) task();
    } finally {
      if (call) this.#atEnd.delete(call);
      this.#calls.pop();
    }
  }

  /** Runs `task` when `call` ends (WASI output flushes a call's unterminated line this way). */
  atEnd(call: ActiveCall, task: () => void): void {
    const tasks = this.#atEnd.get(call);
    if (tasks) tasks.push(task);
    else {
      this.#atEnd.set(call, [task]);
      this.#waiting++;
    }
  }

  get depth(): number {
    return this.#calls.length;
  }

  /** The innermost call. Host functions only run inside one, so its absence is a kernel bug. */
  current(): ActiveCall {
    const call = this.#calls[this.#calls.length - 1];
    if (!call) throw new Error('A host function ran outside of any plugin call.');
    return call;
  }
}

/**
 * A host function over decoded arguments. Data-returning functions return the result (a
 * string or bytes, written with the buffer convention); status functions return a number.
 * Extra integer arguments (after the strings) arrive in `numbers`; `byteLengths` are the
 * strings' UTF-8 sizes as the plugin passed them (for quotas, without re-encoding).
 */
export type HostImpl = (call: ActiveCall, strings: string[], numbers: number[], byteLengths: number[]) => string | Uint8Array | number;

/** Implementations per interface and function name, as in HOST_FUNCTIONS. */
export type HostImplementations = Record<string, Record<string, HostImpl>>;

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Reads `len` bytes of UTF-8 at `ptr`, or throws a HostFailure naming the argument. */
export function readString(memory: WebAssembly.Memory, ptr: number, len: number, what: string): string {
  const p = ptr >>> 0;
  const n = len >>> 0;
  const size = memory.buffer.byteLength;
  if (p + n > size) {
    throw new HostFailure(
      HostCode.badArguments,
      `${what} points past the end of memory (ptr ${p}, len ${n}, memory ${size} bytes).`,
    );
  }
  if (n === 0) return '';
  try {
    return strictUtf8.decode(new Uint8Array(memory.buffer, p, n));
  } catch {
    throw new HostFailure(HostCode.badArguments, `${what} is not valid UTF-8.`);
  }
}

/** Parses a JSON argument, or throws a HostFailure that says which argument and why. */
export function parseJsonArgument(text: string, what: string): unknown {
  if (jsonDepthExceeds(text)) throw new HostFailure(HostCode.badArguments, `${what} is nested more than ${MAX_JSON_DEPTH} levels deep.`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HostFailure(HostCode.badArguments, `${what} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Writes `bytes` at (outPtr, outMax) following the buffer convention and returns what the
 * plugin sees: the byte count (which exceeds outMax when nothing was written).
 */
function writeResult(call: ActiveCall, outPtr: number, outMax: number, bytes: Uint8Array): number {
  const { memory } = call;
  const p = outPtr >>> 0;
  const max = outMax >>> 0;
  if (bytes.length > max) return bytes.length;
  if (p + bytes.length > memory.buffer.byteLength) {
    throw new HostFailure(HostCode.badArguments, `The output buffer (ptr ${p}, max ${max}) lies past the end of memory.`);
  }
  markWritten(call.written, p, p + bytes.length);
  new Uint8Array(memory.buffer, p, bytes.length).set(bytes);
  return bytes.length;
}

function fail(call: ActiveCall, code: HostCodeValue, message: string): number {
  call.lastError = message;
  return code;
}

/**
 * Builds the raw wasm import for one host function from its signature and implementation.
 * The signature decides the shape: string pairs first, then extra i32s, then (out_ptr, out_max)
 * when the function returns data.
 */
export function adaptHostFunction(
  calls: CurrentCall,
  qualifiedName: string,
  spec: HostFunctionSpec,
  impl: HostImpl,
): (...raw: number[]) => number {
  const { strings: stringCount, integers: extraCount, returnsData } = spec;
  const argumentLimits = ARGUMENT_LIMITS[qualifiedName];
  return (...raw: number[]): number => {
    const call = calls.current();
    // Host work is paid in fuel like instructions, so a loop of host calls ends like any loop.
    // Running out unwinds the plugin (OutOfFuel passes the catch below, as does NotLoaded): it is not an error
    // code to ignore. The bytes are paid as they are read, so an argument a quota refuses by
    // its length alone costs only the call.
    chargeFuel(call.fuel, hostCallCost(0));
    let resultBytes = 0;
    try {
      const spent = call.request.quota.spentFor(call, qualifiedName);
      if (spent) {
        call.pending = null;
        return fail(call, spent.code, `${qualifiedName}: ${spent.message}`);
      }
      const strings: string[] = [];
      const byteLengths: number[] = [];
      for (let i = 0; i < stringCount; i++) {
        byteLengths.push(raw[i * 2 + 1] >>> 0);
        const limit = argumentLimits?.[i];
        if (limit !== undefined) call.request.quota.checkValue(call, limit, raw[i * 2 + 1] >>> 0, `Argument ${i + 1} (the value)`, call.request);
        chargeFuel(call.fuel, hostCallCost(raw[i * 2 + 1] >>> 0) - hostCallCost(0));
        strings.push(readString(call.memory, raw[i * 2], raw[i * 2 + 1], `Argument ${i + 1} of ${qualifiedName}`));
      }
      const numbers = raw.slice(stringCount * 2, stringCount * 2 + extraCount);
      if (!returnsData) {
        call.pending = null;
        const result = impl(call, strings, numbers, byteLengths);
        if (typeof result !== 'number') throw new Error(`${qualifiedName} returned data where a status was expected.`);
        return result;
      }
      const outPtr = raw[stringCount * 2 + extraCount];
      const outMax = raw[stringCount * 2 + extraCount + 1];
      const key = `${qualifiedName}\u0000${strings.join('\u0000')}\u0000${numbers.join(',')}`;
      let bytes: Uint8Array;
      if (call.pending && call.pending.key === key) {
        bytes = call.pending.bytes;
      } else {
        const result = impl(call, strings, numbers, byteLengths);
        bytes = typeof result === 'string' ? utf8.encode(result) : result instanceof Uint8Array ? result : utf8.encode(String(result));
      }
      const written = writeResult(call, outPtr, outMax, bytes);
      // Keep a result that did not fit: the retry with a bigger buffer must not run a write twice.
      call.pending = written > (outMax >>> 0) ? { key, bytes } : null;
      resultBytes = bytes.length;
      return written;
    } catch (error) {
      call.pending = null;
      if (error instanceof OutOfFuel || error instanceof NotLoaded) throw error;
      if (error instanceof HostFailure) return fail(call, error.code, `${qualifiedName}: ${error.message}`);
      // A host bug must not unwind through the plugin: report it as a storage failure.
      return fail(call, HostCode.storageFailure, `${qualifiedName} failed inside the kernel: ${(error as Error)?.message ?? String(error)}`);
    } finally {
      if (resultBytes > 0) chargeFuel(call.fuel, hostCallCost(resultBytes) - hostCallCost(0));
    }
  };
}
