/**
 * `trovato export --database <db> [--plugins <dir>] [--out site.trovato-site.zip]`: a served
 * site as a site export, the same `.zip` the browser's /admin/site page downloads and uploads
 * (src/site/site-export.ts), so it imports into the browser or another server.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readPluginFolder } from '../../build/plugin-folder.js';
import { collectSite, exportToZip } from '../../site/site-export.js';
import { openServedStore } from '../../server/served-site.js';

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { database: { type: 'string', default: 'trovato-site.db' }, plugins: { type: 'string', default: 'public/plugins' }, out: { type: 'string', default: 'site.trovato-site.zip' } },
  });
  const store = openServedStore(values.database);
  try {
    // A site imported from an export carries its plugins (collectSite prefers them); others run
    // the folder's, as `trovato serve --plugins` does.
    const site = await collectSite(store, (await readPluginFolder(values.plugins)).sources);
    await writeFile(values.out, exportToZip(site));
    console.error(`trovato export: ${site.data.items.length} items, ${site.data.rows.length} rows, ${site.data.variables.length} variables, ${site.plugins.length} plugins -> ${values.out}`);
    return 0;
  } finally {
    await store.close();
  }
}
