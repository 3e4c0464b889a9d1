/**
 * The ABI §3 call: input through `alloc`, the export called with (ptr, len), the packed result
 * read back as UTF-8 JSON. Each handler is isolated: a trap or a bad output fails that handler
 * only, discards its writes, and is reported with plugin, tap and (for AssemblyScript aborts)
 * file, line and column.
 */
import type { ActiveCall, CallStack } from '../host/abi.js';
import { HostCode } from '../contract/host-codes.js';
import { PluginAbort } from '../host/env.js';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../common/json-depth.js';
import type { KernelErrorCode } from '../common/errors.js';
import { memoryBytes, type InstanceSource, type PluginInstance, type ReleaseOutcome } from '../plugin/plugin-instance.js';
import type { RequestState } from '../request/request-state.js';
import { DEFAULT_CALL_FUEL, FuelExhausted, MAX_CALL_FUEL, MAX_INVOKES_PER_REQUEST, OutOfFuel, fuelGauge, outOfFuelMessage, type FuelGauge } from '../plugin/fuel.js';
import { NotLoaded } from '../common/not-loaded.js';
import type { TapRegistry } from './registry.js';
import { markWritten } from '../plugin/written-range.js';
import { RESERVED_EXPORT_PREFIX } from '../plugin/module-rewrite.js';
import { InputEncoder } from './input-encoder.js';

/** One handler's part of a dispatch. */
export interface HandlerResult {
  readonly plugin: string;
  /** Parsed JSON output; null for "no result" and for failures. */
  readonly output: unknown;
  readonly error?: string;
  readonly errorCode?: KernelErrorCode;
  /** Where an AssemblyScript abort happened. */
  readonly location?: { file: string; line: number; column: number };
  /**
   * Wall time of the call, in milliseconds, when the kernel times handlers (`timeHandlers`, on
   * whenever `onDispatch` traces): two clock reads per handler were a tenth of a one-handler
   * dispatch, paid by every caller that never looks at them.
   */
  readonly ms?: number;
  /** Instruction fuel the call burned (its own code and host calls, not the plugins it invoked); absent when unmetered. */
  readonly fuel?: number;
}

export interface DispatchResult {
  readonly tap: string;
  readonly results: HandlerResult[];
}

/** How deep plugin-api.invoke may nest before it fails with -6. */
export const MAX_INVOKE_DEPTH = 8;

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientUtf8 = new TextDecoder();

export interface DispatcherPlugins {
  /** The instance source of an enabled plugin, or undefined. */
  instances(plugin: string): InstanceSource | undefined;
  /**
   * Called as each handler starts (before its instance is made, so a looping `_initialize`
   * counts too) and again for the caller when a nested invoke returns: whoever supervises the
   * thread can name the plugin that hangs.
   */
  onCallStart?(plugin: string, exportName: string): void;
  /**
   * Called after every dispatch of a tap and every single call (route callbacks, lifecycle
   * taps, invoke), with what went in and what came out: the playground's tap inspector.
   * Handlers are timed whenever it is set.
   */
  onDispatch?(event: DispatchEvent): void;
  /** Whether to time each handler (`HandlerResult.ms`) without a trace listener (the CLI prints the times). */
  timeHandlers?: boolean;
}

/** A handler's result with its wall time, as traced (DispatchEvent): a traced kernel always times its handlers. */
export type TimedHandlerResult = HandlerResult & { readonly ms: number };

/** One traced dispatch: a tap to all its handlers, or one call of one export. */
export interface DispatchEvent {
  readonly kind: 'tap' | 'call';
  /** The tap, or the export called. */
  readonly name: string;
  readonly input: unknown;
  readonly user: string;
  readonly results: TimedHandlerResult[];
}

export class Dispatcher {
  readonly #registry: TapRegistry;
  readonly #calls: CallStack;
  readonly #plugins: DispatcherPlugins;
  readonly #onCallStart: ((plugin: string, exportName: string) => void) | undefined;
  readonly #onDispatch: ((event: DispatchEvent) => void) | undefined;
  /** The export running now, so a nested invoke can announce its caller again when it returns. */
  #running = '';
  /** The fuel of each call in progress (null for an unmetered one), innermost last. */
  readonly #fuel: Array<FuelFrame | null> = [];
  /**
   * A fuel frame per nesting depth, filled in again by each call at that depth: a frame is read
   * only while its call and the calls it nests run, so one object per depth serves every call.
   */
  readonly #frames: FuelFrame[] = [];
  /** Inputs are encoded into buffers kept for the next dispatch, one per nesting level. */
  readonly #inputs = new InputEncoder();
  /** Whether handlers are timed (see HandlerResult.ms). */
  readonly #timed: boolean;

  constructor(registry: TapRegistry, calls: CallStack, plugins: DispatcherPlugins) {
    this.#registry = registry;
    this.#calls = calls;
    this.#plugins = plugins;
    this.#onCallStart = plugins.onCallStart?.bind(plugins);
    this.#onDispatch = plugins.onDispatch?.bind(plugins);
    this.#timed = plugins.timeHandlers === true || this.#onDispatch !== undefined;
  }

  /** Runs every handler of `tap` in order; each sees the same input. */
  dispatch(tap: string, input: unknown, request: RequestState): DispatchResult {
    const bytes = this.#inputs.encode(input);
    const results: HandlerResult[] = [];
    try {
      for (const handler of this.#registry.handlers(tap)) {
        results.push(this.#run(handler.plugin, tap, bytes, request, handler.instances));
      }
    } finally {
      this.#inputs.release();
    }
    this.#onDispatch?.({ kind: 'tap', name: tap, input: input ?? null, user: request.user.id, results: results as TimedHandlerResult[] });
    return { tap, results };
  }

  /**
   * Runs every handler of `tap` once for each of `inputs`, handler by handler: each handler's
   * calls come in a row (a supervisor told of each call start hears of one plugin at a time,
   * not of every handler for every input). Each result is what `dispatch(tap, inputs[i])`
   * answers, handlers in their order, and is traced as that dispatch.
   */
  dispatchEach(tap: string, inputs: readonly unknown[], request: RequestState): DispatchResult[] {
    const results: HandlerResult[][] = inputs.map(() => []);
    const handlers = this.#registry.handlers(tap);
    if (handlers.length > 0) {
      // Each input is read by every handler in turn, so each keeps a buffer of its own.
      const encoded = inputs.map((input) => (input === undefined || input === null ? null : utf8.encode(JSON.stringify(input))));
      for (const handler of handlers) {
        for (let i = 0; i < inputs.length; i++) results[i].push(this.#run(handler.plugin, tap, encoded[i], request, handler.instances));
      }
    }
    return inputs.map((input, i) => {
      this.#onDispatch?.({ kind: 'tap', name: tap, input: input ?? null, user: request.user.id, results: results[i] as TimedHandlerResult[] });
      return { tap, results: results[i] };
    });
  }

  /**
   * Runs handlers of `tap` in order until one answers (a non-null output without error): for
   * taps that want a single answer. The results list what ran, the answer last.
   */
  dispatchOne(tap: string, input: unknown, request: RequestState): DispatchResult & { answer: HandlerResult | null } {
    const bytes = this.#inputs.encode(input);
    const results: HandlerResult[] = [];
    try {
      for (const handler of this.#registry.handlers(tap)) {
        const result = this.#run(handler.plugin, tap, bytes, request, handler.instances);
        results.push(result);
        if (result.error === undefined && result.output !== null) break;
      }
    } finally {
      this.#inputs.release();
    }
    this.#onDispatch?.({ kind: 'tap', name: tap, input: input ?? null, user: request.user.id, results: results as TimedHandlerResult[] });
    const last = results.length > 0 ? results[results.length - 1] : undefined;
    return { tap, results, answer: last && last.error === undefined && last.output !== null ? last : null };
  }

  /**
   * Calls one tap-shaped export of one plugin. `input` is UTF-8 JSON, or null for a call
   * without input (ptr = 0, len = 0).
   */
  call(plugin: string, exportName: string, input: Uint8Array | null, request: RequestState): HandlerResult {
    const result = this.#run(plugin, exportName, input, request);
    if (this.#onDispatch) {
      this.#onDispatch({ kind: 'call', name: exportName, input: traceInput(input), user: request.user.id, results: [result as TimedHandlerResult] });
    }
    return result;
  }

  /** Calls `exportName` of `plugin`, whose instances a tap's handler list may already hold (`known`). */
  #run(plugin: string, exportName: string, input: Uint8Array | null, request: RequestState, known?: InstanceSource): HandlerResult {
    // NOT_TIMED stands for the start when handlers are not timed; every result's `ms` says which.
    const started = this.#timed ? performance.now() : NOT_TIMED;
    const source = known ?? this.#plugins.instances(plugin);
    if (!source) {
      return failure(plugin, 'PLUGIN_NOT_FOUND', `Plugin "${plugin}" is not enabled, so "${exportName}" cannot be called.`, started);
    }
    this.#running = exportName;
    this.#onCallStart?.(plugin, exportName);
    // The caller of a nested invoke has burned fuel since it started: take it from the request
    // now, so the callee gets only what is really left.
    // Guarded: `array[-1]` on the empty stack of a top-level call is no element but a property
    // lookup by the name "-1" up the prototype chain, about 70 ns in Node 20.
    const depth = this.#fuel.length;
    const parent = depth > 0 ? this.#fuel[depth - 1] : null;
    if (parent) settle(parent, request);
    const perCall = source.callFuel ?? DEFAULT_CALL_FUEL;
    const savepoint = request.work.savepoint();
    let instance: PluginInstance | undefined;
    let pushed = false;
    let trapped = false;
    let frame: FuelFrame | null = null;
    // The output, or the failure; a success's result is made once its fuel is known (below),
    // so that it is built whole rather than given its fuel afterwards.
    let output: unknown = null;
    let failed: HandlerResult | undefined;
    let ms: number | undefined;
    try {
      instance = source.acquire(request.fuel);
      const { exports } = instance;
      const gauge = instance.fuel !== undefined ? instance.fuel : fuelGauge(exports);
      if (gauge) {
        const granted = Math.min(perCall, request.fuel.remaining);
        if (granted <= 0) {
          request.work.rollbackTo(savepoint);
          const message = outOfFuelMessage(plugin, exportName, 0, 'request', { perCall, max: MAX_CALL_FUEL, perRequest: request.fuel.limit });
          return failure(plugin, 'OUT_OF_FUEL', message, started);
        }
        gauge.set(granted);
        const cause = granted < perCall ? 'request' : 'call';
        const reused = this.#frames[depth];
        frame = reused !== undefined ? reused.start(gauge, granted, cause) : (this.#frames[depth] = new FuelFrame(gauge, granted, cause));
      }
      this.#fuel.push(frame);
      const call: ActiveCall = { plugin, memory: exports.memory, request, lastError: '', pending: null, fuel: gauge ? gauge.counter : null, written: instance.written };
      this.#calls.push(call);
      pushed = true;
      const fn = exports[exportName];
      if (typeof fn !== 'function') {
        request.work.rollbackTo(savepoint);
        failed = failure(plugin, 'MODULE_INVALID', `${plugin} does not export "${exportName}".`, started);
      } else {
        let ptr = 0;
        if (input !== null && input.length > 0) ptr = writeInput(instance, input, plugin, exportName);
        const packed = (fn as (p: number, l: number) => bigint)(ptr, input === null ? 0 : input.length);
        output = readOutput(instance, packed, plugin, exportName);
        if (isReportedError(output)) {
          request.work.rollbackTo(savepoint);
          failed = failure(plugin, 'PLUGIN_REPORTED_ERROR', `${plugin} ${exportName} reported an error: ${output.error}`, started);
        } else {
          ms = elapsed(started);
        }
      }
    } catch (error) {
      request.work.rollbackTo(savepoint);
      trapped = true;
      // The request runs again once storage has loaded the data (see not-loaded.ts).
      if (error instanceof NotLoaded) throw error;
      failed = this.#failureOf(error, plugin, exportName, frame, perCall, source, instance, request, started);
    } finally {
      if (pushed) {
        this.#calls.pop();
        this.#fuel.pop();
      }
      if (frame) settle(frame, request);
      if (parent) {
        // The caller may go on only with what the request has left.
        const left = Math.max(0, parent.gauge.left());
        if (left > request.fuel.remaining) {
          parent.gauge.set(Math.max(0, request.fuel.remaining));
          parent.cause = 'request';
        }
        parent.base = parent.gauge.left();
      }
      if (instance) source.release(instance, trapped ? TRAPPED : KEPT);
    }
    if (failed) {
      // The failure is new and still ours: it gets the figure in place rather than by a copy.
      if (frame) (failed as { fuel?: number }).fuel = frame.used;
      return failed;
    }
    return frame ? { plugin, output, ms, fuel: frame.used } : { plugin, output, ms };
  }

  /** What a call that threw `error` reports (a trap, an abort, a bad output, fuel or memory spent). */
  #failureOf(
    error: unknown,
    plugin: string,
    exportName: string,
    frame: FuelFrame | null,
    perCall: number,
    source: InstanceSource,
    instance: PluginInstance | undefined,
    request: RequestState,
    started: number,
  ): HandlerResult {
    if (error instanceof FuelExhausted) return failure(plugin, 'OUT_OF_FUEL', error.message, started);
    if (frame && (error instanceof OutOfFuel || frame.gauge.left() < 0)) {
      const message = outOfFuelMessage(plugin, exportName, frame.granted, frame.cause, { perCall, max: MAX_CALL_FUEL, perRequest: request.fuel.limit });
      return failure(plugin, 'OUT_OF_FUEL', message, started);
    }
    const limit = source.memoryLimitPages;
    if (instance && limit !== undefined && atMemoryLimit(error, instance.exports.memory.buffer.byteLength, limit * PAGE_BYTES)) {
      return memoryLimitFailure(plugin, exportName, limit, describeFailure(plugin, exportName, error, started));
    }
    return describeFailure(plugin, exportName, error, started);
  }

  /**
   * Runs `body`, which dispatches from inside a host call (item access from a host read), then
   * announces the calling plugin again: a supervisor must blame the caller, not the nested
   * handler, if the caller hangs afterwards.
   */
  nested<T>(body: () => T): T {
    const caller = this.#calls.current().plugin;
    const callerExport = this.#running;
    try {
      return body();
    } finally {
      this.#running = callerExport;
      this.#onCallStart?.(caller, callerExport);
    }
  }

  /**
   * plugin-api.invoke: calls `exportName` of `plugin` inside the current request and returns
   * its output as JSON text. Failures become host error codes for the calling plugin.
   */
  invoke(plugin: string, exportName: string, payload: string, request: RequestState): { code: number; message?: string; output?: string } {
    if (this.#calls.depth > MAX_INVOKE_DEPTH) {
      return { code: HostCode.limitExceeded, message: `invoke is nested more than ${MAX_INVOKE_DEPTH} calls deep; break the cycle between plugins.` };
    }
    // Depth alone does not bound a fan-out (16 invokes per level, 8 levels deep, is 16^8 calls).
    if (request.invokes >= MAX_INVOKES_PER_REQUEST) {
      return {
        code: HostCode.limitExceeded,
        message: `invoke was called ${MAX_INVOKES_PER_REQUEST} times in this request, the most one request may make; call fewer plugins per request.`,
      };
    }
    request.invokes++;
    // The rewrite's own exports (module-rewrite.ts) set the fuel counter and empty the written
    // range: a plugin that could call them would hand itself fuel. Taps and route callbacks are
    // checked against the plugin's own exports at load; an invoke names its export at run time.
    if (exportName.startsWith(RESERVED_EXPORT_PREFIX)) {
      return {
        code: HostCode.notFound,
        message: `${exportName} is the kernel's (export names starting with ${RESERVED_EXPORT_PREFIX} are reserved), not a plugin's export.`,
      };
    }
    if (!this.#plugins.instances(plugin)) {
      return { code: HostCode.notFound, message: `Plugin "${plugin}" is not enabled.` };
    }
    const caller = this.#calls.current().plugin;
    const callerExport = this.#running;
    let result: HandlerResult;
    try {
      result = this.call(plugin, exportName, this.#inputs.encodeText(payload), request);
    } finally {
      this.#inputs.release();
    }
    this.#running = callerExport;
    this.#onCallStart?.(caller, callerExport);
    if (result.error !== undefined) return { code: HostCode.storageFailure, message: result.error };
    return { code: 0, output: result.output === null ? '' : JSON.stringify(result.output) };
  }
}

/** The two outcomes a call can end with, made once rather than per call. */
const KEPT: ReleaseOutcome = { trapped: false };
const TRAPPED: ReleaseOutcome = { trapped: true };

/** The fuel of one call in progress. */
class FuelFrame {
  gauge!: FuelGauge;
  /** What the call was given, for the message when it runs out. */
  granted!: number;
  /** The counter's value when the request was last charged for this call. */
  base!: number;
  /** What the request has been charged for this call so far. */
  used!: number;
  /** Whether the per-call budget or the request's remainder bounded the call. */
  cause!: 'call' | 'request';

  constructor(gauge: FuelGauge, granted: number, cause: 'call' | 'request') {
    this.start(gauge, granted, cause);
  }

  /** Makes the frame that of a new call at its depth, given `granted` fuel. */
  start(gauge: FuelGauge, granted: number, cause: 'call' | 'request'): this {
    this.gauge = gauge;
    this.granted = granted;
    this.base = granted;
    this.used = 0;
    this.cause = cause;
    return this;
  }
}

/** Charges the request for what the call burned since the last settlement. */
function settle(frame: FuelFrame, request: RequestState): void {
  const left = Math.max(0, frame.gauge.left());
  request.fuel.remaining -= frame.base - left;
  frame.used += frame.base - left;
  frame.base = left;
}

/** An encoded input as the trace shows it: JSON when it parses, else the text (an invoke payload may be anything). */
function traceInput(input: Uint8Array | null): unknown {
  if (!input || input.length === 0) return null;
  const text = lenientUtf8.decode(input);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

class OutputError extends Error {}

/** `alloc` could not provide room for the input. */
class AllocError extends OutputError {
  constructor(
    message: string,
    readonly size: number,
  ) {
    super(message);
  }
}

const PAGE_BYTES = 65536;

function writeInput(instance: PluginInstance, input: Uint8Array, plugin: string, tap: string): number {
  const { exports } = instance;
  const ptr = exports.alloc(input.length) >>> 0;
  // After alloc, which may have grown the memory (a new buffer).
  const memory = memoryBytes(instance);
  if (ptr === 0) {
    throw new AllocError(
      `${plugin} ${tap}: alloc(${input.length}) returned 0, so the ${input.length}-byte input could not be passed; the plugin is out of memory (memory is ${memory.length} bytes).`,
      input.length,
    );
  }
  if (ptr + input.length > memory.length) {
    throw new OutputError(`${plugin} ${tap}: alloc(${input.length}) returned ${ptr}, which lies past the end of its ${memory.length}-byte memory.`);
  }
  markWritten(instance.written, ptr, ptr + input.length);
  memory.set(input, ptr);
  return ptr;
}

/** The packed i64 result, read as two unsigned 32-bit halves (LOW is the index of the low one on this machine). */
const PACKED = new BigUint64Array(1);
const HALVES = new Uint32Array(PACKED.buffer);
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

function readOutput(instance: PluginInstance, packed: unknown, plugin: string, tap: string): unknown {
  if (typeof packed !== 'bigint') {
    throw new OutputError(`${plugin} ${tap} returned ${typeof packed}, not the packed i64 (ptr << 32 | len) taps must return.`);
  }
  // Split through a typed array: `&` and `>>` on the BigInt would each make another BigInt.
  PACKED[0] = packed;
  const len = HALVES[LOW];
  if (len === 0) return null;
  const ptr = HALVES[1 - LOW];
  const memory = memoryBytes(instance);
  if (ptr + len > memory.length) {
    throw new OutputError(`${plugin} ${tap} returned output at ${ptr} of ${len} bytes, past the end of its ${memory.length}-byte memory.`);
  }
  let text: string;
  try {
    text = strictUtf8.decode(instance.bytes ? instance.bytes.range(ptr, len) : memory.subarray(ptr, ptr + len));
  } catch {
    throw new OutputError(`${plugin} ${tap} returned ${len} bytes that are not valid UTF-8.`);
  }
  // Nesting deeper than the limit takes more opening brackets than a shorter text holds.
  const tooDeep = text.length > MAX_JSON_DEPTH && jsonDepthExceeds(text);
  if (tooDeep) {
    throw new OutputError(`${plugin} ${tap} returned JSON nested more than ${MAX_JSON_DEPTH} levels deep; the kernel cannot pass it on. Flatten the output.`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const preview = text.length > 80 ? `${text.slice(0, 80)}…` : text;
    throw new OutputError(`${plugin} ${tap} returned output that is not JSON (${(error as Error).message}): ${JSON.stringify(preview)}`);
  }
}

function isReportedError(output: unknown): output is { error: string } {
  if (typeof output !== 'object' || output === null || Array.isArray(output)) return false;
  if (typeof (output as { error?: unknown }).error !== 'string') return false;
  // Only now count the keys: most outputs have no "error" and never get here.
  let keys = 0;
  for (const key in output) if (Object.hasOwn(output, key)) keys++;
  return keys === 1;
}

/** The start of a call that is not timed. */
const NOT_TIMED = -1;

/** Milliseconds since `started`, or undefined when the call is not timed. */
function elapsed(started: number): number | undefined {
  return started === NOT_TIMED ? undefined : performance.now() - started;
}

function failure(plugin: string, errorCode: KernelErrorCode, error: string, started: number): HandlerResult {
  return { plugin, output: null, error, errorCode, ms: elapsed(started) };
}

/**
 * Whether the memory limit is the likely cause of a failure: a trap, an abort or a failed
 * `alloc` with the memory grown to the limit, or an input that could not fit under the limit.
 */
function atMemoryLimit(error: unknown, memoryBytes: number, limitBytes: number): boolean {
  if (error instanceof AllocError && error.size > limitBytes - memoryBytes) return true;
  const memoryFailure = error instanceof PluginAbort || error instanceof WebAssembly.RuntimeError || error instanceof AllocError;
  return memoryFailure && memoryBytes >= limitBytes;
}

/** A failure with the memory at its limit: the limit is the likely cause, so lead with it. */
function memoryLimitFailure(plugin: string, tap: string, pages: number, failed: HandlerResult): HandlerResult {
  const mib = Number(((pages * PAGE_BYTES) / (1024 * 1024)).toFixed(2));
  const prefix = `${plugin} ${tap}`;
  const text = failed.error ?? '';
  const cause = (text.startsWith(prefix) ? text.slice(prefix.length).replace(/^:?\s*/, '') : text).replace(/\.$/, '');
  return {
    ...failed,
    errorCode: 'MEMORY_LIMIT',
    error:
      `${plugin} ${tap} hit its memory limit of ${pages} pages (${mib} MiB): ${cause}. ` +
      'Make the plugin use less memory (smaller inputs, free what it allocates), or raise the limit: ' +
      "the site's maxMemoryPages, or the plugin's [memory] max_pages if it set one lower.",
  };
}

function describeFailure(plugin: string, tap: string, error: unknown, started: number): HandlerResult {
  if (error instanceof PluginAbort) {
    const where = error.file ? ` at ${error.file}:${error.line}:${error.column}` : '';
    return {
      plugin,
      output: null,
      error: `${plugin} ${tap} aborted: ${error.abortMessage || '(no message)'}${where}`,
      errorCode: 'PLUGIN_TRAP',
      location: error.file ? { file: error.file, line: error.line, column: error.column } : undefined,
      ms: elapsed(started),
    };
  }
  if (error instanceof OutputError) return failure(plugin, 'PLUGIN_OUTPUT_INVALID', error.message, started);
  if (error instanceof WebAssembly.RuntimeError) {
    return failure(plugin, 'PLUGIN_TRAP', `${plugin} ${tap} trapped: ${error.message}`, started);
  }
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return failure(plugin, 'PLUGIN_TRAP', `${plugin} ${tap} trapped: stack overflow (${error.message})`, started);
  }
  if (error instanceof WebAssembly.LinkError) {
    return failure(plugin, 'MODULE_INVALID', `${plugin} could not be instantiated: ${error.message}`, started);
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return failure(plugin, 'PLUGIN_TRAP', `${plugin} ${tap} failed: ${message}`, started);
}
