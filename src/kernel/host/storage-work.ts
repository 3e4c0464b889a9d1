/**
 * How storage host functions reach the request's unit of work, and the argument checks they
 * share.
 */
import { UnitOfWork } from '../storage/unit-of-work.js';
import type { SiteStore } from '../storage/site-store.js';
import { parseJsonArgument, type ActiveCall } from './abi.js';
import { HostCode, HostFailure } from '../contract/host-codes.js';
import type { ValueLimit } from '../common/limits.js';

/**
 * Charges `bytes` of writes about to be staged against the request's staging quota
 * (stagedBytesPerRequest), or throws -6 before anything is staged.
 */
export function chargeStaging(call: ActiveCall, work: UnitOfWork, bytes: number): void {
  call.request.quota.checkStaged(call, work.stagedBytes, bytes, call.request);
}

/** Throws -6 when one stored value of `bytes` is over its quota. */
export function checkValueSize(call: ActiveCall, key: ValueLimit, bytes: number, what: string): void {
  call.request.quota.checkValue(call, key, bytes, what, call.request);
}

/** The request's unit of work on `store`, or a -4 failure that says why there is none. */
export function workOf(call: ActiveCall, store: SiteStore): UnitOfWork {
  const work = call.request.work;
  if (!(work instanceof UnitOfWork)) {
    throw new HostFailure(
      HostCode.storageFailure,
      `This request has no storage behind it, so items, tables, variables and cache are unavailable to plugin "${call.plugin}". ` +
        'Run the request through a kernel opened with a site store.',
    );
  }
  if (!work.belongsTo(store)) {
    throw new HostFailure(HostCode.storageFailure, `This request's storage belongs to another site than "${store.name}" (a kernel bug).`);
  }
  if (work.state !== 'open') {
    throw new HostFailure(HostCode.storageFailure, `This request's storage is already ${work.state}; writes after the request ended are refused.`);
  }
  return work;
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a JSON argument that must be an object. */
export function parseObject(text: string, what: string): JsonObject {
  const value = parseJsonArgument(text, what);
  if (!isObject(value)) throw badArgument(`${what} must be a JSON object, got ${describe(value)}.`);
  return value;
}

/** Refuses keys outside `allowed`, so a typo (`field` for `fields`) is an error, not a silent no-op. */
export function checkKeys(object: JsonObject, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) throw badArgument(`${what} has an unknown key "${key}"; the keys are ${allowed.join(', ')}.`);
  }
}

/** An optional non-negative integer (limit, offset). */
export function optionalCount(object: JsonObject, key: string, what: string): number | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw badArgument(`${what} "${key}" must be a non-negative integer, got ${describe(value)}.`);
  }
  return value;
}

export function badArgument(message: string): HostFailure {
  return new HostFailure(HostCode.badArguments, message);
}

/** A short description of a JSON value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** Sort order over JSON scalars: numbers, then strings, then booleans; missing values last. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return (a as number) - (b as number);
  if (ra === 1) return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
  if (ra === 2) return Number(a) - Number(b);
  return 0;
}

/** The order of kinds of value: numbers, strings, booleans, anything else, missing. */
function rank(v: unknown): number {
  return typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : typeof v === 'boolean' ? 2 : v === undefined || v === null ? 4 : 3;
}

/** `<`-style comparison that is false unless both sides are numbers or both are strings. */
export function ordered(a: unknown, b: unknown, test: (order: number) => boolean): boolean {
  if (!((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string'))) return false;
  return test(compareValues(a, b));
}

export function parseDirection(value: unknown, what: string): 1 | -1 {
  if (value === undefined || value === null) return 1;
  if (typeof value === 'string' && value.toLowerCase() === 'asc') return 1;
  if (typeof value === 'string' && value.toLowerCase() === 'desc') return -1;
  throw badArgument(`${what} direction must be "asc" or "desc", got ${describe(value)}.`);
}
