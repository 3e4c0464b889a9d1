/**
 * The quota and loading-limit scenarios (quota-scenarios.ts) in Node, on fake-indexeddb: the
 * kernel bounds plugins itself, with no worker or deadline around it.
 */
import { describe, it } from 'vitest';
import { nodeIndexedDB } from '../../src/kernel/storage/node-indexeddb.js';
import { openSiteStore } from '../../src/kernel/storage/site-store.js';
import { QUOTA_SCENARIOS, type QuotaEnvironment } from './quota-scenarios.js';

const indexedDB = nodeIndexedDB();
// Read back through beginWork, outside a kernel request: load everything at open.
const env: QuotaEnvironment = { openStore: (name) => openSiteStore({ name, indexedDB, loadAllAtOpen: true }) };

describe('quotas and loading limits, in Node', () => {
  for (const scenario of QUOTA_SCENARIOS) {
    it(scenario.name, { timeout: 120_000 }, () => scenario.run(env));
  }
});
