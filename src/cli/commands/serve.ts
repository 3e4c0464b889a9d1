/**
 * `trovato serve`: the site over HTTP, rendered on the server from the plugins' RenderElement
 * trees, on an embedded SQLite database by default.
 */
import { parseArgs } from 'node:util';
import { listen } from '../../server/http-server.js';
import { openServedSite } from '../../server/served-site.js';
import { createSiteApp } from '../../server/site-app.js';

export const SERVE_USAGE = 'trovato serve --plugins <dir> [--database <file.db>] [--port 8080] [--host 127.0.0.1]';

export async function runServe(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      plugins: { type: 'string', default: 'public/plugins' },
      database: { type: 'string', default: 'trovato-site.db' },
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number (0-65535), got "${values.port}".`);
  const { site, problems } = await openServedSite({ plugins: values.plugins, database: values.database });
  for (const problem of problems) console.error(`trovato serve: ${problem.message}`);
  for (const plugin of site.report().plugins) if (plugin.status !== 'ok') console.error(`trovato serve: plugin ${plugin.name} refused: ${plugin.errors.join(' ')}`);
  const server = await listen(createSiteApp(site), port, values.host);
  console.log(`trovato serve: ${server.url} (plugins ${values.plugins}, database ${values.database})`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await site.store.close();
  return 0;
}
