import { describe } from 'vitest';
import { nodeIndexedDB } from './node-indexeddb.js';
import { lazyItemCases } from './lazy-items.test-support.js';

describe('items loaded on demand (fake-indexeddb)', () => {
  lazyItemCases(nodeIndexedDB, async (name) => {
    await new Promise<void>((resolve) => {
      const request = nodeIndexedDB().deleteDatabase(name);
      request.onsuccess = request.onerror = () => resolve();
    });
  });
});
