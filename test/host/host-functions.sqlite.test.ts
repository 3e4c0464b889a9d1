/**
 * The host-function tests (scenarios.ts) on the server's embedded store: a SQLite file per site,
 * read by the unit of work at each call (no read model). "Reload" closes the file and opens it
 * again with a new kernel, as a restarted `trovato serve` does.
 */
import { afterAll, beforeAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/kernel/storage/sql/sqlite.js';
import { buildProbeBeforeAll } from './node-probe-build.js';
import { defineHostFunctionTests } from './scenarios.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trovato-sqlite-host-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fileOf = (name: string): string => join(dir, `${name}.db`);

defineHostFunctionTests({
  build: buildProbeBeforeAll(),
  store: {
    open: async (name, now) => openSqliteStore({ file: fileOf(name), now }),
    remove: async (name) => {
      for (const suffix of ['', '-wal', '-shm']) await rm(fileOf(name) + suffix, { force: true });
    },
  },
});
