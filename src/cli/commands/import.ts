/**
 * `trovato import --database <db> <site.trovato-site.zip>`: a site export (the `.zip` of
 * src/site/site-export.ts, as the browser's /admin/site page downloads it) into a served
 * site's empty database, in one transaction. The site keeps its plugins: `trovato serve` runs
 * the ones the export carried, as the browser does for an imported site.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { UsageError } from '../command.js';
import { readSiteZip } from '../../site/site-export.js';
import { SITE_PLUGINS_SETTING } from '../../site/plugins.js';
import { openServedStore } from '../../server/served-site.js';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { database: { type: 'string', default: 'trovato-site.db' } } });
  const file = positionals[0];
  if (!file) throw new UsageError('import needs the export file: trovato import --database site.db site.trovato-site.zip');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  const read = await readSiteZip(bytes);
  if (!read.ok) {
    console.error(`trovato import: ${file}: ${read.error}`);
    return 1;
  }
  const { site } = read;
  const store = openServedStore(values.database);
  try {
    const before = await store.snapshot();
    if (before.items.length > 0 || Object.keys(before.settings).length > 0) {
      console.error(`trovato import: the database ${store.name} already holds a site; an export is imported into an empty database only. Nothing was imported.`);
      return 1;
    }
    const plugins = site.plugins.map(({ name, manifest, wasm }) => ({ name, manifest, wasm }));
    await store.importData({ ...site.data, settings: { ...site.data.settings, [SITE_PLUGINS_SETTING]: plugins } });
    console.error(`trovato import: ${site.data.items.length} items, ${site.data.rows.length} rows, ${site.data.variables.length} variables, ${plugins.length} plugins from ${file}`);
    return 0;
  } finally {
    await store.close();
  }
}
