/**
 * Where the page keeps the list of quarantined plugins (name -> reason).
 *
 * It lives in the page, in localStorage, not in the site's IndexedDB: the supervisor decides to
 * quarantine at the moment the kernel worker is dead, and must apply the list before the next
 * boot, because the boot itself may be what hangs (a plugin looping in `tap_menu`). The page has
 * no IndexedDB code of its own (only kernel/storage may use idb), and waiting for a booted
 * worker to write it would loop forever on such a plugin. localStorage is synchronous, survives
 * reloads and is per origin; the key carries the site name so each site has its own list.
 */

export interface QuarantineStore {
  load(): Record<string, string>;
  save(reasons: Record<string, string>): void;
}

/** The localStorage key of the quarantine list of the site `siteName`'s kernel. */
export function siteQuarantineKey(siteName: string): string {
  return `trovato:quarantine:${siteName}`;
}

/** A store that forgets on reload (Node, tests, or a page without localStorage). */
export function memoryQuarantine(initial: Record<string, string> = {}): QuarantineStore {
  let reasons = { ...initial };
  return {
    load: () => ({ ...reasons }),
    save: (next) => {
      reasons = { ...next };
    },
  };
}

/**
 * The list in localStorage under `key` (e.g. `trovato:quarantine:my-site`); falls back to
 * memory where localStorage is missing or refuses (private modes, a full quota).
 */
export function localStorageQuarantine(key: string): QuarantineStore {
  const storage = (globalThis as { localStorage?: Storage }).localStorage;
  const fallback = memoryQuarantine();
  return {
    load() {
      try {
        const text = storage?.getItem(key);
        if (!text) return fallback.load();
        const parsed: unknown = JSON.parse(text);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return fallback.load();
        return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
      } catch {
        return fallback.load();
      }
    },
    save(reasons) {
      fallback.save(reasons);
      try {
        if (Object.keys(reasons).length === 0) storage?.removeItem(key);
        else storage?.setItem(key, JSON.stringify(reasons));
      } catch {
        // Kept in memory for this page load; the plugin would be quarantined again if it hangs.
      }
    },
  };
}
