/**
 * One request's use of the kernel's quotas (see limits.ts), per call and for the whole request.
 * Host functions charge it before they record or stage anything, so a refused call leaves no
 * trace but its error: -6 and a `last-error` that names the quota and its size. The first
 * refusal of each quota for each plugin also leaves one warning in the request's log, so a
 * plugin that ignores return codes still shows the user why its output stopped.
 */
import { DEFAULT_LIMITS, describeLimit, type KernelLimits, type ValueLimit } from '../common/limits.js';
import type { LogEntry } from '../common/log-entry.js';
import { HostCode, HostFailure } from '../contract/host-codes.js';

/** What a quota needs to know about the call being charged. */
export interface ChargedCall {
  readonly plugin: string;
}

interface CallUsage {
  logLines: number;
  logBytes: number;
  outputBytes: number;
  /** Set once the call's line quota is spent: every later line gets the same refusal. */
  linesRefused?: HostFailure;
}

/** The logs of the request that a first refusal warns in. */
interface QuotaLog {
  record(entry: LogEntry): void;
}

/** Distinct refusals kept per request (see #refusals); messages past it are built each time. */
const MAX_KEPT_REFUSALS = 64;

export class RequestQuota {
  readonly limits: KernelLimits;
  #logLines = 0;
  #logBytes = 0;
  #outputBytes = 0;
  #contextBytes = 0;
  #linesRefused: HostFailure | undefined;
  // Keyed by the call object: a nested invoke is a call of its own. These three are made at
  // their first use: most requests never log nor get refused, and every request makes a quota.
  #calls: WeakMap<ChargedCall, CallUsage> | undefined;
  #warned: Set<string> | undefined;
  /**
   * Refusals by message. A plugin that ignores -6 repeats the same refused call (a million
   * log lines): building an Error each time would cost more than the call itself.
   */
  #refusals: Map<string, HostFailure> | undefined;

  constructor(limits: KernelLimits = DEFAULT_LIMITS) {
    this.limits = limits;
  }

  /**
   * A refusal that holds whatever the arguments are, so the host function can answer without
   * even decoding them: a spent line quota, for `logging.log`.
   */
  spentFor(call: ChargedCall, qualifiedName: string): HostFailure | undefined {
    if (qualifiedName !== 'logging.log') return undefined;
    return this.#calls?.get(call)?.linesRefused ?? this.#linesRefused;
  }

  /** Counts one `logging.log` line of `bytes`, or throws -6 when a log quota is spent. */
  chargeLog(call: ChargedCall, bytes: number, log: QuotaLog): void {
    const usage = this.#usage(call);
    // Spent line quotas stay spent: answer at once (a plugin may keep trying a million times).
    if (usage.linesRefused) throw usage.linesRefused;
    if (this.#linesRefused) throw this.#linesRefused;
    const { limits } = this;
    if (usage.logLines + 1 > limits.logLinesPerCall) {
      throw (usage.linesRefused = this.#refuse(call, log, 'logLinesPerCall', `this call already logged ${usage.logLines} lines`));
    }
    if (this.#logLines + 1 > limits.logLinesPerRequest) {
      throw (this.#linesRefused = this.#refuse(call, log, 'logLinesPerRequest', `this request already logged ${this.#logLines} lines`));
    }
    if (usage.logBytes + bytes > limits.logBytesPerCall) {
      throw this.#refuse(call, log, 'logBytesPerCall', `this call already logged ${usage.logBytes} bytes and the line has ${bytes}`);
    }
    if (this.#logBytes + bytes > limits.logBytesPerRequest) {
      throw this.#refuse(call, log, 'logBytesPerRequest', `this request already logged ${this.#logBytes} bytes and the line has ${bytes}`);
    }
    usage.logLines++;
    usage.logBytes += bytes;
    this.#logLines++;
    this.#logBytes += bytes;
  }

  /**
   * How many of `bytes` of WASI stdout/stderr the call may still write, and when that is not
   * all of them, why (the first time, a warning goes to the request's log too). Counts what it
   * allows.
   */
  chargeOutput(call: ChargedCall, bytes: number, log: QuotaLog): { allowed: number; refusal?: string } {
    const usage = this.#usage(call);
    const { limits } = this;
    const leftInCall = limits.outputBytesPerCall - usage.outputBytes;
    const leftInRequest = limits.outputBytesPerRequest - this.#outputBytes;
    const allowed = Math.max(0, Math.min(bytes, leftInCall, leftInRequest));
    usage.outputBytes += allowed;
    this.#outputBytes += allowed;
    if (allowed === bytes) return { allowed };
    const key = leftInCall <= leftInRequest ? 'outputBytesPerCall' : 'outputBytesPerRequest';
    const refusal = this.#refuse(call, log, key, `${allowed} of ${bytes} bytes were written; further output gets ERRNO_NOSPC and is not recorded`);
    return { allowed, refusal: refusal.message };
  }

  /** Throws -6 when one value of `bytes` is over its per-value quota. */
  checkValue(call: ChargedCall, key: ValueLimit, bytes: number, what: string, log: QuotaLog): void {
    if (bytes > this.limits[key]) throw this.#refuse(call, log, key, `${what} has ${bytes} bytes`);
  }

  /** Throws -6 when staging `adding` bytes on top of `staged` would pass stagedBytesPerRequest. */
  checkStaged(call: ChargedCall, staged: number, adding: number, log: QuotaLog): void {
    if (staged + adding > this.limits.stagedBytesPerRequest) {
      throw this.#refuse(
        call,
        log,
        'stagedBytesPerRequest',
        `this request has staged ${staged} bytes of writes and this one adds ${adding}; the writes staged so far still commit`,
      );
    }
  }

  /** Replaces a request-context entry of `before` bytes by one of `after`, or throws -6. */
  chargeContext(call: ChargedCall, before: number, after: number, log: QuotaLog): void {
    const total = this.#contextBytes - before + after;
    if (total > this.limits.contextBytesPerRequest) {
      throw this.#refuse(call, log, 'contextBytesPerRequest', `the request context would hold ${total} bytes`);
    }
    this.#contextBytes = total;
  }

  #usage(call: ChargedCall): CallUsage {
    const calls = (this.#calls ??= new WeakMap());
    let usage = calls.get(call);
    if (!usage) calls.set(call, (usage = { logLines: 0, logBytes: 0, outputBytes: 0 }));
    return usage;
  }

  #refuse(call: ChargedCall, log: QuotaLog, key: keyof KernelLimits, why: string): HostFailure {
    const message = `over ${describeLimit(this.limits, key)}: ${why}. Do less in one request, or raise limits.${key} in the kernel options.`;
    const warnedKey = `${call.plugin}\u0000${key}`;
    const warned = (this.#warned ??= new Set());
    if (!warned.has(warnedKey)) {
      warned.add(warnedKey);
      log.record({ plugin: call.plugin, level: 'warning', message: `${call.plugin} went ${message}`, time: Date.now(), source: 'log' });
    }
    const refusals = (this.#refusals ??= new Map());
    let refusal = refusals.get(message);
    if (!refusal) {
      refusal = new HostFailure(HostCode.limitExceeded, message);
      if (refusals.size < MAX_KEPT_REFUSALS) refusals.set(message, refusal);
    }
    return refusal;
  }
}
