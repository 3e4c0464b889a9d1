/**
 * The kernel's quotas: how much one plugin call, and one request, may log, print, store and
 * stage. They hold wherever the kernel runs (Node, a Web Worker) because the host functions
 * enforce them, not the thread around the kernel. Over a quota the host call returns -6
 * (limit exceeded) and `last-error` names the quota (by its key here) and its size; the
 * request still commits what was valid. docs/abi.md §7.4 lists them.
 */
import { KernelError } from './errors.js';

const KIB = 1024;
const MIB = 1024 * KIB;

/** Every quota, by the key a kernel option (`limits`) and an error message use. */
export interface KernelLimits {
  /** `logging.log` lines one plugin call may record. */
  readonly logLinesPerCall: number;
  /** `logging.log` lines one request may record, all calls together. */
  readonly logLinesPerRequest: number;
  /** UTF-8 bytes of `logging.log` messages one plugin call may record. */
  readonly logBytesPerCall: number;
  /** UTF-8 bytes of `logging.log` messages one request may record. */
  readonly logBytesPerRequest: number;
  /** Bytes one plugin call may write to WASI stdout and stderr together. */
  readonly outputBytesPerCall: number;
  /** Bytes one request may write to WASI stdout and stderr, all calls together. */
  readonly outputBytesPerRequest: number;
  /** UTF-8 bytes of one `variables.set` value. */
  readonly variableValueBytes: number;
  /** UTF-8 bytes of one `cache-api.set` value. */
  readonly cacheValueBytes: number;
  /** UTF-8 bytes of one db row, as JSON, after an insert or update. */
  readonly dbRowBytes: number;
  /** UTF-8 bytes of one item, as JSON, as `save-item` stores it. */
  readonly itemBytes: number;
  /** UTF-8 bytes of one `request-context.set` value. */
  readonly contextValueBytes: number;
  /** UTF-8 bytes the request context may hold, all keys and values together. */
  readonly contextBytesPerRequest: number;
  /**
   * Bytes of writes one request may stage before it commits (items, rows, variables, cache
   * entries; each write also counts a fixed overhead), so a request cannot exhaust memory.
   */
  readonly stagedBytesPerRequest: number;
}

/**
 * The defaults: generous for content plugins (a blog post is a few KiB, the site's log keeps
 * 5,000 lines), small enough that a tab, or a server running many requests, stays bounded.
 */
export const DEFAULT_LIMITS: KernelLimits = Object.freeze({
  logLinesPerCall: 1_000,
  logLinesPerRequest: 10_000,
  logBytesPerCall: 256 * KIB,
  logBytesPerRequest: 1 * MIB,
  outputBytesPerCall: 256 * KIB,
  outputBytesPerRequest: 1 * MIB,
  variableValueBytes: 1 * MIB,
  cacheValueBytes: 1 * MIB,
  dbRowBytes: 1 * MIB,
  itemBytes: 1 * MIB,
  contextValueBytes: 1 * MIB,
  contextBytesPerRequest: 8 * MIB,
  stagedBytesPerRequest: 32 * MIB,
});

/** A quota whose size is per value rather than a running total. */
export type ValueLimit = 'variableValueBytes' | 'cacheValueBytes' | 'dbRowBytes' | 'itemBytes' | 'contextValueBytes';

/**
 * String arguments stored as they are, so their quota is checked on the argument's byte length
 * before it is even decoded (a 15 MiB value is refused without being copied). By qualified
 * host function name, one entry per string argument.
 */
export const ARGUMENT_LIMITS: Readonly<Record<string, ReadonlyArray<ValueLimit | undefined>>> = Object.freeze({
  'variables.set': [undefined, 'variableValueBytes'],
  'cache-api.set': [undefined, undefined, 'cacheValueBytes'],
  'cache-api.set-with-max-age': [undefined, undefined, 'cacheValueBytes'],
  'cache-api.set-with-contexts': [undefined, undefined, 'cacheValueBytes'],
  'request-context.set': [undefined, 'contextValueBytes'],
});

/** What each quota counts, for messages: "10000 lines", "1048576 bytes". */
export const LIMIT_UNITS: Readonly<Record<keyof KernelLimits, 'lines' | 'bytes'>> = Object.freeze({
  logLinesPerCall: 'lines',
  logLinesPerRequest: 'lines',
  logBytesPerCall: 'bytes',
  logBytesPerRequest: 'bytes',
  outputBytesPerCall: 'bytes',
  outputBytesPerRequest: 'bytes',
  variableValueBytes: 'bytes',
  cacheValueBytes: 'bytes',
  dbRowBytes: 'bytes',
  itemBytes: 'bytes',
  contextValueBytes: 'bytes',
  contextBytesPerRequest: 'bytes',
  stagedBytesPerRequest: 'bytes',
});

/**
 * The defaults with `overrides` applied. Refuses an unknown key or a value that is not a
 * positive safe integer, naming the key, so a typo in the kernel options is not silently
 * ignored.
 *
 * @example
 * const limits = resolveLimits({ logLinesPerRequest: 100 });
 */
export function resolveLimits(overrides: Partial<KernelLimits> = {}): KernelLimits {
  const resolved: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in DEFAULT_LIMITS)) {
      throw new KernelError('BAD_INPUT', `The kernel option limits.${key} is not a quota; the quotas are ${Object.keys(DEFAULT_LIMITS).join(', ')}.`);
    }
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw new KernelError('BAD_INPUT', `The kernel option limits.${key} must be a positive whole number, got ${String(value)}.`);
    }
    resolved[key] = value;
  }
  return Object.freeze(resolved as unknown as KernelLimits);
}

/** "the quota logLinesPerRequest (10000 lines)": how every quota error names its quota. */
export function describeLimit(limits: KernelLimits, key: keyof KernelLimits): string {
  return `the quota ${key} (${limits[key]} ${LIMIT_UNITS[key]})`;
}

/**
 * UTF-8 length of a string without encoding it. A string longer than `cap` code units is over
 * any quota of `cap` bytes (a code unit is at least one byte), so counting stops there.
 */
export function utf8Length(text: string, cap = Infinity): number {
  if (text.length > cap) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
