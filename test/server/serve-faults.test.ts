/**
 * `trovato serve` as a real process on the embedded store, under faults: a plugin that loops in
 * one request (fuel stops it; the others go on; it is named and commits nothing), a request
 * held past the deadline (503, thread replaced, nothing committed), and a process killed in the
 * middle of a request (nothing committed is lost, nothing partial kept). Loops end by fuel within
 * milliseconds now, so the long requests here wait on the database's write lock instead.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_USERS } from '../../src/site/roles.js';
import { openSqliteStore } from '../../src/kernel/storage/sql/sqlite.js';
import { anonymousUser } from '../../src/kernel/common/users.js';
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

const spun = (plugin: string): string | undefined => {
  const store = openSqliteStore({ file: database });
  try {
    return store.beginWork(anonymousUser([])).getVariable(plugin, 'spun');
  } finally {
    void store.close();
  }
};

it('a plugin looping in one request runs out of fuel on the server too: named, nothing committed, the others served', async () => {
  served = await startServe({ plugins, database, threads: 2, timeout: 120 });
  const spinning = fetch(`${served.url}/runaway`);
  // While one thread spins, the other keeps answering.
  for (let i = 0; i < 3; i++) expect((await fetch(`${served.url}/blog`)).status).toBe(200);
  const stopped = await spinning;
  expect(stopped.status).toBe(500);
  const page = await stopped.text();
  expect(page).toContain('Plugin &quot;runaway&quot; failed to build this page, so nothing it wrote was saved.');
  expect(page).toMatch(/ran out of fuel \(\d+ instructions\) in runaway spin_page/);
  expect(spun('runaway')).toBeUndefined();
}, 180_000);

it('--request-fuel bounds all the plugin calls of one request; a budget too small for the routes is reported at start', async () => {
  await served?.stop();
  served = await startServe({ plugins, database, threads: 1, requestFuel: 1000 });
  // Collecting the routes (tap_menu) is a request too: with 1000 instructions it runs out.
  expect(served.output()).toMatch(/plugin blog: ran out of fuel \(\d+ instructions\) in blog tap_menu: the request's budget of 1000 instructions for all its calls is spent/);
  expect((await fetch(`${served.url}/blog`)).status).toBe(404);
}, 180_000);

/**
 * Holds SQLite's write lock from another connection, as a long writer would: a request that
 * commits meanwhile waits for it inside its thread (better-sqlite3's busy wait, 5 s).
 */
function holdWriteLock(): { release(): void } {
  const db = new Database(database);
  db.exec('BEGIN IMMEDIATE');
  return {
    release: () => {
      db.exec('ROLLBACK');
      db.close();
    },
  };
}

const post = (title: string, slug: string): Promise<Response> =>
  postForm(`${served!.url}/item/add/blog`, { title, 'field.body': 'text', 'field.slug': slug, status: '1' }, EDITOR.id);

it('a request past --timeout gets a 503, its thread is replaced, and it commits nothing', async () => {
  await served?.stop();
  served = await startServe({ plugins, database, threads: 2, timeout: 2 });
  const lock = holdWriteLock();
  let stopped: Response;
  try {
    stopped = await post('Past the deadline', 'past-deadline');
  } finally {
    lock.release();
  }
  expect(stopped.status).toBe(503);
  expect(await stopped.text()).toContain('This request did not finish within 2 s');
  // The replacement thread serves too, and the stopped request's item is nowhere.
  for (let i = 0; i < 3; i++) {
    const blog = await fetch(`${served.url}/blog`);
    expect(blog.status).toBe(200);
    expect(await blog.text()).not.toContain('past-deadline');
  }
}, 180_000);

it('a process killed mid-request loses nothing committed and keeps nothing of the request it was in', async () => {
  await served?.stop();
  served = await startServe({ plugins, database, threads: 2, timeout: 120 });
  expect((await post('Before the crash', 'before-crash')).status).toBe(303);
  const lock = holdWriteLock();
  try {
    const writing = post('During the crash', 'during-crash').catch((error: unknown) => error);
    // The request has built its item and waits to commit it when the process dies.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await served.kill();
    expect(await writing).toBeInstanceOf(Error);
  } finally {
    lock.release();
  }
  served = await startServe({ plugins, database, threads: 1 });
  const blog = await (await fetch(`${served.url}/blog`)).text();
  expect(blog).toContain('href="/blog/before-crash"');
  expect(blog).not.toContain('during-crash');
}, 240_000);
