/**
 * A minimal JS harness for running a plugin's taps in tests, without the kernel: instantiate a
 * wasm module with fake host imports, write JSON input through `alloc`, call a tap and decode
 * the packed `(ptr << 32) | len` result.
 *
 * Only the fakes' results are the test's own: every host import is the kernel's own raw
 * import, built by `adaptHostFunction` (src/kernel/host/abi.ts) over the kernel's import table,
 * so the buffer convention, the kept result handed to the identical retry, argument limits and
 * `last-error` (with the kernel's `<interface>.<function>: ` prefix) are exactly what a plugin
 * meets in the kernel. An SDK test cannot pass against a host that disagrees with the kernel.
 */

import { adaptHostFunction, CallStack, readString, type ActiveCall, type HostImpl } from '../../src/kernel/host/abi.js';
import { HostFailure, type HostCodeValue } from '../../src/kernel/contract/host-codes.js';
import { HOST_FUNCTIONS, HOST_MODULE_PREFIX, type HostFunctionSpec } from '../../src/kernel/contract/imports.js';
import { createRequestState } from '../../src/kernel/request/request-state.js';
import { anonymousUser } from '../../src/kernel/common/users.js';

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** What a fake host function returns: data (string), a status/count (number >= 0), or an error. */
export type FakeResult = string | number | { error: HostCodeValue; message: string };

/** A fake host function over decoded string arguments (plus trailing integer arguments). */
export type FakeHostFunction = (strings: string[], numbers: number[]) => FakeResult;

/** Fakes per interface (`item-api`, `db`...) and kebab-case function name. */
export type FakeHost = Record<string, Record<string, FakeHostFunction>>;

/** One host call as the plugin made it: the raw out_max it offered and what it got back. */
export interface RecordedCall {
  fn: string;
  strings: string[];
  outMax: number | null;
  returned: number;
}

export interface PluginHarness {
  readonly instance: WebAssembly.Instance;
  readonly memory: WebAssembly.Memory;
  /** Every host call, in order (including `errors.last-error`). */
  readonly calls: RecordedCall[];
  /** How many times each fake actually ran (a kept result handed to a retry does not count). */
  readonly executions: Map<string, number>;
  /** Calls `name` with `input` as JSON (undefined = no input) and parses the result (null = none). */
  call(name: string, input?: unknown): unknown;
  /** Calls `name` with raw input text and returns the raw output text (null = none). */
  callRaw(name: string, input: string | null): string | null;
}

/** The plugin name the harness's calls run as (what the kernel would attribute them to). */
const PLUGIN = 'plugin_under_test';

/** The kernel's own `errors.last-error` (kernel.ts), which has no state beyond the call. */
const lastError: HostImpl = (call) => call.lastError;

/**
 * Instantiates `wasm` with `host` fakes. Any other import the module declares throws when called,
 * naming it, so a test sees an unexpected host call instead of a silent default.
 */
export async function instantiatePlugin(wasm: Uint8Array, host: FakeHost = {}): Promise<PluginHarness> {
  const module = await WebAssembly.compile(wasm as BufferSource);
  const calls: RecordedCall[] = [];
  const executions = new Map<string, number>();
  const stack = new CallStack();
  let memory: WebAssembly.Memory | null = null;

  const mem = (): WebAssembly.Memory => {
    if (!memory) throw new Error('A host function ran before the module was instantiated.');
    return memory;
  };

  /** The kernel's raw import for `fn`, with each call recorded as the plugin made it. */
  const hostImport = (fn: string, spec: HostFunctionSpec, impl: HostImpl) => {
    const raw = adaptHostFunction(stack, fn, spec, impl);
    return (...args: number[]): number => {
      const strings = Array.from({ length: spec.strings }, (_, i) => readArgument(mem(), args[i * 2], args[i * 2 + 1], `Argument ${i + 1} of ${fn}`));
      const returned = raw(...args);
      calls.push({ fn, strings, outMax: spec.returnsData ? args[args.length - 1] >>> 0 : null, returned });
      return returned;
    };
  };

  const imports: WebAssembly.Imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind !== 'function') continue;
    const target = (imports[imp.module] ??= {}) as Record<string, WebAssembly.ImportValue>;
    if (imp.module === 'env' && imp.name === 'abort') {
      target.abort = (msg: number, file: number, line: number, column: number) => {
        throw new Error(`abort: ${readAscString(mem(), msg)} at ${readAscString(mem(), file)}:${line}:${column}`);
      };
      continue;
    }
    const iface = imp.module.startsWith(HOST_MODULE_PREFIX) ? imp.module.slice(HOST_MODULE_PREFIX.length) : null;
    const spec = iface === null ? undefined : (HOST_FUNCTIONS as Record<string, Record<string, HostFunctionSpec>>)[iface]?.[imp.name];
    if (iface !== null && !spec) {
      throw new Error(`The plugin imports ${imp.module}.${imp.name}, which the kernel does not provide.`);
    }
    const fn = `${iface}.${imp.name}`;
    const fake = iface === null ? undefined : iface === 'errors' && imp.name === 'last-error' ? lastError : fakeImpl(fn, host[iface]?.[imp.name], executions);
    if (!spec || !fake) {
      target[imp.name] = () => {
        throw new Error(`Unexpected host call ${imp.module}.${imp.name}: the test gave no fake for it.`);
      };
      continue;
    }
    target[imp.name] = hostImport(fn, spec, fake);
  }

  const instance = await WebAssembly.instantiate(module, imports);
  memory = instance.exports.memory as WebAssembly.Memory;
  // One request for the harness's whole life, like one kernel request: last-error and a kept
  // result carry from one host call to the next as they do there.
  const active: ActiveCall = { plugin: PLUGIN, memory, request: createRequestState(anonymousUser()), lastError: '', pending: null };

  const callRaw = (name: string, input: string | null): string | null => {
    const tapFn = instance.exports[name];
    if (typeof tapFn !== 'function') throw new Error(`The module does not export ${name}.`);
    let ptr = 0;
    let len = 0;
    if (input !== null) {
      const bytes = utf8.encode(input);
      ptr = (instance.exports.alloc as (n: number) => number)(bytes.length);
      len = bytes.length;
      new Uint8Array(mem().buffer, ptr, len).set(bytes);
    }
    stack.push(active);
    let packed: bigint;
    try {
      packed = BigInt.asUintN(64, (tapFn as (p: number, l: number) => bigint)(ptr, len));
    } finally {
      stack.pop();
    }
    const outLen = Number(packed & 0xffffffffn);
    const outPtr = Number(packed >> 32n);
    if (outLen === 0) return null;
    return strictUtf8.decode(new Uint8Array(mem().buffer, outPtr, outLen));
  };

  return {
    instance,
    memory,
    calls,
    executions,
    callRaw,
    call(name: string, input?: unknown): unknown {
      const out = callRaw(name, input === undefined ? null : JSON.stringify(input));
      return out === null ? null : JSON.parse(out);
    },
  };
}

/**
 * A fake as a kernel host implementation: an error result fails the call the way the kernel's
 * own implementations do (HostFailure), and each run is counted.
 */
function fakeImpl(fn: string, fake: FakeHostFunction | undefined, executions: Map<string, number>): HostImpl | undefined {
  if (!fake) return undefined;
  return (_call, strings, numbers) => {
    executions.set(fn, (executions.get(fn) ?? 0) + 1);
    const result = fake(strings, numbers);
    if (typeof result === 'object') throw new HostFailure(result.error, result.message);
    return result;
  };
}

/** An argument as the record shows it: its text, or why it could not be read (the kernel answers that call -1). */
function readArgument(memory: WebAssembly.Memory, ptr: number, len: number, what: string): string {
  try {
    return readString(memory, ptr, len, what);
  } catch (error) {
    if (error instanceof HostFailure) return `<${error.message}>`;
    throw error;
  }
}

/** An AssemblyScript string (UTF-16, byte length stored 4 bytes before it). */
function readAscString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr) return '';
  const byteLength = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, byteLength >>> 1));
}
