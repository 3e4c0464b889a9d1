/**
 * The data version as this origin's pages last heard it, per site database, in localStorage:
 * what lets the boot script show a last-page snapshot without waiting for IndexedDB (opening it
 * at the start of a page costs tens of milliseconds in Chromium, the largest part of a snapshot's
 * wait). The kernel workers announce every new version on a BroadcastChannel once its write has
 * committed (src/kernel/storage/data-version.ts, `DATA_VERSION_CHANNEL`); every open page of
 * the origin that follows them writes it here.
 *
 * It is a hint, never the authority: it can lag the database for the moment between a commit
 * and its announcement, or for good when the only page that would have heard it was closed in
 * that moment. So the boot script that shows a snapshot on its word still reads the data version
 * from IndexedDB, withdraws the snapshot if that differs, and sets the mirror right
 * (page-snapshot.ts, `showSnapshotAtBoot`).
 */
import { DATA_VERSION_CHANNEL, isDataVersionNotice } from '../kernel/storage/data-version.js';

const KEY_PREFIX = 'trovato-data-version:';

/** The localStorage key of `database`'s mirrored data version. */
export function mirrorKey(database: string): string {
  return KEY_PREFIX + database;
}

/** The data version of `database` as last heard, or null (none heard, deleted, or storage off). */
export function mirroredDataVersion(database: string): string | null {
  try {
    return localStorage.getItem(mirrorKey(database));
  } catch {
    return null;
  }
}

/**
 * Sets `database`'s mirrored version (null forgets it). With `unless`, only if the mirror still
 * holds that value: an answer from IndexedDB must not overwrite a newer announcement heard while
 * it was read.
 */
export function mirrorDataVersion(database: string, version: string | null, unless?: { heard: string | null }): void {
  try {
    if (unless !== undefined && localStorage.getItem(mirrorKey(database)) !== unless.heard) return;
    if (version === null) localStorage.removeItem(mirrorKey(database));
    else localStorage.setItem(mirrorKey(database), version);
  } catch {
    // Storage off or full: the mirror is only a hint, and the boot reads IndexedDB without it.
  }
}

/**
 * Writes every announcement of the kernel workers into the mirror for as long as the page
 * lives (the boot script starts it before it starts a worker); returns a function that stops.
 * Without BroadcastChannel there is nothing to follow: boots then always read IndexedDB.
 */
export function followDataVersions(): () => void {
  if (typeof BroadcastChannel !== 'function') return () => undefined;
  const channel = new BroadcastChannel(DATA_VERSION_CHANNEL);
  channel.onmessage = (event: MessageEvent) => {
    if (isDataVersionNotice(event.data)) mirrorDataVersion(event.data.database, event.data.version);
  };
  return () => channel.close();
}
