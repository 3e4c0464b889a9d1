/**
 * The buffer convention of ABI §4, once, for every host binding: encode string arguments as
 * UTF-8, call with a small static buffer, retry with the size the kernel asks for, and turn a
 * negative code into a `HostError` with the message from `errors.last-error`.
 */
import { readUtf8, Utf8Block } from "./memory";

/** ABI §4 error codes. */
export enum HostCode {
  BadArguments = -1,
  NotFound = -2,
  PermissionDenied = -3,
  StorageFailure = -4,
  NotSupported = -5,
  LimitExceeded = -6,
}

/** Why the last host call failed. */
export class HostError {
  constructor(
    /** The ABI §4 code (`HostCode`), always negative. */
    public code: i32,
    /** The kernel's explanation. */
    public message: string,
    /** The host function, e.g. `item-api.get-item`. */
    public fn: string,
  ) {}

  /** Whether the failure is "not found" (a missing item, context key or cache entry). */
  get isNotFound(): bool {
    return this.code == HostCode.NotFound;
  }

  toString(): string {
    return this.fn + " failed (" + this.code.toString() + "): " + this.message;
  }
}

let lastError: HostError | null = null;

/**
 * The error of the most recent host binding call, or null when it succeeded. Every binding
 * resets it, so check it right after the call whose result was null, false or negative.
 *
 * @example
 * const item = getItem(id);
 * if (item === null) {
 *   const err = lastHostError();
 *   if (err !== null && !err.isNotFound) log("error", err.toString());
 * }
 */
export function lastHostError(): HostError | null {
  return lastError;
}

// Most results (an item, a short list) fit here, so the common call needs no heap allocation.
// memory.data reserves zeroed static memory: no work at start-up.
const SCRATCH_SIZE: i32 = 1024;
const scratch: usize = memory.data(SCRATCH_SIZE);

@external("trovato:kernel/errors", "last-error")
declare function hostLastError(outPtr: i32, outMax: i32): i32;

/** @internal Calls one host function with encoded arguments and an output buffer. */
export type DataInvoker = (args: Utf8Block[], outPtr: i32, outMax: i32) => i32;
/** @internal Calls one status-returning host function with encoded arguments. */
export type StatusInvoker = (args: Utf8Block[]) => i32;

function encodeAll(args: string[]): Utf8Block[] {
  const blocks = new Array<Utf8Block>(args.length);
  for (let i = 0; i < args.length; i++) blocks[i] = new Utf8Block(args[i]);
  return blocks;
}

function releaseAll(blocks: Utf8Block[]): void {
  for (let i = blocks.length - 1; i >= 0; i--) blocks[i].release();
}

/**
 * Runs the call with the scratch buffer, then with a buffer of the size asked for. The kernel
 * keeps a result that did not fit and hands it to an identical retry without running the call
 * again, so retrying a write (save-item, insert, invoke) never writes twice.
 */
function fetchText(args: Utf8Block[], call: DataInvoker): i32 {
  let n = call(args, <i32>scratch, SCRATCH_SIZE);
  if (n < 0 || n <= SCRATCH_SIZE) {
    if (n >= 0) fetched = readUtf8(scratch, n);
    return n;
  }
  // A result can only grow between attempts if the kernel re-ran the call; a few rounds cover it.
  for (let attempt = 0; attempt < 4; attempt++) {
    const size = n;
    const buf = heap.alloc(<usize>size);
    n = call(args, <i32>buf, size);
    if (n >= 0 && n <= size) fetched = readUtf8(buf, n);
    heap.free(buf);
    if (n < 0 || n <= size) return n;
  }
  return HostCode.LimitExceeded;
}

// The text of the last successful fetchText (a module variable: no closures in AssemblyScript).
let fetched: string = "";

function lastErrorArgs(args: Utf8Block[], outPtr: i32, outMax: i32): i32 {
  return hostLastError(outPtr, outMax);
}

function recordError(fn: string, code: i32): void {
  let message = "";
  const n = fetchText([], lastErrorArgs);
  if (n >= 0) message = fetched;
  else message = "(the kernel gave no message: last-error returned " + n.toString() + ")";
  lastError = new HostError(code, message, fn);
}

/** @internal Records a failure found by the SDK itself (for example a result that is not JSON). */
export function setHostError(fn: string, code: i32, message: string): void {
  lastError = new HostError(code, message, fn);
}

/** @internal A data-returning host call: the result text, or null with `lastHostError()` set. */
export function callForText(fn: string, args: string[], call: DataInvoker): string | null {
  lastError = null;
  const blocks = encodeAll(args);
  const n = fetchText(blocks, call);
  releaseAll(blocks);
  if (n < 0) {
    recordError(fn, n);
    return null;
  }
  return fetched;
}

/** @internal A status-returning host call: its value (>= 0), or a negative code with `lastHostError()` set. */
export function callForStatus(fn: string, args: string[], call: StatusInvoker): i32 {
  lastError = null;
  const blocks = encodeAll(args);
  const n = call(blocks);
  releaseAll(blocks);
  if (n < 0) recordError(fn, n);
  return n;
}
