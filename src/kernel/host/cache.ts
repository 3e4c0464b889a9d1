/**
 * `trovato:kernel/cache-api`: values in named bins, tagged so that one `invalidate-tag` drops
 * every entry carrying the tag in every bin. Saving or deleting an item invalidates `item:<id>`
 * and `item_list`. Writes go through the request's unit of work, like any other storage write.
 */
import type { SiteStore } from '../storage/site-store.js';
import { HostCode, HostFailure, parseJsonArgument, type ActiveCall, type HostImpl } from './abi.js';
import { cacheWriteBytes, WRITE_OVERHEAD_BYTES } from '../storage/unit-of-work.js';
import { utf8Length } from '../limits.js';
import { badArgument, chargeStaging, describe, workOf } from './storage-work.js';

function checkBin(bin: string): void {
  if (bin.length === 0) throw badArgument('The cache bin must be a non-empty string.');
}

function parseTags(text: string): string[] {
  const tags = text === '' ? [] : parseJsonArgument(text, 'The cache tags');
  if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string' || tag.length === 0)) {
    throw badArgument(`The cache tags must be a JSON array of non-empty strings, got ${describe(tags)}.`);
  }
  return tags as string[];
}

/** The cache-api host functions over `store`. */
export function cacheHostFunctions(store: SiteStore): Record<string, HostImpl> {
  const set = (call: ActiveCall, [bin, key, value, tagsJson]: string[], maxAge: number, valueBytes: number): number => {
    const work = workOf(call, store);
    checkBin(bin);
    const tags = parseTags(tagsJson);
    if (!Number.isInteger(maxAge) || maxAge < 0) {
      throw badArgument(`The cache max-age must be a whole number of seconds, 0 for no expiry; got ${maxAge}.`);
    }
    chargeStaging(call, work, cacheWriteBytes(bin, key, value, tags, valueBytes));
    work.setCache(bin, key, value, tags, maxAge);
    return 0;
  };
  return {
    get: (call, [bin, key]) => {
      checkBin(bin);
      const value = workOf(call, store).getCache(bin, key);
      if (value === undefined) {
        throw new HostFailure(HostCode.notFound, `The cache bin "${bin}" has no entry "${key}" (never set, expired or invalidated).`);
      }
      return value;
    },
    set: (call, strings, _numbers, byteLengths) => set(call, strings, 0, byteLengths[2]),
    'set-with-max-age': (call, strings, [maxAge], byteLengths) => set(call, strings, maxAge, byteLengths[2]),
    'invalidate-tag': (call, [tag]) => {
      if (tag.length === 0) throw badArgument('The cache tag must be a non-empty string.');
      const work = workOf(call, store);
      chargeStaging(call, work, WRITE_OVERHEAD_BYTES + utf8Length(tag));
      work.invalidateTag(tag);
      return 0;
    },
  };
}
