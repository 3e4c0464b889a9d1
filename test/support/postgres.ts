/**
 * The PostgreSQL the tests use: TROVATO_TEST_POSTGRES, a URL to a database the tests may create
 * and drop databases from (scripts/ensure-postgres.sh starts a throwaway one; .ci/run does it).
 * Missing on CI (CI set) is a failure; on a developer machine the PostgreSQL tests are skipped
 * with the reason printed.
 */
import pg from 'pg';

export const POSTGRES_URL = process.env.TROVATO_TEST_POSTGRES ?? null;

if (POSTGRES_URL === null) {
  const how = 'Start one with: eval "$(scripts/ensure-postgres.sh)"';
  if (process.env.CI) throw new Error(`TROVATO_TEST_POSTGRES is not set, so the PostgreSQL tests cannot run on CI. ${how}`);
  console.warn(`Skipping the PostgreSQL tests: TROVATO_TEST_POSTGRES is not set. ${how}`);
}

/** The URL of database `name` on the test server. */
export function databaseUrl(name: string): string {
  const url = new URL(POSTGRES_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A database name PostgreSQL accepts for any test name. */
export function databaseName(name: string): string {
  return `t_${name.toLowerCase().replace(/[^a-z0-9]/g, '_')}`.slice(0, 63);
}

async function admin<T>(body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL! });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

export function createDatabase(name: string): Promise<void> {
  return admin(async (client) => {
    await client.query(`CREATE DATABASE ${name}`);
  });
}

export function dropDatabase(name: string): Promise<void> {
  return admin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}
