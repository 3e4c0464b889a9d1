/**
 * `trovato serve --database postgres://…`: two real processes on one PostgreSQL database (they
 * start together, so their migrations race), a write through one read through the other, a
 * plugin disabled through one gone from the other (LISTEN/NOTIFY); and a lost connection, which
 * answers 503 with a clear message and recovers by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_USERS } from '../../src/site/roles.js';
import { createDatabase, databaseUrl, dropDatabase, POSTGRES_URL } from '../support/postgres.js';
import { freePort, pluginFolder, postForm, startServe, type ServedProcess } from './served-process.js';

const [, EDITOR, ADMIN] = DEMO_USERS;
const DATABASE = `t_serve_${process.pid}`;

/** Polls `check` until it holds (another process acts on a notification in its own time). */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Timed out waiting until ${what}.`);
}

/** A TCP proxy to PostgreSQL that the test can cut (every connection dropped) and restore. */
class CuttableProxy {
  readonly #sockets = new Set<Socket>();
  #server: Server | null = null;
  constructor(readonly port: number, readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    this.#server = createServer((client) => {
      const upstream = createConnection(this.target);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.#server!.listen(this.port, '127.0.0.1', resolve));
  }

  async cut(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
    this.#server = null;
  }
}

describe.skipIf(POSTGRES_URL === null)('trovato serve on PostgreSQL', () => {
  let dir: string;
  let plugins: string;
  const running: ServedProcess[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trovato-serve-pg-'));
    plugins = await pluginFolder(dir, []);
    await dropDatabase(DATABASE);
    await createDatabase(DATABASE);
  });

  afterAll(async () => {
    await Promise.all(running.map((served) => served.stop()));
    await dropDatabase(DATABASE);
    await rm(dir, { recursive: true, force: true });
  });

  it('two processes started together share one site: writes, reads and plugin changes reach both', async () => {
    const url = databaseUrl(DATABASE);
    const [a, b] = await Promise.all([startServe({ plugins, database: url, threads: 1 }), startServe({ plugins, database: url, threads: 1 })]);
    running.push(a, b);
    // Both ran the migrations and tap_install at once: one schema, one welcome post.
    const list = await (await fetch(`${b.url}/blog`)).text();
    expect(list.match(/href="\/blog\/welcome"/g)).toHaveLength(1);

    const saved = await postForm(`${a.url}/item/add/blog`, { title: 'Written through A', 'field.body': 'x', 'field.slug': 'through-a', status: '1' }, EDITOR.id);
    expect(saved.status).toBe(303);
    expect(await (await fetch(`${b.url}/blog`)).text()).toContain('href="/blog/through-a"');

    expect((await fetch(`${b.url}/hello`)).status).toBe(200);
    const disabled = await postForm(`${a.url}/admin/plugins/hello/disable`, {}, ADMIN.id);
    expect(disabled.status).toBe(303);
    await eventually(async () => (await fetch(`${b.url}/hello`)).status === 404, 'process B no longer serves /hello');
    await postForm(`${a.url}/admin/plugins/hello/enable`, {}, ADMIN.id);
    await eventually(async () => (await fetch(`${b.url}/hello`)).status === 200, 'process B serves /hello again');
  }, 240_000);

  it('a lost database connection answers 503 saying so, and the site recovers by itself', async () => {
    const target = new URL(POSTGRES_URL!);
    const proxy = new CuttableProxy(await freePort(), { host: target.hostname, port: Number(target.port || 5432) });
    await proxy.open();
    const through = new URL(databaseUrl(DATABASE));
    through.port = String(proxy.port);
    const served = await startServe({ plugins, database: through.toString(), threads: 1 });
    running.push(served);
    expect((await fetch(`${served.url}/blog`)).status).toBe(200);

    await proxy.cut();
    const down = await fetch(`${served.url}/blog`);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('2');
    expect(await down.text()).toMatch(/The site database is not answering.*PostgreSQL 127\.0\.0\.1:\d+\/t_serve_\d+/s);

    await proxy.open();
    await eventually(async () => (await fetch(`${served.url}/blog`)).status === 200, 'the site answers again');
    await proxy.cut();
  }, 240_000);
});
