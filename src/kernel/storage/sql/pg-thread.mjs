// @ts-check
// The PostgreSQL side of pg-sync.ts: a worker thread that owns one `pg` connection and answers
// one request at a time, then wakes the waiting thread through a shared Int32 (Atomics.notify).
// Plain JavaScript on purpose: a worker thread starts without the TypeScript loader the CLI and
// the tests register in their own thread.
import { workerData } from 'node:worker_threads';
import pg from 'pg';

// BIGINT columns (times, sequence numbers) as numbers: every value we store is below 2^53.
pg.types.setTypeParser(20, (text) => Number(text));

/** @type {{ url: string, port: import('node:worker_threads').MessagePort, flag: Int32Array, lockKey: number }} */
const { url, port, flag, lockKey } = workerData;

/** @type {pg.Client | null} */
let client = null;

// Errors that mean the connection is gone rather than the statement wrong: the next request
// connects again, so the site recovers by itself once the database is back.
const LOST = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '08000', '08003', '08006']);

async function connection() {
  if (client) return client;
  const fresh = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  // A connection that dies between requests reports here; the next request opens another.
  fresh.on('error', () => {
    if (client === fresh) client = null;
  });
  await fresh.connect();
  client = fresh;
  return fresh;
}

/** `?` placeholders to PostgreSQL's `$1, $2, ...` (no statement of ours has a `?` in a literal). */
function numbered(sql) {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

async function inTransaction(db, body) {
  await db.query('BEGIN');
  try {
    const result = await body();
    await db.query('COMMIT');
    return result;
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function handle(message) {
  const db = await connection();
  switch (message.kind) {
    case 'all':
      return (await db.query(numbered(message.sql), message.params)).rows;
    case 'write':
      await inTransaction(db, async () => {
        for (const statement of message.statements) await db.query(numbered(statement.sql), statement.params);
        for (const channel of message.notify) await db.query('SELECT pg_notify($1, $2)', [channel, String(process.pid)]);
      });
      return null;
    case 'migrate':
      // The advisory lock makes two processes starting at once migrate one after the other; the
      // second finds the schema current and does nothing.
      return inTransaction(db, async () => {
        await db.query('SELECT pg_advisory_xact_lock($1)', [lockKey]);
        await db.query('CREATE TABLE IF NOT EXISTS trovato_schema (version INTEGER NOT NULL)');
        const rows = (await db.query('SELECT version FROM trovato_schema')).rows;
        const current = rows.length ? Number(rows[0].version) : 0;
        const newest = message.migrations[message.migrations.length - 1].version;
        if (current > newest) return { newer: current };
        for (const migration of message.migrations) if (migration.version > current) await db.query(migration.sql);
        if (rows.length === 0) await db.query('INSERT INTO trovato_schema (version) VALUES ($1)', [newest]);
        else if (current < newest) await db.query('UPDATE trovato_schema SET version = $1', [newest]);
        return { newer: null };
      });
    case 'lock':
      await db.query('SELECT pg_advisory_lock($1)', [message.key]);
      return null;
    case 'unlock':
      await db.query('SELECT pg_advisory_unlock($1)', [message.key]);
      return null;
    case 'close':
      await client?.end().catch(() => undefined);
      client = null;
      return null;
    default:
      throw new Error(`unknown request ${message.kind}`);
  }
}

port.on('message', async (message) => {
  let answer;
  try {
    answer = { id: message.id, ok: true, value: await handle(message) };
  } catch (error) {
    const code = /** @type {{ code?: string }} */ (error).code ?? '';
    const lost = LOST.has(code) || client === null || /Connection terminated|not queryable|connect/i.test(String(error?.message));
    if (lost && client) {
      const dead = client;
      client = null;
      dead.end().catch(() => undefined);
    }
    answer = { id: message.id, ok: false, code, lost, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(answer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
