/**
 * The host-function tests (scenarios.ts) on PostgreSQL: a database per site, read by the unit
 * of work at each call through the synchronous bridge (pg-sync.ts). "Reload" closes the store
 * and opens the same database again with a new kernel, as a restarted `trovato serve` does.
 */
import { describe } from 'vitest';
import { openPostgresStore } from '../../src/kernel/storage/sql/postgres.js';
import { createDatabase, databaseName, databaseUrl, dropDatabase, POSTGRES_URL } from '../support/postgres.js';
import { buildProbeBeforeAll } from './node-probe-build.js';
import { defineHostFunctionTests } from './scenarios.js';

const created = new Set<string>();

describe.skipIf(POSTGRES_URL === null)('host functions on PostgreSQL', () => {
  defineHostFunctionTests({
    build: buildProbeBeforeAll(),
    store: {
      open: async (name, now) => {
        const database = databaseName(name);
        if (!created.has(database)) {
          await createDatabase(database);
          created.add(database);
        }
        return openPostgresStore({ url: databaseUrl(database), now });
      },
      remove: async (name) => {
        const database = databaseName(name);
        created.delete(database);
        await dropDatabase(database);
      },
    },
  });
});
