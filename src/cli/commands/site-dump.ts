/**
 * `trovato export` and `trovato import`: a served site's content as a site dump (see
 * src/kernel/storage/site-dump.ts), to move it between databases, or from and to the browser.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { checkDump } from '../../kernel/storage/site-dump.js';
import { openServedStore } from '../../server/served-site.js';

export const DUMP_USAGE = `trovato export --database <file.db | postgres://...> [--out site.json]
  trovato import --database <file.db | postgres://...> <site.json>`;

export async function runExport(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { database: { type: 'string', default: 'trovato-site.db' }, out: { type: 'string' } } });
  const store = openServedStore(values.database);
  try {
    const dump = await store.exportDump();
    const text = `${JSON.stringify(dump, null, 1)}\n`;
    if (values.out) {
      await writeFile(values.out, text);
      console.error(`trovato export: ${dump.items.length} items, ${dump.rows.length} rows, ${dump.variables.length} variables -> ${values.out}`);
    } else process.stdout.write(text);
    return 0;
  } finally {
    await store.close();
  }
}

export async function runImport(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { database: { type: 'string', default: 'trovato-site.db' } } });
  const file = positionals[0];
  if (!file) throw new Error('trovato import needs the dump file: trovato import --database site.db site.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read ${file} as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const dump = checkDump(parsed, file);
  const store = openServedStore(values.database);
  try {
    await store.importDump(dump);
    console.error(`trovato import: ${dump.items.length} items, ${dump.rows.length} rows, ${dump.variables.length} variables from ${file}`);
    return 0;
  } finally {
    await store.close();
  }
}
