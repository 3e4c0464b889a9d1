/**
 * In-memory IndexedDB (fake-indexeddb) in place of the browser's, for the embed frame's kernel
 * worker: an embedded site is throwaway, and a frame on a documentation page is a third-party
 * frame, where browsers may partition or refuse IndexedDB. With this, the frame never reads or
 * writes its origin's storage at all. Imported first by embed-worker.ts, so every later
 * `indexedDB` and `instanceof IDBRequest` (idb checks values against these globals) is the
 * in-memory one.
 */
import * as memory from 'fake-indexeddb';

const GLOBALS = [
  'indexedDB',
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

for (const name of GLOBALS) {
  Object.defineProperty(globalThis, name, { value: memory[name], configurable: true, writable: true });
}
