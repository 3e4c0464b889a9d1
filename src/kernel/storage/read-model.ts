/**
 * The in-memory copy of the site database that host functions read synchronously. Rows,
 * variables, cache entries and settings are loaded at open; items are loaded on demand (by id,
 * or all of them for a listing: see README.md, "What is in memory"), and a read of an item not
 * loaded throws NotLoaded. It changes only by `apply`, after the IndexedDB transaction holding
 * the same changes has completed, and by loads that run in the store's write queue between
 * commits, so it never shows a write the database does not have.
 */
import type { SiteDatabase } from './database.js';
import type { CacheRecord, Item, Row, RowId, VariableRecord } from './schema.js';
import type { StoredData } from './unit-of-work.js';
import { NotLoaded } from '../tap/not-loaded.js';

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
  readonly rows = new Map<string, Map<RowId, Row>>();
  readonly variables = new Map<string, string>();
  readonly cache = new Map<string, CacheRecord>();
  readonly site = new Map<string, unknown>();
  readonly #tags = new Map<string, Set<string>>();

  /**
   * Loads every store except logs in one read transaction, items only `withItems`; returns
   * expired cache keys found. Otherwise items come as requests read them (`loadItems`,
   * `loadEveryItem`).
   */
  static async load(db: SiteDatabase, now: number, withItems: boolean): Promise<{ model: ReadModel; expired: Array<[string, string]> }> {
    const tx = db.transaction(['items', 'rows', 'variables', 'cache', 'site'], 'readonly');
    const [items, rows, variables, cache, siteKeys, siteValues] = await Promise.all([
      withItems ? tx.objectStore('items').getAll() : null,
      tx.objectStore('rows').getAll(),
      tx.objectStore('variables').getAll(),
      tx.objectStore('cache').getAll(),
      tx.objectStore('site').getAllKeys(),
      tx.objectStore('site').getAll(),
      tx.done,
    ]);
    const model = new ReadModel();
    if (items) model.loadEveryItem(items);
    for (const record of rows) model.#table(record.plugin, record.table).set(record.id, record.data);
    for (const record of variables) model.variables.set(variableKey(record.plugin, record.name), record.value);
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
    if (this.#itemsComplete) return;
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

  /** Every item, read in one go (a request listed them). */
  loadEveryItem(items: readonly Item[]): void {
    this.items.clear();
    this.#absentItems.clear();
    for (const item of items) this.items.set(item.id, item);
    this.#itemsComplete = true;
  }

  row(plugin: string, table: string, id: RowId): Row | undefined {
    return this.tableRows(plugin, table)?.get(id);
  }

  everyRow(plugin: string, table: string): Iterable<Row> {
    return this.tableRows(plugin, table)?.values() ?? [];
  }

  variable(plugin: string, name: string): string | undefined {
    return this.variables.get(variableKey(plugin, name));
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

  tableRows(plugin: string, table: string): ReadonlyMap<RowId, Row> | undefined {
    return this.rows.get(tableKey(plugin, table));
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
      const stored = this.#table(plugin, table);
      for (const [id, row] of rows) {
        if (row) stored.set(id, row);
        else stored.delete(id);
      }
      if (stored.size === 0) this.rows.delete(tableKey(plugin, table));
    }
    for (const record of changes.variables.values()) {
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
