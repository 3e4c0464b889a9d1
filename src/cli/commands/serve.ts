/**
 * `trovato serve`: the site over HTTP, rendered on the server from the plugins' RenderElement
 * trees, on an embedded SQLite database by default.
 */
import { parseArgs } from 'node:util';
import { listen } from '../../server/http-server.js';
import { KernelPool } from '../../server/kernel-pool.js';
import { displayUrl } from '../../kernel/storage/sql/pg-sync.js';
import { isPostgres } from '../../server/served-site.js';


export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      plugins: { type: 'string', default: 'public/plugins' },
      database: { type: 'string', default: 'trovato-site.db' },
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      threads: { type: 'string', default: '2' },
      timeout: { type: 'string', default: '10' },
      'request-fuel': { type: 'string' },
    },
  });
  const threads = Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`--threads must be a whole number of kernel threads (1 or more), got "${values.threads}".`);
  const timeout = Number(values.timeout);
  if (!(timeout > 0)) throw new Error(`--timeout must be the seconds a request may run (e.g. 10), got "${values.timeout}".`);
  const requestFuel = values['request-fuel'] === undefined ? undefined : Number(values['request-fuel']);
  if (requestFuel !== undefined && !(Number.isSafeInteger(requestFuel) && requestFuel > 0)) {
    throw new Error(`--request-fuel must be the instructions one request may run in all its plugin calls (e.g. 2000000000), got "${values['request-fuel']}".`);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number (0-65535), got "${values.port}".`);
  const pool = await KernelPool.start({
    plugins: values.plugins,
    database: values.database,
    threads,
    requestTimeoutMs: timeout * 1000,
    requestFuel,
    onProblem: (message) => console.error(`trovato serve: ${message}`),
  });
  const server = await listen((request) => pool.handle(request), port, values.host);
  const shown = isPostgres(values.database) ? displayUrl(values.database) : values.database;
  console.log(`trovato serve: ${server.url} (plugins ${values.plugins}, database ${shown}, ${threads} kernel threads)`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await pool.close();
  return 0;
}
