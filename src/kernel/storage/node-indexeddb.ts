/**
 * IndexedDB for Node (the CLI and unit tests): fake-indexeddb's in-memory implementation.
 * Only Node entry points import this file; kernel code receives the factory as a value.
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
 * Returns fake-indexeddb's factory, first defining the IndexedDB classes `idb` checks values
 * against when this runtime lacks them (it never replaces real ones, nor `indexedDB` itself).
 *
 * @example
 * const store = await openSiteStore({ name: 'my-site', indexedDB: nodeIndexedDB() });
 */
export function nodeIndexedDB(): IDBFactory {
  const global = globalThis as Record<string, unknown>;
  for (const name of CLASSES) {
    if (global[name] === undefined) {
      Object.defineProperty(globalThis, name, { value: fake[name], configurable: true, writable: true });
    }
  }
  return fake.indexedDB;
}
