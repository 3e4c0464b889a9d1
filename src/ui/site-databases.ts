/**
 * Which IndexedDB database holds which site. The visitor's own site lives in the database
 * named after it until an import or an applied recipe replaces it: those are built in a fresh
 * database and swapped in only when they succeeded, by moving this pointer (IndexedDB cannot
 * rename a database). A recipe opened from a link gets a preview database of its own, never the
 * visitor's; the previous preview is deleted when the next one is ready.
 */

const OWN_KEY = 'trovato-site-db:';
const PREVIEW_KEY = 'trovato-recipe-preview:';

/** The database of the visitor's own site `siteName`. */
export function ownDatabase(siteName: string): string {
  return readKey(OWN_KEY + siteName) ?? siteName;
}

/** Points the visitor's own site at `database` (after a successful import or applied recipe). */
export function setOwnDatabase(siteName: string, database: string): void {
  writeKey(OWN_KEY + siteName, database === siteName ? null : database);
}

/** The last recipe preview's database, if one is left. */
export function previewDatabase(siteName: string): string | null {
  return readKey(PREVIEW_KEY + siteName);
}

export function setPreviewDatabase(siteName: string, database: string | null): void {
  writeKey(PREVIEW_KEY + siteName, database);
}

/** A database name no site uses yet, e.g. `trovato-site~recipe-m3k2x1-4f9a`. */
export function freshDatabase(siteName: string, purpose: 'recipe' | 'import' | 'site'): string {
  return `${siteName}~${purpose}-${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
}

function readKey(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeKey(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Storage disabled: the swap holds for this page load only, and the site reopens its own database.
  }
}
