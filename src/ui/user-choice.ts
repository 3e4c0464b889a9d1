/**
 * The user picked in the header, per site, kept in localStorage: what the site runs requests as
 * after a reload (no pick: the anonymous user). The boot script reads it too, to find the
 * snapshot made for that user (page-snapshot.ts).
 */

/** The localStorage key of the user picked on `siteName`. */
export function userChoiceKey(siteName: string): string {
  return `trovato-user:${siteName}`;
}

/** The picked user's id, or null when none was picked (or storage is off). */
export function readUserChoice(siteName: string): string | null {
  try {
    return localStorage.getItem(userChoiceKey(siteName));
  } catch {
    return null;
  }
}

export function writeUserChoice(siteName: string, userId: string): void {
  try {
    localStorage.setItem(userChoiceKey(siteName), userId);
  } catch {
    // Storage disabled: the pick holds for this page load only.
  }
}
