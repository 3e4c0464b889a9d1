/**
 * Cache contexts: what a cached value depends on besides its key. A plugin declares them when
 * it sets the entry (`cache-api.set-with-contexts`); the entry is then stored per combination
 * of those contexts' values for the request that set it, and a later `get` is served only the
 * variant whose values match its own request. `user.permissions` is always added, so an entry
 * set while the administrator was looking is never served to anonymous, whatever the plugin
 * declared.
 *
 * Stored as two kinds of entries under the plugin's bin: a *redirect* under the key that names
 * the contexts, and one *variant* per context values. Both carry the entry's tags, so one
 * `invalidate-tag` drops them together.
 */
import type { RequestState } from './request-state.js';
import type { CurrentUser } from '../common/users.js';

export const CACHE_CONTEXTS = ['user', 'user.roles', 'user.permissions', 'route', 'url.query'] as const;
export type CacheContext = (typeof CACHE_CONTEXTS)[number] | `url.query:${string}`;

/** Added to every entry: two users with different permissions never share a cached value. */
export const REQUIRED_CONTEXTS: readonly CacheContext[] = ['user.permissions'];

/** Why `name` is not a cache context, or null when it is one. */
export function contextProblem(name: unknown): string | null {
  if (typeof name === 'string' && ((CACHE_CONTEXTS as readonly string[]).includes(name) || /^url\.query:.+$/.test(name))) return null;
  return `${JSON.stringify(name)} is not a cache context; use ${CACHE_CONTEXTS.join(', ')} or url.query:<name>.`;
}

/** The declared contexts plus the required ones, sorted and without repeats. */
export function effectiveContexts(declared: readonly CacheContext[]): CacheContext[] {
  return [...new Set([...REQUIRED_CONTEXTS, ...declared])].sort();
}

/** The storage key of the redirect naming an entry's contexts. */
export function redirectKey(key: string): string {
  // The length prefix makes the join unambiguous whatever the plugin's key contains.
  return `${key.length}:${key}#contexts`;
}

/** The storage key of the variant of `key` for this request's values of `contexts`. */
export function variantKey(key: string, contexts: readonly CacheContext[], request: RequestState): string {
  return `${key.length}:${key}#${JSON.stringify(contexts.map((context) => [context, contextValue(context, request)]))}`;
}

function contextValue(context: CacheContext, request: RequestState): string {
  const user = request.user;
  switch (context) {
    case 'user':
      return user.id;
    case 'user.roles':
      return [...user.roles].sort().join(',');
    case 'user.permissions':
      return permissionsFingerprint(user);
    case 'route':
      return request.route?.path ?? '';
    case 'url.query':
      return JSON.stringify(Object.entries(request.route?.query ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    default: {
      const name = context.slice('url.query:'.length);
      return request.route?.query[name] ?? '';
    }
  }
}

/** The user's permissions, sorted: users with the same set may share an entry, others may not. */
function permissionsFingerprint(user: CurrentUser): string {
  return JSON.stringify([...user.permissions].sort());
}
