/**
 * The load-time rewrite's output kept between boots. Rewriting is the slowest part of loading a
 * plugin (tens of milliseconds for a 100 KB module, several times its check and compile), and
 * its output depends only on the original bytes and the rewrite's options, so a warm boot reads
 * it back instead. An entry is found only under the SHA-256 of the original module, the options
 * and REWRITE_FORMAT: a changed plugin, limit or fuel setting, or a kernel whose rewrite writes
 * other bytes, never meets an entry made for another.
 */
import { REWRITE_FORMAT, rewriteModule, type RewriteOptions, type RewriteResult, type RewrittenModule } from './module-rewrite.js';
import { messageOf } from '../common/errors.js';
import { sha256Hex } from '../common/digest.js';

/** Where rewritten modules are kept (src/kernel/storage/keyed-cache.ts keeps them in IndexedDB). */
export interface RewriteCache {
  get(key: string): Promise<RewrittenModule | undefined>;
  put(key: string, module: RewrittenModule): Promise<void>;
}

/** The key of `bytes` rewritten with `options`: format, options, then the original's SHA-256. */
export async function rewriteCacheKey(bytes: Uint8Array, options: RewriteOptions): Promise<string> {
  const hex = await sha256Hex(bytes);
  const fuel = options.fuel === false ? 'unmetered' : options.writtenRange === false ? 'fuel' : 'fuel+written';
  return `${REWRITE_FORMAT}/${fuel}/${options.maxMemoryPages}/${hex}`;
}

/**
 * rewriteModule through `cache`: a hit is the module as rewritten before; a miss rewrites and
 * keeps the result. A cache that fails costs the time it saves, never the load: the failure is
 * reported through `warn` and the module rewritten. Refusals are not kept (they are cheap to
 * find again, and their message should be this kernel's).
 */
export async function rewriteThroughCache(
  bytes: Uint8Array,
  options: RewriteOptions,
  cache: RewriteCache,
  warn: (message: string) => void,
): Promise<RewriteResult> {
  const key = await rewriteCacheKey(bytes, options);
  let readable = true;
  try {
    const kept = await cache.get(key);
    if (kept !== undefined) return { ok: true, module: kept };
  } catch (error) {
    readable = false;
    warn(`The cache of rewritten plugin modules could not be read, so the module is rewritten again: ${messageOf(error)}`);
  }
  const rewritten = rewriteModule(bytes, options);
  // A cache that cannot be read is not written either: one warning says what happened.
  if (rewritten.ok && readable) {
    await cache.put(key, rewritten.module).catch((error: unknown) => {
      warn(`The rewritten plugin module could not be kept for the next boot (it loads now all the same): ${messageOf(error)}`);
    });
  }
  return rewritten;
}
