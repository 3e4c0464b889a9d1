/**
 * In-memory IndexedDB (fake-indexeddb) in place of the browser's, for the embed frame's kernel
 * worker: an embedded site is throwaway, and a frame on a documentation page is a third-party
 * frame, where browsers may partition or refuse IndexedDB. With this, the frame never reads or
 * writes its origin's storage at all. Imported first by embed-worker.ts, so every later
 * `indexedDB` and `instanceof IDBRequest` (idb checks values against these globals) is the
 * in-memory one.
 */
import { installFakeIndexedDB } from '../kernel/storage/node-indexeddb.js';

installFakeIndexedDB({ replace: true });
