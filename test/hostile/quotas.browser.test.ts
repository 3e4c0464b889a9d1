/**
 * The quota and loading-limit scenarios (quota-scenarios.ts) in Chromium, on real IndexedDB:
 * the same kernel code as the worker's, on this page.
 */
import { afterAll, describe, it } from 'vitest';
import { openSiteStore } from '../../src/kernel/storage/site-store.js';
import { QUOTA_SCENARIOS, type QuotaEnvironment } from './quota-scenarios.js';

const opened = new Set<string>();
const env: QuotaEnvironment = {
  openStore: (name) => {
    opened.add(name);
    // Read back through beginWork, outside a kernel request: load everything at open.
    return openSiteStore({ name, loadAllAtOpen: true });
  },
};

afterAll(() => {
  for (const name of opened) indexedDB.deleteDatabase(name);
});

describe('quotas and loading limits, in Chromium', () => {
  for (const scenario of QUOTA_SCENARIOS) {
    it(scenario.name, { timeout: 120_000 }, () => scenario.run(env));
  }
});
