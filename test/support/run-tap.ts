/**
 * A minimal JS harness for running a plugin's taps in tests, without the kernel: instantiate a
 * wasm module with fake host imports, write JSON input through `alloc`, call a tap and decode
 * the packed `(ptr << 32) | len` result. The fake host follows ABI §4 (buffer convention,
 * `last-error`, a too-small result kept for the identical retry) so SDK bindings can be tested.
 */

import { HOST_FUNCTIONS, type HostFunctionSpec } from '../../src/kernel/host/imports.js';

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** What a fake host function returns: data (string), a status/count (number >= 0), or an error. */
export type FakeResult = string | number | { error: number; message: string };

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

/** The import modules the SDK links against: host interfaces are `trovato:kernel/<interface>`. */
const HOST_PREFIX = 'trovato:kernel/';

/**
 * Instantiates `wasm` with `host` fakes. Any other import the module declares throws when called,
 * naming it, so a test sees an unexpected host call instead of a silent default.
 */
export async function instantiatePlugin(wasm: Uint8Array, host: FakeHost = {}): Promise<PluginHarness> {
  const module = await WebAssembly.compile(wasm as BufferSource);
  const calls: RecordedCall[] = [];
  const executions = new Map<string, number>();
  let memory: WebAssembly.Memory | null = null;
  let lastError = '';
  let pending: { key: string; bytes: Uint8Array } | null = null;

  const mem = (): WebAssembly.Memory => {
    if (!memory) throw new Error('A host function ran before the module was instantiated.');
    return memory;
  };
  const readString = (ptr: number, len: number): string =>
    len === 0 ? '' : strictUtf8.decode(new Uint8Array(mem().buffer, ptr >>> 0, len >>> 0));

  const adapt = (fn: string, params: number, returnsData: boolean, impl: FakeHostFunction) =>
    (...raw: number[]): number => {
      const dataArgs = returnsData ? 2 : 0;
      const stringCount = Math.floor((params - dataArgs) / 2);
      const strings = Array.from({ length: stringCount }, (_, i) => readString(raw[i * 2], raw[i * 2 + 1]));
      const numbers = raw.slice(stringCount * 2, params - dataArgs);
      const record = (returned: number): number => {
        calls.push({ fn, strings, outMax: returnsData ? raw[params - 1] >>> 0 : null, returned });
        return returned;
      };
      const key = `${fn}\u0000${strings.join('\u0000')}\u0000${numbers.join(',')}`;
      let result: FakeResult;
      if (returnsData && pending && pending.key === key) {
        result = '';
      } else {
        executions.set(fn, (executions.get(fn) ?? 0) + 1);
        result = impl(strings, numbers);
      }
      if (typeof result === 'object') {
        pending = null;
        lastError = result.message;
        return record(result.error);
      }
      if (!returnsData) {
        if (typeof result !== 'number') throw new Error(`Fake ${fn} returned data where a status was expected.`);
        return record(result);
      }
      const bytes = pending && pending.key === key ? pending.bytes : utf8.encode(String(result));
      const outPtr = raw[params - 2] >>> 0;
      const outMax = raw[params - 1] >>> 0;
      if (bytes.length > outMax) {
        pending = { key, bytes };
        return record(bytes.length);
      }
      pending = null;
      new Uint8Array(mem().buffer, outPtr, bytes.length).set(bytes);
      return record(bytes.length);
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
    const fn = `${imp.module.startsWith(HOST_PREFIX) ? imp.module.slice(HOST_PREFIX.length) : imp.module}.${imp.name}`;
    if (fn === 'errors.last-error') {
      target[imp.name] = adapt(fn, 2, true, () => lastError);
      continue;
    }
    const iface = imp.module.startsWith(HOST_PREFIX) ? imp.module.slice(HOST_PREFIX.length) : null;
    const impl = iface ? host[iface]?.[imp.name] : undefined;
    if (!iface || !impl) {
      target[imp.name] = () => {
        throw new Error(`Unexpected host call ${imp.module}.${imp.name}: the test gave no fake for it.`);
      };
      continue;
    }
    const signature = importSignature(iface, imp.name);
    target[imp.name] = adapt(fn, signature.params, signature.returnsData, impl);
  }

  const instance = await WebAssembly.instantiate(module, imports);
  memory = instance.exports.memory as WebAssembly.Memory;

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
    const packed = BigInt.asUintN(64, (tapFn as (p: number, l: number) => bigint)(ptr, len));
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

/** An AssemblyScript string (UTF-16, byte length stored 4 bytes before it). */
function readAscString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr) return '';
  const byteLength = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, byteLength >>> 1));
}

/** The layout of a host import, from the kernel's own import table. */
function importSignature(iface: string, name: string): { params: number; returnsData: boolean } {
  const functions = (HOST_FUNCTIONS as Record<string, Record<string, HostFunctionSpec>>)[iface];
  const spec = functions?.[name];
  if (!spec) throw new Error(`The plugin imports ${HOST_PREFIX}${iface}.${name}, which the kernel does not provide.`);
  return { params: spec.signature.params.length, returnsData: spec.returnsData };
}
