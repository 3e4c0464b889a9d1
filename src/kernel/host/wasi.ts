/**
 * `wasi_snapshot_preview1` through @bjorn3/browser_wasi_shim, so modules built for
 * wasm32-wasip1 load as they are. There is no file system, no network and no arguments:
 * clocks and random work, and stdout/stderr become the calling plugin's log lines.
 *
 * Output is line-buffered per call, in time linear in the bytes written (the shim's own
 * buffer re-splits everything pending on every write), and counted against the output
 * quotas (limits.ts): past them, fd_write answers ERRNO_NOSPC and `last-error` says which
 * quota. A line longer than MAX_OUTPUT_LINE is recorded in pieces; what is left of a line
 * when the call ends is recorded then, under that call.
 *
 * No call blocks: the shim's `poll_oneoff` waits for a clock by spinning until it passes (an
 * hour's sleep spins for an hour, and nothing can interrupt JavaScript), so the kernel answers
 * `poll_oneoff` itself: every clock subscription is reported due at once, without waiting, and
 * every file descriptor subscription is refused with ENOTSUP in its event. Each WASI call is
 * charged fuel like a host call.
 */
import { ConsoleStdout, File, OpenFile, WASI, wasi as wasiDefs } from '@bjorn3/browser_wasi_shim';
import type { ActiveCall, CurrentCall } from './abi.js';
import { WASI_FUNCTIONS } from '../contract/imports.js';
import { chargeFuel, hostCallCost } from '../plugin/fuel.js';
import { markAllWritten } from '../plugin/written-range.js';

export type OutputStream = 'stdout' | 'stderr';
export type WasiOutput = (call: ActiveCall, stream: OutputStream, line: string) => void;

/** Characters of one recorded output line; longer lines are recorded in pieces. */
export const MAX_OUTPUT_LINE = 16 * 1024;

/** One call's pending, not yet terminated, line on one stream. */
class LineBuffer {
  readonly #decoder = new TextDecoder('utf-8', { fatal: false });
  #pending: string[] = [];
  #pendingLength = 0;

  constructor(readonly emit: (line: string) => void) {}

  append(bytes: Uint8Array): void {
    let text = this.#decoder.decode(bytes, { stream: true });
    // Only the new text is searched for newlines, so n small writes cost O(n) in all.
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n')) {
      this.#take(text.slice(0, newline));
      this.emit(this.#drain());
      text = text.slice(newline + 1);
    }
    this.#take(text);
  }

  /** Records what is pending as a last line. */
  flush(): void {
    const rest = this.#drain() + this.#decoder.decode();
    if (rest !== '') this.emit(rest);
  }

  #take(text: string): void {
    while (text.length > 0) {
      const room = MAX_OUTPUT_LINE - this.#pendingLength;
      this.#pending.push(text.slice(0, room));
      this.#pendingLength += Math.min(room, text.length);
      text = text.slice(room);
      if (this.#pendingLength >= MAX_OUTPUT_LINE) this.emit(this.#drain());
    }
  }

  #drain(): string {
    const line = this.#pending.join('');
    this.#pending = [];
    this.#pendingLength = 0;
    return line;
  }
}

/** stdout or stderr: line-buffered per call, charged to the call's output quota. */
class QuotaOutput extends ConsoleStdout {
  readonly #buffers = new WeakMap<ActiveCall, LineBuffer>();

  constructor(
    readonly stream: OutputStream,
    readonly calls: CurrentCall,
    readonly output: WasiOutput,
  ) {
    super(() => undefined);
  }

  override fd_write(data: Uint8Array): { ret: number; nwritten: number } {
    const call = this.calls.current();
    const { allowed, refusal } = call.request.quota.chargeOutput(call, data.byteLength, call.request);
    if (allowed > 0) this.#bufferOf(call).append(data.subarray(0, allowed));
    if (refusal === undefined) return { ret: wasiDefs.ERRNO_SUCCESS, nwritten: allowed };
    call.lastError = `wasi fd_write (${this.stream}): ${refusal}`;
    // A partial write is a success; the next write gets the error.
    return allowed > 0 ? { ret: wasiDefs.ERRNO_SUCCESS, nwritten: allowed } : { ret: wasiDefs.ERRNO_NOSPC, nwritten: 0 };
  }

  #bufferOf(call: ActiveCall): LineBuffer {
    let buffer = this.#buffers.get(call);
    if (!buffer) {
      const made = new LineBuffer((line) => this.output(call, this.stream, line));
      this.#buffers.set(call, made);
      this.calls.atEnd(call, () => made.flush());
      buffer = made;
    }
    return buffer;
  }
}

/** One WASI instance per plugin; it always acts on the memory of the call in progress. */
export function createWasiImports(calls: CurrentCall, output: WasiOutput): Record<string, (...args: never[]) => unknown> {
  const wasi = new WASI(
    [],
    [],
    [new OpenFile(new File(new Uint8Array(0), { readonly: true })), new QuotaOutput('stdout', calls, output), new QuotaOutput('stderr', calls, output)],
  );
  const imports: Record<string, (...args: never[]) => unknown> = {};
  for (const name of Object.keys(WASI_FUNCTIONS)) {
    const shim = wasi.wasiImport[name];
    if (!shim) throw new Error(`The WASI shim lacks ${name}; update WASI_FUNCTIONS in contract/imports.ts.`);
    if (name === 'poll_oneoff') {
      imports[name] = (...args: never[]) => {
        const call = calls.current();
        chargeFuel(call.fuel, hostCallCost(0));
        markAllWritten(call.written);
        return pollAtOnce(call.memory, ...(args as unknown as [number, number, number, number]));
      };
      continue;
    }
    imports[name] = (...args: never[]) => {
      // The shim reads memory through `inst`; point it at whoever is calling now.
      const call = calls.current();
      chargeFuel(call.fuel, hostCallCost(0));
      // The shim writes results wherever its arguments point: the next reset restores everything.
      markAllWritten(call.written);
      wasi.inst = { exports: { memory: call.memory } };
      const result = shim(...args);
      // The shim returns nothing from a few calls that must return an errno (random_get).
      return result === undefined ? 0 : result;
    };
  }
  return imports;
}

const ERRNO_SUCCESS = 0;
const ERRNO_FAULT = 21;
const ERRNO_INVAL = 28;
const ERRNO_NOTSUP = 58;
const EVENTTYPE_CLOCK = 0;
const SUBSCRIPTION_SIZE = 48;
const EVENT_SIZE = 32;
/** More subscriptions than any real program waits on at once; a bound on the work of one call. */
const MAX_SUBSCRIPTIONS = 1024;

/**
 * `poll_oneoff(in, out, nsubscriptions, nevents_ptr)` that never waits: one event per
 * subscription, written at once (a clock is due now; a file descriptor is not supported).
 * A program that sleeps goes on immediately, as if the time had passed.
 */
export function pollAtOnce(memory: WebAssembly.Memory, inPtr: number, outPtr: number, count: number, neventsPtr: number): number {
  const n = count >>> 0;
  if (n === 0 || n > MAX_SUBSCRIPTIONS) return ERRNO_INVAL;
  const size = memory.buffer.byteLength;
  const input = inPtr >>> 0;
  const output = outPtr >>> 0;
  const nevents = neventsPtr >>> 0;
  if (input + n * SUBSCRIPTION_SIZE > size || output + n * EVENT_SIZE > size || nevents + 4 > size) return ERRNO_FAULT;
  const view = new DataView(memory.buffer);
  for (let i = 0; i < n; i++) {
    const subscription = input + i * SUBSCRIPTION_SIZE;
    const event = output + i * EVENT_SIZE;
    const userdata = view.getBigUint64(subscription, true);
    const type = view.getUint8(subscription + 8);
    new Uint8Array(memory.buffer, event, EVENT_SIZE).fill(0);
    view.setBigUint64(event, userdata, true);
    view.setUint16(event + 8, type === EVENTTYPE_CLOCK ? ERRNO_SUCCESS : ERRNO_NOTSUP, true);
    view.setUint8(event + 10, type);
  }
  view.setUint32(nevents, n, true);
  return ERRNO_SUCCESS;
}
