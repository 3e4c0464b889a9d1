/**
 * `trovato:kernel/cache-api`: values in named bins, tagged so that one `invalidate-tag` drops
 * every entry carrying the tag in every bin. Saving or deleting an item invalidates `item:<id>`
 * and `item_list`. Writes go through the request's unit of work, like any other storage write.
 * Every entry varies by cache contexts (../cache-context.ts): at least the user's permissions,
 * plus whatever `set-with-contexts` declares.
 */
import type { SiteStore } from '../storage/site-store.js';
import { parseJsonArgument, type ActiveCall, type HostImpl } from './abi.js';
import { HostCode, HostFailure } from '../contract/host-codes.js';
import { cacheWriteBytes, WRITE_OVERHEAD_BYTES } from '../storage/unit-of-work.js';
import { utf8Length } from '../common/limits.js';
import { badArgument, chargeStaging, describe, workOf } from './storage-work.js';
import { contextProblem, effectiveContexts, redirectKey, variantKey, type CacheContext } from '../request/cache-context.js';

function parseContexts(text: string): CacheContext[] {
  const contexts = text === '' ? [] : parseJsonArgument(text, 'The cache contexts');
  if (!Array.isArray(contexts)) throw badArgument(`The cache contexts must be a JSON array of context names, got ${describe(contexts)}.`);
  for (const context of contexts) {
    const problem = contextProblem(context);
    if (problem !== null) throw badArgument(problem);
  }
  return contexts as CacheContext[];
}

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
  const set = (call: ActiveCall, [bin, key, value, tagsJson]: string[], maxAge: number, valueBytes: number, declared: CacheContext[] = []): number => {
    const work = workOf(call, store);
    checkBin(bin);
    const tags = parseTags(tagsJson);
    if (!Number.isInteger(maxAge) || maxAge < 0) {
      throw badArgument(`The cache max-age must be a whole number of seconds, 0 for no expiry; got ${maxAge}.`);
    }
    const contexts = effectiveContexts(declared);
    const redirect = JSON.stringify(contexts);
    const variant = variantKey(key, contexts, call.request);
    chargeStaging(call, work, cacheWriteBytes(bin, redirectKey(key), redirect, tags, utf8Length(redirect)) + cacheWriteBytes(bin, variant, value, tags, valueBytes));
    work.setCache(bin, redirectKey(key), redirect, tags, maxAge);
    work.setCache(bin, variant, value, tags, maxAge);
    return 0;
  };
  return {
    get: (call, [bin, key]) => {
      checkBin(bin);
      const work = workOf(call, store);
      const redirect = work.getCache(bin, redirectKey(key));
      const value = redirect === undefined ? undefined : work.getCache(bin, variantKey(key, JSON.parse(redirect) as CacheContext[], call.request));
      if (value === undefined) {
        throw new HostFailure(HostCode.notFound, `The cache bin "${bin}" has no entry "${key}" for this request's cache contexts (never set, expired, invalidated, or set for another user, route or query).`);
      }
      return value;
    },
    set: (call, strings, _numbers, byteLengths) => set(call, strings, 0, byteLengths[2]),
    'set-with-max-age': (call, strings, [maxAge], byteLengths) => set(call, strings, maxAge, byteLengths[2]),
    'set-with-contexts': (call, strings, [maxAge], byteLengths) => set(call, strings, maxAge, byteLengths[2], parseContexts(strings[4])),
    'invalidate-tag': (call, [tag]) => {
      if (tag.length === 0) throw badArgument('The cache tag must be a non-empty string.');
      const work = workOf(call, store);
      chargeStaging(call, work, WRITE_OVERHEAD_BYTES + utf8Length(tag));
      work.invalidateTag(tag);
      return 0;
    },
  };
}
