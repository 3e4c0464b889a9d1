/**
 * The in-memory copy of the site database that host functions read synchronously. Cache
 * entries and settings are loaded at open; items (by id, or all of them for a listing), plugin
 * tables (whole) and variables (a plugin's at once) are loaded on demand (README.md, "What is
 * in memory"), and a read of data not loaded throws NotLoaded. It changes only by `apply`, after the IndexedDB transaction holding
 * the same changes has completed, and by loads that run in the store's write queue between
 * commits, so it never shows a write the database does not have.
 */
import type { SiteDatabase } from './database.js';
import type { CacheRecord, Item, Row, RowId, RowRecord, VariableRecord } from './schema.js';
import type { StoredData } from './unit-of-work.js';
import { NotLoaded } from '../common/not-loaded.js';

/**
 * How many items loaded one by one (and ids known to be absent) memory keeps before it starts
 * over. A listing loads every item and keeps them all, as the whole read model used to.
 */
export const MAX_ITEMS_LOADED_BY_ID = 2000;

/** Net changes of one commit: the last staged value per key, `null` meaning deleted. */
export interface ChangeSet {
  readonly items: Map<string, Item | null>;
  readonly rows: Map<string, TableChanges>;
  readonly variables: Map<string, VariableRecord>;
  readonly cache: Map<string, CacheChange>;
}

export interface TableChanges {
  readonly plugin: string;
  readonly table: string;
  readonly rows: Map<RowId, Row | null>;
}

export interface CacheChange {
  readonly bin: string;
  readonly key: string;
  readonly record: CacheRecord | null;
}

export function emptyChangeSet(): ChangeSet {
  return { items: new Map(), rows: new Map(), variables: new Map(), cache: new Map() };
}

export function isEmptyChangeSet(changes: ChangeSet): boolean {
  return changes.items.size + changes.rows.size + changes.variables.size + changes.cache.size === 0;
}

// NUL cannot occur in a validated plugin or table name, so the joined keys are unambiguous.
export const tableKey = (plugin: string, table: string): string => `${plugin}\u0000${table}`;
export const variableKey = (plugin: string, name: string): string => `${plugin}\u0000${name}`;
export const cacheKey = (bin: string, key: string): string => `${bin.length}:${bin}\u0000${key}`;

/** Whether a cache entry has expired at `now` (Unix milliseconds). */
export function isExpired(record: CacheRecord, now: number): boolean {
  return record.expires !== 0 && record.expires <= now;
}

export class ReadModel implements StoredData {
  /** The items in memory: every item once `itemsComplete`, else those loaded by id. */
  readonly items = new Map<string, Item>();
  #itemsComplete = false;
  /** Ids known not to exist (looked up, or deleted), while not every item is loaded. */
  readonly #absentItems = new Set<string>();
  /** Rows of the tables in memory (every table once `rowsComplete`), by `tableKey`. */
  readonly rows = new Map<string, Map<RowId, Row>>();
  /** Tables (as `tableKey`) loaded whole, empty ones included. */
  readonly #loadedTables = new Set<string>();
  #rowsComplete = false;
  /** Variables of the plugins in memory (every plugin once `variablesComplete`). */
  readonly variables = new Map<string, string>();
  readonly #loadedVariablePlugins = new Set<string>();
  #variablesComplete = false;
  readonly cache = new Map<string, CacheRecord>();
  readonly site = new Map<string, unknown>();
  readonly #tags = new Map<string, Set<string>>();

  /**
   * Loads the cache and site settings in one read transaction, and items, rows and variables
   * too when `everything`; returns expired cache keys found. Otherwise items, tables and
   * variables come as requests read them (the `load…` methods below).
   */
  static async load(db: SiteDatabase, now: number, everything: boolean): Promise<{ model: ReadModel; expired: Array<[string, string]> }> {
    const tx = db.transaction(['items', 'rows', 'variables', 'cache', 'site'], 'readonly');
    const [items, rows, variables, cache, siteKeys, siteValues] = await Promise.all([
      everything ? tx.objectStore('items').getAll() : null,
      everything ? tx.objectStore('rows').getAll() : null,
      everything ? tx.objectStore('variables').getAll() : null,
      tx.objectStore('cache').getAll(),
      tx.objectStore('site').getAllKeys(),
      tx.objectStore('site').getAll(),
      tx.done,
    ]);
    const model = new ReadModel();
    if (items) model.loadEveryItem(items);
    if (rows) model.loadEveryRow(rows);
    if (variables) model.loadEveryVariable(variables);
    const expired: Array<[string, string]> = [];
    for (const record of cache) {
      if (isExpired(record, now)) expired.push([record.bin, record.key]);
      else model.#putCache(record);
    }
    siteKeys.forEach((key, i) => model.site.set(key, siteValues[i]));
    return { model, expired };
  }

  // --- StoredData: what a unit of work reads ----------------------------------------------

  item(id: string): Item | undefined {
    const item = this.items.get(id);
    if (item || this.#itemsComplete || this.#absentItems.has(id)) return item;
    throw new NotLoaded(`The item "${id}"`);
  }

  everyItem(): Iterable<Item> {
    if (!this.#itemsComplete) throw new NotLoaded('The list of every item');
    return this.items.values();
  }

  // --- loading items on demand (the store runs these between commits) ---------------------

  get itemsComplete(): boolean {
    return this.#itemsComplete;
  }

  /** Items read by id: `found[i]` is the item stored under `ids[i]`, or undefined. */
  loadItems(ids: readonly string[], found: ReadonlyArray<Item | undefined>): void {
    if (this.#itemsComplete || ids.length === 0) return;
    if (this.items.size + this.#absentItems.size + ids.length > MAX_ITEMS_LOADED_BY_ID) {
      // Start over rather than track use: a request reads few items by id, and what it needs
      // is loaded right after this.
      this.items.clear();
      this.#absentItems.clear();
    }
    ids.forEach((id, i) => {
      const item = found[i];
      if (item) this.items.set(id, item);
      else this.#absentItems.add(id);
    });
  }

  get rowsComplete(): boolean {
    return this.#rowsComplete;
  }

  get variablesComplete(): boolean {
    return this.#variablesComplete;
  }

  /** One table read whole (its rows are `records`, perhaps none). */
  loadTable(plugin: string, table: string, records: readonly RowRecord[]): void {
    const key = tableKey(plugin, table);
    if (this.#rowsComplete || this.#loadedTables.has(key)) return;
    this.rows.delete(key);
    for (const record of records) this.#table(plugin, table).set(record.id, record.data);
    this.#loadedTables.add(key);
  }

  /** Every row of every table. */
  loadEveryRow(records: readonly RowRecord[]): void {
    this.rows.clear();
    for (const record of records) this.#table(record.plugin, record.table).set(record.id, record.data);
    this.#loadedTables.clear();
    this.#rowsComplete = true;
  }

  /** The variables of one plugin (`records`, perhaps none). */
  loadPluginVariables(plugin: string, records: readonly VariableRecord[]): void {
    if (this.#variablesComplete || this.#loadedVariablePlugins.has(plugin)) return;
    for (const record of records) this.variables.set(variableKey(record.plugin, record.name), record.value);
    this.#loadedVariablePlugins.add(plugin);
  }

  /** Every variable of every plugin. */
  loadEveryVariable(records: readonly VariableRecord[]): void {
    this.variables.clear();
    for (const record of records) this.variables.set(variableKey(record.plugin, record.name), record.value);
    this.#loadedVariablePlugins.clear();
    this.#variablesComplete = true;
  }

  /** Every item, read in one go (a request listed them). */
  loadEveryItem(items: readonly Item[]): void {
    this.items.clear();
    this.#absentItems.clear();
    for (const item of items) this.items.set(item.id, item);
    this.#itemsComplete = true;
  }

  row(plugin: string, table: string, id: RowId): Row | undefined {
    return this.#loadedTable(plugin, table)?.get(id);
  }

  everyRow(plugin: string, table: string): Iterable<Row> {
    return this.#loadedTable(plugin, table)?.values() ?? [];
  }

  variable(plugin: string, name: string): string | undefined {
    if (!this.#variablesComplete && !this.#loadedVariablePlugins.has(plugin)) throw new NotLoaded(`The variables of plugin "${plugin}"`);
    return this.variables.get(variableKey(plugin, name));
  }

  #loadedTable(plugin: string, table: string): ReadonlyMap<RowId, Row> | undefined {
    const key = tableKey(plugin, table);
    if (!this.#rowsComplete && !this.#loadedTables.has(key)) throw new NotLoaded(`The table "${table}" of plugin "${plugin}"`);
    return this.rows.get(key);
  }

  cacheEntry(bin: string, key: string): CacheRecord | undefined {
    return this.cache.get(cacheKey(bin, key));
  }

  *cacheWithTag(tag: string): Iterable<CacheRecord> {
    for (const key of this.keysWithTag(tag)) {
      const record = this.cache.get(key);
      if (record) yield record;
    }
  }

  /** Keys (as `cacheKey`) of the entries carrying `tag`, in any bin. */
  keysWithTag(tag: string): ReadonlySet<string> {
    return this.#tags.get(tag) ?? new Set();
  }

  apply(changes: ChangeSet): void {
    for (const [id, item] of changes.items) {
      if (!item) {
        this.items.delete(id);
        if (!this.#itemsComplete) this.#absentItems.add(id);
      } else if (this.#itemsComplete || this.items.has(id) || this.items.size < MAX_ITEMS_LOADED_BY_ID) {
        this.items.set(id, item);
        this.#absentItems.delete(id);
      } else {
        // Past the bound (a bulk import): the database has it, a read loads it.
        this.#absentItems.delete(id);
      }
    }
    for (const { plugin, table, rows } of changes.rows.values()) {
      // A table not in memory is in the database; a read loads it from there.
      if (!this.#rowsComplete && !this.#loadedTables.has(tableKey(plugin, table))) continue;
      const stored = this.#table(plugin, table);
      for (const [id, row] of rows) {
        if (row) stored.set(id, row);
        else stored.delete(id);
      }
      if (stored.size === 0) this.rows.delete(tableKey(plugin, table));
    }
    for (const record of changes.variables.values()) {
      if (!this.#variablesComplete && !this.#loadedVariablePlugins.has(record.plugin)) continue;
      this.variables.set(variableKey(record.plugin, record.name), record.value);
    }
    for (const { bin, key, record } of changes.cache.values()) {
      this.#deleteCache(cacheKey(bin, key));
      if (record) this.#putCache(record);
    }
  }

  #table(plugin: string, table: string): Map<RowId, Row> {
    const key = tableKey(plugin, table);
    let rows = this.rows.get(key);
    if (!rows) this.rows.set(key, (rows = new Map()));
    return rows;
  }

  #putCache(record: CacheRecord): void {
    const key = cacheKey(record.bin, record.key);
    this.cache.set(key, record);
    for (const tag of record.tags) {
      let keys = this.#tags.get(tag);
      if (!keys) this.#tags.set(tag, (keys = new Set()));
      keys.add(key);
    }
  }

  #deleteCache(key: string): void {
    const record = this.cache.get(key);
    if (!record) return;
    this.cache.delete(key);
    for (const tag of record.tags) {
      const keys = this.#tags.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.#tags.delete(tag);
    }
  }
}
