/**
 * fake-indexeddb's in-memory IndexedDB, for Node (the CLI and unit tests) and for the embed
 * frame's worker. Only entry points import this file; kernel code receives the factory as a value.
 */
import * as fake from 'fake-indexeddb';

const CLASSES = [
  'IDBCursor',
  'IDBCursorWithValue',
  'IDBDatabase',
  'IDBFactory',
  'IDBIndex',
  'IDBKeyRange',
  'IDBObjectStore',
  'IDBOpenDBRequest',
  'IDBRequest',
  'IDBTransaction',
  'IDBVersionChangeEvent',
] as const;

/**
 * Defines the IndexedDB classes `idb` checks values against as fake-indexeddb's: only where this
 * runtime lacks them, or everywhere (and `indexedDB` too) with `replace`, for a context that must
 * never touch the real IndexedDB (the embed frame's worker).
 */
export function installFakeIndexedDB({ replace }: { replace: boolean }): IDBFactory {
  const global = globalThis as Record<string, unknown>;
  for (const name of replace ? (['indexedDB', ...CLASSES] as const) : CLASSES) {
    if (replace || global[name] === undefined) {
      Object.defineProperty(globalThis, name, { value: fake[name], configurable: true, writable: true });
    }
  }
  return fake.indexedDB;
}

/**
 * Returns fake-indexeddb's factory, first defining the IndexedDB classes `idb` checks values
 * against when this runtime lacks them (it never replaces real ones, nor `indexedDB` itself).
 *
 * @example
 * const store = await openSiteStore({ name: 'my-site', indexedDB: nodeIndexedDB() });
 */
export function nodeIndexedDB(): IDBFactory {
  return installFakeIndexedDB({ replace: false });
}
