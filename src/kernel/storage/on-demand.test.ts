import { describe } from 'vitest';
import { nodeIndexedDB } from './node-indexeddb.js';
import { onDemandCases } from './on-demand.test-support.js';

describe('items, tables and variables loaded on demand (fake-indexeddb)', () => {
  onDemandCases(nodeIndexedDB, async (name) => {
    await new Promise<void>((resolve) => {
      const request = nodeIndexedDB().deleteDatabase(name);
      request.onsuccess = request.onerror = () => resolve();
    });
  });
});
