/**
 * One request's writes. Host functions run synchronously while IndexedDB is asynchronous, so a
 * request never waits on the database: it reads the in-memory read model through an overlay of
 * its own staged writes, and `commit` writes the survivors in one IndexedDB transaction when the
 * request ends. Savepoints let the dispatcher drop a failing handler's writes and keep the rest.
 */
import { KernelError } from '../common/errors.js';
import type { RequestWork } from '../common/request-work.js';
import type { CurrentUser } from '../common/users.js';
import {
  cacheKey,
  emptyChangeSet,
  isExpired,
  tableKey,
  variableKey,
  type ChangeSet,
} from './read-model.js';
import type { CacheRecord, Item, Row, RowId } from './schema.js';
import { utf8Length } from '../common/limits.js';
import { NotLoaded } from '../common/not-loaded.js';

/**
 * The committed data a unit of work reads through its overlay. The browser's store answers from
 * its in-memory ReadModel; the server's SQL stores answer from the database at each call, so no
 * process holds the whole site in memory. Returned values are shared: treat them as read-only.
 * The browser's item, row and variable reads may throw NotLoaded (../common/not-loaded.ts) for
 * data not in memory yet; the unit of work records what was missing (`missedReads`).
 */
export interface StoredData {
  item(id: string): Item | undefined;
  /**
   * Every committed item, in no particular order; an iterable so a database can stream them.
   * `only` is a hint a database may use to read less (callers still test every item).
   */
  everyItem(only?: ItemPrefilter): Iterable<Item>;
  row(plugin: string, table: string, id: RowId): Row | undefined;
  everyRow(plugin: string, table: string): Iterable<Row>;
  variable(plugin: string, name: string): string | undefined;
  cacheEntry(bin: string, key: string): CacheRecord | undefined;
  /** The stored cache entries carrying `tag`, in any bin. */
  cacheWithTag(tag: string): Iterable<CacheRecord>;
}

/** Which items a reader wants, when it knows: a store may use it to read less. */
export interface ItemPrefilter {
  readonly type?: string;
  readonly status?: 0 | 1;
}

/** What reads wanted that was not in memory (see ../common/not-loaded.ts). */
export interface MissedReads {
  readonly itemIds: ReadonlySet<string>;
  /** A listing wanted every item. */
  readonly allItems: boolean;
  /** Tables wanted, as [plugin, table] by `tableKey`. */
  readonly tables: ReadonlyMap<string, readonly [string, string]>;
  /** Plugins whose variables were wanted. */
  readonly variablePlugins: ReadonlySet<string>;
}

/** What a unit of work needs from the store that made it. */
export interface WorkBackend {
  readonly stored: StoredData;
  /** Unix milliseconds. */
  now(): number;
  commit(changes: ChangeSet): Promise<void>;
  /** Loads what reads missed (a store that loads lazily); `everything` loads all there is. */
  loadMissed?(missed: MissedReads, everything: boolean): Promise<void>;
}

type Op =
  | { readonly kind: 'item'; readonly id: string; readonly item: Item | null }
  | { readonly kind: 'row'; readonly plugin: string; readonly table: string; readonly id: RowId; readonly row: Row | null }
  | { readonly kind: 'variable'; readonly plugin: string; readonly name: string; readonly value: string }
  | { readonly kind: 'cache'; readonly record: CacheRecord }
  | { readonly kind: 'invalidate'; readonly tag: string };

export type WorkState = 'open' | 'committing' | 'committed' | 'discarded';

/**
 * What one staged write counts against the request's staging quota: the UTF-8 bytes of its
 * data plus a fixed overhead, so a million tiny writes are bounded too. Deletions and tag
 * invalidations count their keys.
 */
export const WRITE_OVERHEAD_BYTES = 64;

/** Staged bytes of a variable write (sizes in UTF-8 bytes, when the caller knows them). */
export function variableWriteBytes(name: string, value: string, nameBytes = utf8Length(name), valueBytes = utf8Length(value)): number {
  return WRITE_OVERHEAD_BYTES + nameBytes + valueBytes;
}

/** Staged bytes of a cache write (the value's size in UTF-8 bytes, when the caller knows it). */
export function cacheWriteBytes(bin: string, key: string, value: string, tags: readonly string[], valueBytes = utf8Length(value)): number {
  let bytes = WRITE_OVERHEAD_BYTES + utf8Length(bin) + utf8Length(key) + valueBytes;
  for (const tag of tags) bytes += utf8Length(tag);
  return bytes;
}

/** Staged bytes of a row write (null: a deletion). */
export function rowWriteBytes(table: string, row: Row | null, id: RowId): number {
  return WRITE_OVERHEAD_BYTES + utf8Length(table) + utf8Length(row === null ? String(id) : JSON.stringify(row));
}

/** Staged bytes of an item write (null: a deletion), with the two tag invalidations it brings. */
export function itemWriteBytes(item: Item | null, id: string): number {
  let bytes = WRITE_OVERHEAD_BYTES + utf8Length(item === null ? id : JSON.stringify(item));
  for (const tag of itemTags(id)) bytes += WRITE_OVERHEAD_BYTES + utf8Length(tag);
  return bytes;
}

function opBytes(op: Op): number {
  switch (op.kind) {
    case 'item':
      // The item's invalidations are ops of their own and count themselves.
      return WRITE_OVERHEAD_BYTES + utf8Length(op.item === null ? op.id : JSON.stringify(op.item));
    case 'row':
      return rowWriteBytes(op.table, op.row, op.id);
    case 'variable':
      return variableWriteBytes(op.name, op.value);
    case 'cache':
      return cacheWriteBytes(op.record.bin, op.record.key, op.record.value, op.record.tags);
    case 'invalidate':
      return WRITE_OVERHEAD_BYTES + utf8Length(op.tag);
  }
}

/** The cache tags every item save or delete invalidates. */
export function itemTags(id: string): string[] {
  return [`item:${id}`, 'item_list'];
}

/**
 * A request's staged writes over the site's read model. Made by `SiteStore.beginWork`.
 * Values it returns are shared with the read model: treat them as read-only.
 */
export class UnitOfWork implements RequestWork {
  readonly user: CurrentUser;
  readonly #backend: WorkBackend;
  #ops: Op[] = [];
  /** Staged bytes of each op, in step with #ops (see opBytes). */
  #opBytes: number[] = [];
  #stagedBytes = 0;
  #overlay = emptyChangeSet();
  #invalidated = new Set<string>();
  #state: WorkState = 'open';
  /** What this unit of work read that the store had not loaded (see ../common/not-loaded.ts). */
  #missed = { itemIds: new Set<string>(), allItems: false, tables: new Map<string, readonly [string, string]>(), variablePlugins: new Set<string>() };

  /** @internal Use `SiteStore.beginWork`. */
  constructor(backend: WorkBackend, user: CurrentUser) {
    this.#backend = backend;
    this.user = user;
  }

  get state(): WorkState {
    return this.#state;
  }

  /** Whether this unit of work belongs to `backend` (a host function must not write to another site). */
  belongsTo(backend: object): boolean {
    return this.#backend === backend;
  }

  /** Unix milliseconds, from the store's clock. */
  now(): number {
    return this.#backend.now();
  }

  /** Bytes of the writes staged now (see WRITE_OVERHEAD_BYTES); a rollback gives them back. */
  get stagedBytes(): number {
    return this.#stagedBytes;
  }

  /** A marker to roll back to: everything staged after it can be dropped. */
  savepoint(): number {
    return this.#ops.length;
  }

  /** Drops every write staged after `savepoint`; earlier writes stay staged. */
  rollbackTo(savepoint: number): void {
    this.#assertOpen();
    if (!Number.isInteger(savepoint) || savepoint < 0 || savepoint > this.#ops.length) {
      throw new RangeError(`Savepoint ${savepoint} does not exist (this unit of work has ${this.#ops.length} writes).`);
    }
    if (savepoint === this.#ops.length) return;
    this.#ops.length = savepoint;
    this.#opBytes.length = savepoint;
    this.#stagedBytes = this.#opBytes.reduce((sum, bytes) => sum + bytes, 0);
    // Replaying is simpler than undo records and rollbacks only follow a failing handler.
    this.#overlay = emptyChangeSet();
    this.#invalidated = new Set();
    for (const op of this.#ops) this.#apply(op);
  }

  // --- items -------------------------------------------------------------------------------

  getItem(id: string): Item | undefined {
    const staged = this.#overlay.items.get(id);
    if (staged !== undefined) return staged ?? undefined;
    try {
      return this.#backend.stored.item(id);
    } catch (error) {
      if (error instanceof NotLoaded) this.#missed.itemIds.add(id);
      throw error;
    }
  }

  /**
   * Every item as this request sees it, in no particular order. With `only`, items that do not
   * match it may be left out (a hint for the database; the request's own writes all come back).
   */
  allItems(only?: ItemPrefilter): Item[] {
    const result: Item[] = [];
    let stored: Iterable<Item>;
    try {
      stored = this.#backend.stored.everyItem(only);
    } catch (error) {
      if (error instanceof NotLoaded) this.#missed.allItems = true;
      throw error;
    }
    for (const item of stored) if (!this.#overlay.items.has(item.id)) result.push(item);
    for (const item of this.#overlay.items.values()) if (item) result.push(item);
    return result;
  }

  /** Stages an item (insert or replace by id) and invalidates its cache tags. */
  putItem(item: Item): void {
    this.#push({ kind: 'item', id: item.id, item });
    for (const tag of itemTags(item.id)) this.#push({ kind: 'invalidate', tag });
  }

  /** Stages an item's deletion and invalidates its cache tags. Returns whether it existed. */
  deleteItem(id: string): boolean {
    if (!this.getItem(id)) return false;
    this.#push({ kind: 'item', id, item: null });
    for (const tag of itemTags(id)) this.#push({ kind: 'invalidate', tag });
    return true;
  }

  // --- plugin tables -----------------------------------------------------------------------

  getRow(plugin: string, table: string, id: RowId): Row | undefined {
    const staged = this.#overlay.rows.get(tableKey(plugin, table))?.rows.get(id);
    if (staged !== undefined) return staged ?? undefined;
    try {
      return this.#backend.stored.row(plugin, table, id);
    } catch (error) {
      if (error instanceof NotLoaded) this.#missed.tables.set(tableKey(plugin, table), [plugin, table]);
      throw error;
    }
  }

  /** Every row of one plugin's table as this request sees it. */
  allRows(plugin: string, table: string): Row[] {
    const staged = this.#overlay.rows.get(tableKey(plugin, table))?.rows;
    const result: Row[] = [];
    let stored: Iterable<Row>;
    try {
      stored = this.#backend.stored.everyRow(plugin, table);
    } catch (error) {
      if (error instanceof NotLoaded) this.#missed.tables.set(tableKey(plugin, table), [plugin, table]);
      throw error;
    }
    for (const row of stored) if (!staged?.has(row.id)) result.push(row);
    for (const row of staged?.values() ?? []) if (row) result.push(row);
    return result;
  }

  putRow(plugin: string, table: string, row: Row): void {
    this.#push({ kind: 'row', plugin, table, id: row.id, row });
  }

  deleteRow(plugin: string, table: string, id: RowId): void {
    this.#push({ kind: 'row', plugin, table, id, row: null });
  }

  // --- variables ---------------------------------------------------------------------------

  getVariable(plugin: string, name: string): string | undefined {
    const staged = this.#overlay.variables.get(variableKey(plugin, name));
    if (staged) return staged.value;
    try {
      return this.#backend.stored.variable(plugin, name);
    } catch (error) {
      if (error instanceof NotLoaded) this.#missed.variablePlugins.add(plugin);
      throw error;
    }
  }

  setVariable(plugin: string, name: string, value: string): void {
    this.#push({ kind: 'variable', plugin, name, value });
  }

  // --- cache -------------------------------------------------------------------------------

  /** The cached value, or undefined for a miss (absent, expired or invalidated). */
  getCache(bin: string, key: string): string | undefined {
    const now = this.now();
    const staged = this.#overlay.cache.get(cacheKey(bin, key));
    if (staged !== undefined) return staged.record && !isExpired(staged.record, now) ? staged.record.value : undefined;
    const stored = this.#backend.stored.cacheEntry(bin, key);
    if (!stored || isExpired(stored, now)) return undefined;
    if (stored.tags.some((tag) => this.#invalidated.has(tag))) return undefined;
    return stored.value;
  }

  /** @param maxAgeSeconds 0 for no expiry. */
  setCache(bin: string, key: string, value: string, tags: readonly string[], maxAgeSeconds = 0): void {
    const expires = maxAgeSeconds > 0 ? this.now() + maxAgeSeconds * 1000 : 0;
    this.#push({ kind: 'cache', record: { bin, key, value, tags: [...new Set(tags)], expires } });
  }

  /** Drops every entry carrying `tag`, in every bin (entries set later in the request survive). */
  invalidateTag(tag: string): void {
    this.#push({ kind: 'invalidate', tag });
  }

  // --- data loaded on demand -------------------------------------------------------------

  /** Whether a read found data the store had not loaded: this attempt must not commit. */
  get missedReads(): boolean {
    const missed = this.#missed;
    return missed.allItems || missed.itemIds.size + missed.tables.size + missed.variablePlugins.size > 0;
  }

  /**
   * Drops this attempt (its writes never reach the store) and loads what its reads missed, so
   * a new unit of work for the same request finds it. `everything` loads all there is: a request
   * that misses again after one load is run a third time with nothing left to miss.
   */
  async loadMissed(everything: boolean): Promise<void> {
    const missed: MissedReads = this.#missed;
    this.discard();
    if (!this.#backend.loadMissed) throw new KernelError('STORAGE_FAILURE', 'This store reported a read it had not loaded, but cannot load one: a kernel bug.');
    await this.#backend.loadMissed(missed, everything);
  }

  // --- end of the request ------------------------------------------------------------------

  /**
   * Writes every surviving write in one IndexedDB transaction, then applies them to the read
   * model. Rejects with a STORAGE_FAILURE KernelError and leaves the read model as it was when
   * the transaction fails; the unit of work is then open again (retry `commit` or `discard`).
   */
  async commit(): Promise<void> {
    this.#assertOpen();
    if (this.missedReads) {
      throw new KernelError('STORAGE_FAILURE', 'A request that read items not loaded yet tried to commit; it must run again after `loadMissed`: a kernel bug.');
    }
    this.#state = 'committing';
    try {
      await this.#backend.commit(this.#changes());
      this.#state = 'committed';
    } catch (error) {
      this.#state = 'open';
      throw error;
    }
  }

  /** Drops every staged write; nothing reaches the database. */
  discard(): void {
    if (this.#state === 'committing') throw this.#closedError();
    this.#ops = [];
    this.#opBytes = [];
    this.#stagedBytes = 0;
    this.#overlay = emptyChangeSet();
    this.#invalidated = new Set();
    if (this.#state === 'open') this.#state = 'discarded';
  }

  /** The overlay plus deletions of stored cache entries whose tags were invalidated. */
  #changes(): ChangeSet {
    const changes: ChangeSet = {
      items: new Map(this.#overlay.items),
      rows: new Map(this.#overlay.rows),
      variables: new Map(this.#overlay.variables),
      cache: new Map(this.#overlay.cache),
    };
    for (const tag of this.#invalidated) {
      for (const record of this.#backend.stored.cacheWithTag(tag)) {
        const key = cacheKey(record.bin, record.key);
        if (!changes.cache.has(key)) changes.cache.set(key, { bin: record.bin, key: record.key, record: null });
      }
    }
    return changes;
  }

  #push(op: Op): void {
    this.#assertOpen();
    this.#ops.push(op);
    const bytes = opBytes(op);
    this.#opBytes.push(bytes);
    this.#stagedBytes += bytes;
    this.#apply(op);
  }

  #apply(op: Op): void {
    const overlay = this.#overlay;
    switch (op.kind) {
      case 'item':
        overlay.items.set(op.id, op.item);
        break;
      case 'row': {
        const key = tableKey(op.plugin, op.table);
        let table = overlay.rows.get(key);
        if (!table) overlay.rows.set(key, (table = { plugin: op.plugin, table: op.table, rows: new Map() }));
        table.rows.set(op.id, op.row);
        break;
      }
      case 'variable':
        overlay.variables.set(variableKey(op.plugin, op.name), { plugin: op.plugin, name: op.name, value: op.value });
        break;
      case 'cache':
        overlay.cache.set(cacheKey(op.record.bin, op.record.key), { bin: op.record.bin, key: op.record.key, record: op.record });
        break;
      case 'invalidate':
        this.#invalidated.add(op.tag);
        for (const [key, change] of overlay.cache) {
          if (change.record?.tags.includes(op.tag)) overlay.cache.set(key, { bin: change.bin, key: change.key, record: null });
        }
        break;
    }
  }

  #assertOpen(): void {
    if (this.#state !== 'open') throw this.#closedError();
  }

  #closedError(): KernelError {
    return new KernelError(
      'STORAGE_FAILURE',
      `This request's storage is no longer open (its unit of work is ${this.#state}); a write after the request ended is a kernel bug.`,
    );
  }
}
