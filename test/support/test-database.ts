/**
 * Removing a test's IndexedDB database once its connections are closed, so real IndexedDB in
 * Chromium does not fill up across test files.
 */

/** Deletes database `name`; a connection still open elsewhere only delays it, so that resolves too. */
export function deleteTestDatabase(name: string, factory: IDBFactory = indexedDB): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = factory.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
    request.onblocked = () => resolve();
  });
}
