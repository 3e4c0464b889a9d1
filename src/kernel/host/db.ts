/**
 * `trovato:kernel/db`: each plugin's tables, in its own namespace (the real caller,
 * `call.plugin`; a plugin cannot name another's tables). Tables need no declaration: a row is a
 * JSON object keyed by its `id`. There is no SQL: `select` takes
 * `{table, where?, order?: [{column, direction}], limit?, offset?}`, and a `where` maps columns to
 * a value (equality; `null` matches a missing column) or to operators
 * `{eq|ne|lt|lte|gt|gte|in|like: v}` (all must hold). `like` is case-insensitive with `%` and `_`
 * wildcards (`\%`, `\_` match them literally).
 */
import type { Row, RowId } from '../storage/schema.js';
import type { SiteStore } from '../storage/site-store.js';
import type { HostImpl } from './abi.js';
import { HostCode, HostFailure } from '../contract/host-codes.js';
import {
  badArgument,
  checkKeys,
  compareValues,
  describe,
  isObject,
  optionalCount,
  ordered,
  parseDirection,
  parseObject,
  workOf,
  chargeStaging,
  checkValueSize,
  type JsonObject,
} from './storage-work.js';
import { rowWriteBytes, WRITE_OVERHEAD_BYTES } from '../storage/unit-of-work.js';
import { utf8Length } from '../common/limits.js';
import { MACHINE_NAME } from '../common/machine-name.js';

export const WHERE_OPS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'like'] as const;

const NO_SQL =
  'SQL is not available: in the browser plugin tables live in IndexedDB and there is no SQL engine. ' +
  'Use db select (query JSON {table, where, order, limit, offset}), insert, update and delete instead.';

function checkTable(table: unknown): string {
  if (typeof table !== 'string' || !MACHINE_NAME.test(table)) {
    const shown = typeof table === 'string' ? JSON.stringify(table) : describe(table);
    throw badArgument(`The table name ${shown} is not valid: use lowercase letters, digits and _, starting with a letter (${MACHINE_NAME.source}).`);
  }
  return table;
}

/** The db host functions over `store`. */
export function dbHostFunctions(store: SiteStore): Record<string, HostImpl> {
  return {
    select: (call, [text]) => {
      const work = workOf(call, store);
      const query = parseObject(text, 'The select query');
      checkKeys(query, ['table', 'where', 'order', 'limit', 'offset'], 'The select query');
      const table = checkTable(query.table);
      const matches = compileWhere(query.where ?? {});
      const order = parseOrder(query.order ?? []);
      const rows = work.allRows(call.plugin, table).filter(matches);
      rows.sort((a, b) => {
        for (const { column, direction } of order) {
          const result = compareValues(a[column], b[column]);
          if (result !== 0) return a[column] == null || b[column] == null ? result : result * direction;
        }
        return compareValues(a.id, b.id);
      });
      const offset = optionalCount(query, 'offset', 'The select query') ?? 0;
      const limit = optionalCount(query, 'limit', 'The select query');
      return JSON.stringify(rows.slice(offset, limit === undefined ? undefined : offset + limit));
    },

    insert: (call, [tableName, text]) => {
      const work = workOf(call, store);
      const table = checkTable(tableName);
      const input = parseObject(text, 'The row');
      const id = input.id ?? crypto.randomUUID();
      checkRowId(id);
      if (work.getRow(call.plugin, table, id)) {
        throw badArgument(`The table "${table}" already has a row with id ${JSON.stringify(id)}; use update to change it.`);
      }
      const row: Row = { ...input, id };
      const json = JSON.stringify(row);
      checkValueSize(call, 'dbRowBytes', utf8Length(json), 'The row');
      chargeStaging(call, work, rowWriteBytes(table, row, id));
      work.putRow(call.plugin, table, row);
      return json;
    },

    update: (call, [tableName, valuesText, whereText]) => {
      const work = workOf(call, store);
      const table = checkTable(tableName);
      const values = parseObject(valuesText, 'The update values');
      const matches = compileWhere(parseObject(whereText, 'The where clause'));
      const rows = work.allRows(call.plugin, table).filter(matches);
      if ('id' in values && rows.some((row) => row.id !== values.id)) {
        throw badArgument('The update values change "id"; a row keeps its id. Insert a new row and delete the old one instead.');
      }
      const updated = rows.map((row): Row => ({ ...row, ...values, id: row.id }));
      // Every row is checked before any is staged: an update applies to all matches or to none.
      let staged = 0;
      for (const row of updated) {
        const bytes = utf8Length(JSON.stringify(row));
        checkValueSize(call, 'dbRowBytes', bytes, `The updated row ${JSON.stringify(row.id)}`);
        staged += WRITE_OVERHEAD_BYTES + utf8Length(table) + bytes;
      }
      chargeStaging(call, work, staged);
      for (const row of updated) work.putRow(call.plugin, table, row);
      return rows.length;
    },

    delete: (call, [tableName, whereText]) => {
      const work = workOf(call, store);
      const table = checkTable(tableName);
      const matches = compileWhere(parseObject(whereText, 'The where clause'));
      const rows = work.allRows(call.plugin, table).filter(matches);
      chargeStaging(call, work, rows.reduce((sum, row) => sum + rowWriteBytes(table, null, row.id), 0));
      for (const row of rows) work.deleteRow(call.plugin, table, row.id);
      return rows.length;
    },

    'query-raw': () => {
      throw new HostFailure(HostCode.notSupported, NO_SQL);
    },
    'execute-raw': () => {
      throw new HostFailure(HostCode.notSupported, NO_SQL);
    },
  };
}

function checkRowId(id: unknown): asserts id is RowId {
  if (!(typeof id === 'string' && id.length > 0) && !(typeof id === 'number' && Number.isFinite(id))) {
    throw badArgument(`A row "id" must be a non-empty string or a number, got ${describe(id)}.`);
  }
}

function parseOrder(order: unknown): Array<{ column: string; direction: 1 | -1 }> {
  if (!Array.isArray(order)) throw badArgument(`The select "order" must be an array of {column, direction}, got ${describe(order)}.`);
  return order.map((entry, i) => {
    const what = `Order entry ${i + 1}`;
    if (!isObject(entry) || typeof entry.column !== 'string') throw badArgument(`${what} must be an object {column, direction}, got ${describe(entry)}.`);
    checkKeys(entry, ['column', 'direction'], what);
    return { column: entry.column, direction: parseDirection(entry.direction, what) };
  });
}

/** Compiles a where clause (an object of column conditions, all of which must hold). */
export function compileWhere(where: unknown): (row: JsonObject) => boolean {
  if (!isObject(where)) throw badArgument(`The where clause must be a JSON object of column conditions, got ${describe(where)}.`);
  const tests = Object.entries(where).map(([column, condition]) => {
    const what = `The where condition on "${column}"`;
    if (Array.isArray(condition)) throw badArgument(`${what} is an array; to match any of several values use {"in": [...]}.`);
    if (!isObject(condition)) return (row: JsonObject) => equals(row[column], condition);
    const ops = Object.entries(condition);
    if (ops.length === 0) throw badArgument(`${what} is an empty object; give an operator (${WHERE_OPS.join(', ')}).`);
    const checks = ops.map(([op, value]) => compileOp(op, value, what));
    return (row: JsonObject) => checks.every((check) => check(row[column]));
  });
  return (row) => tests.every((test) => test(row));
}

function equals(actual: unknown, expected: unknown): boolean {
  return expected === null ? actual === null || actual === undefined : actual === expected;
}

function compileOp(op: string, value: unknown, what: string): (actual: unknown) => boolean {
  switch (op) {
    case 'eq':
      return (actual) => equals(actual, value);
    case 'ne':
      return (actual) => !equals(actual, value);
    case 'lt':
      return (actual) => ordered(actual, value, (o) => o < 0);
    case 'lte':
      return (actual) => ordered(actual, value, (o) => o <= 0);
    case 'gt':
      return (actual) => ordered(actual, value, (o) => o > 0);
    case 'gte':
      return (actual) => ordered(actual, value, (o) => o >= 0);
    case 'in':
      if (!Array.isArray(value)) throw badArgument(`${what} uses "in", so its value must be an array, got ${describe(value)}.`);
      return (actual) => value.some((candidate) => equals(actual, candidate));
    case 'like': {
      if (typeof value !== 'string') throw badArgument(`${what} uses "like", so its value must be a string pattern, got ${describe(value)}.`);
      const pattern = likePattern(value);
      return (actual) => typeof actual === 'string' && pattern.test(actual);
    }
    default:
      throw badArgument(`${what} has an unknown operator "${op}"; the operators are ${WHERE_OPS.join(', ')}.`);
  }
}

/** SQL LIKE as a RegExp: `%` any run, `_` one character, a backslash escapes either. */
export function likePattern(like: string): RegExp {
  let source = '';
  for (let i = 0; i < like.length; i++) {
    const c = like[i];
    if (c === '\\' && i + 1 < like.length) source += escapeRegExp(like[++i]);
    else if (c === '%') source += '[\\s\\S]*';
    else if (c === '_') source += '[\\s\\S]';
    else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, 'iu');
}

function escapeRegExp(text: string): string {
  // Only syntax characters: the `u` flag rejects needless escapes such as `\-`.
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
