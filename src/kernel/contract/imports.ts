/**
 * Every import the kernel provides to a plugin (ABI §4, plus AssemblyScript's `env` and WASI),
 * with its exact signature. The module checker refuses any import not listed here, so a plugin
 * that links against something the kernel lacks fails at load time with a message, never at
 * call time.
 *
 * Conventions (ABI §4): a string is `(ptr, len)` of UTF-8 in the plugin's memory; a function that
 * returns data takes `(out_ptr, out_max)` last and returns the byte count, or a negative error
 * code. Values of variables, request context and cache entries are opaque UTF-8 strings (the
 * SDK stores JSON in them).
 */
import type { FunctionSignature } from './signature.js';

const I32 = 'i32' as const;
const I64 = 'i64' as const;

/** `n` string arguments, each a (ptr, len) pair. */
function strings(n: number): Array<typeof I32> {
  return Array.from({ length: n * 2 }, () => I32);
}

/** How a host function's arguments are laid out, and its wasm signature. */
export interface HostFunctionSpec {
  /** Leading (ptr, len) string arguments. */
  readonly strings: number;
  /** Plain i32 arguments after the strings. */
  readonly integers: number;
  /** Whether it ends with (out_ptr, out_max) and returns a byte count. */
  readonly returnsData: boolean;
  readonly signature: FunctionSignature;
}

/** A data-returning call: string arguments then (out_ptr, out_max), returning i32. */
function returning(stringArgs: number): HostFunctionSpec {
  return { strings: stringArgs, integers: 0, returnsData: true, signature: { params: [...strings(stringArgs), I32, I32], results: [I32] } };
}

/** A status-returning call: string arguments (then `integers` i32s), returning i32. */
function status(stringArgs: number, integers = 0): HostFunctionSpec {
  return {
    strings: stringArgs,
    integers,
    returnsData: false,
    signature: { params: [...strings(stringArgs), ...Array.from({ length: integers }, () => I32)], results: [I32] },
  };
}

export const HOST_MODULE_PREFIX = 'trovato:kernel/';

/** Host functions per interface, with signatures. docs/abi.md §4 lists each one; test/contract checks that they agree. */
export const HOST_FUNCTIONS = {
  'item-api': {
    'get-item': returning(1), // id
    'save-item': returning(1), // item JSON
    'delete-item': status(1), // id
    'query-items': returning(1), // query JSON
  },
  db: {
    select: returning(1), // query JSON
    insert: returning(2), // table, row JSON
    update: status(3), // table, values JSON, where JSON -> rows changed
    delete: status(2), // table, where JSON -> rows deleted
    'query-raw': returning(2), // sql, params JSON -> always -5
    'execute-raw': status(2), // sql, params JSON -> always -5
  },
  variables: {
    get: returning(2), // name, default
    set: status(2), // name, value
  },
  'request-context': {
    get: returning(1), // key
    set: status(2), // key, value
  },
  'user-api': {
    'current-user-id': returning(0),
    'current-user-has-permission': status(1), // permission -> 1 or 0
  },
  'cache-api': {
    get: returning(2), // bin, key
    set: status(4), // bin, key, value, tags JSON array
    // Added to ABI 1 (additive): the same as `set`, with a max-age in seconds (0 = no expiry).
    'set-with-max-age': status(4, 1),
    // Added to ABI 1: `set` with cache contexts (JSON array, see src/kernel/request/cache-context.ts)
    // and a max-age; the entry is served only to requests with the same context values.
    'set-with-contexts': status(5, 1), // bin, key, value, tags, contexts, max_age
    'invalidate-tag': status(1), // tag
  },
  queue: {
    // Added to ABI 1: a persistent queue item for a queue some plugin declared in tap_queue_info.
    'create-item': status(2), // queue name, payload JSON -> 0
  },
  'plugin-api': {
    invoke: returning(3), // plugin, function, payload
    'plugin-exists': status(1), // plugin -> 1 or 0
    // Added to ABI 1: fire a tap the caller owns (`tap_<caller>_*`) to every implementer;
    // returns [{plugin, output, error?}]. How categories fires its term taps.
    dispatch: returning(2), // tap, payload JSON
  },
  logging: {
    log: status(3), // level, plugin (ignored: the kernel records the real caller), message
  },
  errors: {
    'last-error': returning(0),
  },
} as const satisfies Record<string, Record<string, HostFunctionSpec>>;

/** AssemblyScript's runtime imports: abort is required by the ABI; trace and seed are harmless; Date.now is the request's clock. */
export const ENV_FUNCTIONS = {
  abort: { params: [I32, I32, I32, I32], results: [] },
  trace: { params: [I32, I32, 'f64', 'f64', 'f64', 'f64', 'f64'], results: [] },
  seed: { params: [], results: ['f64'] },
  // AssemblyScript's `Date.now()`: the request's time (fixed for the whole request), in ms.
  'Date.now': { params: [], results: ['f64'] },
} as const satisfies Record<string, FunctionSignature>;

/** The WASI preview1 functions the shim answers (clocks, random, stdout/stderr, args/env). */
export const WASI_FUNCTIONS = {
  args_get: { params: [I32, I32], results: [I32] },
  args_sizes_get: { params: [I32, I32], results: [I32] },
  environ_get: { params: [I32, I32], results: [I32] },
  environ_sizes_get: { params: [I32, I32], results: [I32] },
  clock_res_get: { params: [I32, I32], results: [I32] },
  clock_time_get: { params: [I32, I64, I32], results: [I32] },
  fd_write: { params: [I32, I32, I32, I32], results: [I32] },
  fd_read: { params: [I32, I32, I32, I32], results: [I32] },
  fd_close: { params: [I32], results: [I32] },
  fd_seek: { params: [I32, I64, I32, I32], results: [I32] },
  fd_fdstat_get: { params: [I32, I32], results: [I32] },
  fd_fdstat_set_flags: { params: [I32, I32], results: [I32] },
  fd_prestat_get: { params: [I32, I32], results: [I32] },
  fd_prestat_dir_name: { params: [I32, I32, I32], results: [I32] },
  fd_filestat_get: { params: [I32, I32], results: [I32] },
  path_open: { params: [I32, I32, I32, I32, I32, I64, I64, I32, I32], results: [I32] },
  path_filestat_get: { params: [I32, I32, I32, I32, I32], results: [I32] },
  random_get: { params: [I32, I32], results: [I32] },
  proc_exit: { params: [I32], results: [] },
  sched_yield: { params: [], results: [I32] },
  poll_oneoff: { params: [I32, I32, I32, I32], results: [I32] },
} as const satisfies Record<string, FunctionSignature>;

export const WASI_MODULE = 'wasi_snapshot_preview1';

export interface ProvidedImport {
  module: string;
  name: string;
  signature: FunctionSignature;
}

/** The flat list the module checker compares a module's imports against. */
export function providedImports(): ProvidedImport[] {
  const list: ProvidedImport[] = [];
  for (const [iface, functions] of Object.entries(HOST_FUNCTIONS)) {
    for (const [name, spec] of Object.entries(functions)) {
      list.push({ module: HOST_MODULE_PREFIX + iface, name, signature: copy(spec.signature) });
    }
  }
  for (const [name, signature] of Object.entries(ENV_FUNCTIONS)) {
    list.push({ module: 'env', name, signature: copy(signature) });
  }
  for (const [name, signature] of Object.entries(WASI_FUNCTIONS)) {
    list.push({ module: WASI_MODULE, name, signature: copy(signature) });
  }
  return list;
}

function copy(signature: FunctionSignature): FunctionSignature {
  return { params: [...signature.params], results: [...signature.results] };
}
