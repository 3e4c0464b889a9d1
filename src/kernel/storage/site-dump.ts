/**
 * The kernel's site dump: everything a site stores that is not derived, as one JSON document,
 * so a site moves between the browser (IndexedDB) and a server (SQLite, PostgreSQL) and back.
 * Until the recipes work's export format lands, this is the format `trovato serve` imports.
 *
 * Format (`format: "trovato-site-dump"`, `version: 1`):
 * - `items`: every item (ABI §5 shape).
 * - `rows`: every plugin table row, `{plugin, table, id, data}`.
 * - `variables`: every plugin variable, `{plugin, name, value}` (value: the JSON text as stored).
 * - `settings`: the site settings (enabled and installed plugins, ...) by key.
 * Cache entries (derived, rebuilt on demand) and logs (per installation) are not included.
 */
import { KernelError } from '../errors.js';
import type { Item, RowRecord, VariableRecord } from './schema.js';

export const DUMP_FORMAT = 'trovato-site-dump';
export const DUMP_VERSION = 1;

export interface SiteDump {
  readonly format: typeof DUMP_FORMAT;
  readonly version: typeof DUMP_VERSION;
  readonly items: readonly Item[];
  readonly rows: readonly RowRecord[];
  readonly variables: readonly VariableRecord[];
  readonly settings: Readonly<Record<string, unknown>>;
}

/** A store that can give and take its whole content. */
export interface DumpableStore {
  exportDump(): Promise<SiteDump>;
  /** Writes every record of `dump` in one transaction (replacing records with the same keys). */
  importDump(dump: SiteDump): Promise<void>;
}

/** Checks a parsed JSON document is a dump this kernel reads; throws saying what is wrong. */
export function checkDump(value: unknown, source: string): SiteDump {
  const problem = (what: string): never => {
    throw new KernelError('BAD_INPUT', `${source} is not a site dump this Trovato can import: ${what}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return problem('it is not a JSON object.');
  const dump = value as Record<string, unknown>;
  if (dump.format !== DUMP_FORMAT) return problem(`its "format" is ${JSON.stringify(dump.format)}, not "${DUMP_FORMAT}".`);
  if (dump.version !== DUMP_VERSION) return problem(`its "version" is ${JSON.stringify(dump.version)}; this Trovato reads version ${DUMP_VERSION}.`);
  for (const key of ['items', 'rows', 'variables']) if (!Array.isArray(dump[key])) problem(`"${key}" must be an array.`);
  if (typeof dump.settings !== 'object' || dump.settings === null || Array.isArray(dump.settings)) problem('"settings" must be an object.');
  (dump.items as unknown[]).forEach((item, i) => {
    const it = item as Partial<Item> | null;
    if (!it || typeof it.id !== 'string' || typeof it.item_type !== 'string' || typeof it.title !== 'string') problem(`items[${i}] needs a string id, item_type and title.`);
  });
  (dump.rows as unknown[]).forEach((row, i) => {
    const r = row as Partial<RowRecord> | null;
    if (!r || typeof r.plugin !== 'string' || typeof r.table !== 'string' || typeof r.data !== 'object') problem(`rows[${i}] needs plugin, table, id and data.`);
  });
  (dump.variables as unknown[]).forEach((variable, i) => {
    const v = variable as Partial<VariableRecord> | null;
    if (!v || typeof v.plugin !== 'string' || typeof v.name !== 'string' || typeof v.value !== 'string') problem(`variables[${i}] needs plugin, name and value strings.`);
  });
  return dump as unknown as SiteDump;
}
