/**
 * `trovato serve` as a real process on the embedded store, under faults: a plugin that loops in
 * one request (the others go on; the runaway is stopped, named, and commits nothing), and a
 * process killed in the middle of a request (nothing committed is lost, nothing partial kept).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_USERS } from '../../src/kernel/site/roles.js';
import { openSqliteStore } from '../../src/kernel/storage/sql/sqlite.js';
import { anonymousUser } from '../../src/kernel/tap/request-state.js';
import { pluginFolder, postForm, runaway, startServe, type ServedProcess } from './served-process.js';

const EDITOR = DEMO_USERS[1];
let dir: string;
let plugins: string;
let database: string;
let served: ServedProcess | null = null;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trovato-serve-faults-'));
  plugins = await pluginFolder(dir, [await runaway()]);
  database = join(dir, 'site.db');
});

afterAll(async () => {
  await served?.stop();
  await rm(dir, { recursive: true, force: true });
});

const spun = (): string | undefined => {
  const store = openSqliteStore({ file: database });
  try {
    return store.beginWork(anonymousUser([])).getVariable('runaway', 'spun');
  } finally {
    void store.close();
  }
};

it('a plugin looping in one request does not hold up the others; it is stopped at the deadline, named, and commits nothing', async () => {
  served = await startServe({ plugins, database, threads: 2, timeout: 4 });
  const spinning = fetch(`${served.url}/spin`);
  // While one thread spins, the other keeps answering.
  for (let i = 0; i < 3; i++) expect((await fetch(`${served.url}/blog`)).status).toBe(200);
  const stopped = await spinning;
  expect(stopped.status).toBe(503);
  expect(await stopped.text()).toContain('plugin runaway (spin_page) was still running');
  expect(served.output()).toContain('runaway (spin_page)');
  // The replacement thread serves too, and the runaway's write is nowhere.
  for (let i = 0; i < 3; i++) expect((await fetch(`${served.url}/blog`)).status).toBe(200);
  expect(spun()).toBeUndefined();
}, 180_000);

it('a process killed mid-request loses nothing committed and keeps nothing of the request it was in', async () => {
  served ??= await startServe({ plugins, database, threads: 2, timeout: 60 });
  const saved = await postForm(`${served.url}/item/add/blog`, { title: 'Before the crash', 'field.body': 'kept', 'field.slug': 'before-crash', status: '1' }, EDITOR.id);
  expect(saved.status).toBe(303);
  const spinning = fetch(`${served.url}/spin`).catch((error: unknown) => error);
  // Let the request reach the plugin (it has staged its write by the time it loops).
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await served.kill();
  expect(await spinning).toBeInstanceOf(Error);
  served = await startServe({ plugins, database, threads: 1 });
  expect(await (await fetch(`${served.url}/blog`)).text()).toContain('href="/blog/before-crash"');
  expect(spun()).toBeUndefined();
}, 240_000);
