/**
 * `trovato:kernel/item-api`: items shared by every plugin, guarded by the current user's
 * permissions. The kernel owns `id`, `created`, `changed` and `revision_id`.
 *
 * `query-items` takes `{type?, status?, author?, conditions?, sort?, limit?, offset?, count?}` and
 * returns `{items: Item[], total, more}`: `total` counts the matching items the user may see
 * before `limit`/`offset` apply, `more` says whether a visible match follows the page. With
 * `count: false` there is no `total`, and item access is asked only until the page and the one
 * match after it are known. See `ItemQuery` for the condition operators.
 */
import type { SiteStore } from '../storage/site-store.js';
import type { Item } from '../storage/schema.js';
import { ANONYMOUS_ID, type CurrentUser } from '../common/users.js';
import type { ActiveCall, HostImpl } from './abi.js';
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
} from './storage-work.js';
import { itemWriteBytes } from '../storage/unit-of-work.js';
import { utf8Length } from '../common/limits.js';
import { hasPermission } from './user.js';
import { MACHINE_NAME } from '../common/machine-name.js';

export const CONDITION_OPS = ['eq', 'ne', 'lt', 'gt', 'lte', 'gte', 'in', 'contains'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

/**
 * A `query-items` query. `field` is a top-level key (`title`, `created`, `status`, ...) or
 * `fields.<name>`; a `{value, format}` field compares its `value`, a `{target_id}` reference its
 * id. On a multi-value field (an array) a condition holds when it holds for any element (`ne`:
 * for none). `contains` on a string is a case-insensitive substring test; on an array it is
 * "some element equals". Without `sort`, items come newest first (`created` desc, then id).
 */
export interface ItemQuery {
  type?: string;
  status?: 0 | 1;
  author?: string;
  conditions?: Array<{ field: string; op: ConditionOp; value: unknown }>;
  sort?: Array<{ field: string; direction?: 'asc' | 'desc' }>;
  limit?: number;
  offset?: number;
  /** false: answer without `total`, so access is not asked about matches past the page. */
  count?: boolean;
}

const TOP_LEVEL_FIELDS = ['id', 'item_type', 'title', 'status', 'author_id', 'revision_id', 'created', 'changed'];
const ITEM_KEYS = [...TOP_LEVEL_FIELDS, 'fields'];
/** Permissions that allow every operation on every item. */
const ALL_ITEMS = ['administer content', 'bypass item access'];

/** Whether `user` has `permission` on items, counting the all-items permissions. */
function mayOnItems(user: CurrentUser, permission: string): boolean {
  return hasPermission(user, permission) || ALL_ITEMS.some((p) => hasPermission(user, p));
}

function owns(user: CurrentUser, item: Pick<Item, 'author_id'>): boolean {
  // Anonymous visitors share one id, so "own" would mean everyone's.
  return user.id !== ANONYMOUS_ID && item.author_id === user.id;
}

/** Whether `user` may see `item`: published items, or unpublished ones they wrote or may view. */
export function canViewItem(user: CurrentUser, item: Item): boolean {
  return item.status === 1 || owns(user, item) || mayOnItems(user, 'view unpublished content');
}

/**
 * Why `user` may not `op` the item, as a sentence naming the permission needed; null when they
 * may. The item-api host functions and the site's item access both decide by this.
 */
export function itemPermissionProblem(
  user: CurrentUser,
  op: 'create' | 'edit' | 'delete',
  item: Pick<Item, 'id' | 'item_type' | 'author_id'>,
): string | null {
  const type = item.item_type;
  if (op === 'create') {
    if (mayOnItems(user, `create ${type} content`)) return null;
    return `Creating a "${type}" item needs the permission "create ${type} content" (or "administer content").`;
  }
  const own = `${op} own ${type} content`;
  const any = `${op} any ${type} content`;
  if (mayOnItems(user, any) || (owns(user, item) && mayOnItems(user, own))) return null;
  const verb = op === 'edit' ? 'Editing' : 'Deleting';
  return (
    `${verb} the "${type}" item ${item.id} needs the permission "${any}"` +
    `${owns(user, item) ? ` or "${own}"` : ` (or "${own}" for one's own items)`} (or "administer content").`
  );
}

/** Throws -3 naming the permission needed unless `user` may `op` the item. */
function checkItemPermission(user: CurrentUser, op: 'create' | 'edit' | 'delete', item: Pick<Item, 'id' | 'item_type' | 'author_id'>): void {
  const problem = itemPermissionProblem(user, op, item);
  if (problem !== null) throw denied(problem);
}

function denied(message: string): HostFailure {
  return new HostFailure(HostCode.permissionDenied, `Permission denied: ${message}`);
}

function notFound(id: string): HostFailure {
  return new HostFailure(HostCode.notFound, `No item has the id "${id}".`);
}

/**
 * Whether the calling plugin may read `item` for the request's user, in the ABI §5 access
 * order: `bypass item access` grants, no `access content` denies, then `tap_item_access`
 * (any Deny, then any Grant), then the unpublished rule. A plugin that declared the bypass in
 * its manifest reads every item (an indexer, a backup).
 */
function mayRead(call: ActiveCall, item: Item): boolean {
  return readable(call, [item]).length === 1;
}

/**
 * The items of `items` the calling plugin may read (see mayRead), in order. The rules about the
 * user and the plugin are decided once, and `tap_item_access` runs over all the items together
 * (handler by handler, see Dispatcher.dispatchEach).
 */
function readable(call: ActiveCall, items: Item[]): Item[] {
  const { user, services } = call.request;
  if (services.pluginBypassesItemAccess?.(call.plugin)) return items;
  if (hasPermission(user, 'bypass item access')) return items;
  if (!hasPermission(user, 'access content')) return [];
  const verdicts = items.length === 0 ? [] : services.itemsAccess?.(items, 'view', call.plugin);
  return items.filter((item, i) => {
    const verdict = verdicts?.[i] ?? 'neutral';
    return verdict !== 'neutral' ? verdict === 'grant' : canViewItem(user, item);
  });
}

/** The item-api host functions over `store`. */
export function itemHostFunctions(store: SiteStore): Record<string, HostImpl> {
  return {
    'get-item': (call, [id]) => {
      const work = workOf(call, store);
      const item = work.getItem(id);
      if (!item) throw notFound(id);
      if (!mayRead(call, item)) {
        throw denied(
          canViewItem(call.request.user, item)
            ? `The item ${id} is hidden from this user by item access (tap_item_access or a missing "access content").`
            : `The item ${id} is unpublished; viewing it needs the permission "view unpublished content".`,
        );
      }
      return JSON.stringify(item);
    },

    'save-item': (call, [text]) => {
      const work = workOf(call, store);
      const user = call.request.user;
      const input = parseObject(text, 'The item');
      checkKeys(input, ITEM_KEYS, 'The item');
      const created = input.id === undefined || input.id === null || input.id === '';
      const id = created ? crypto.randomUUID() : input.id;
      if (typeof id !== 'string' || id.length > 255) throw badArgument(`The item "id" must be a string (a UUID), got ${describe(input.id)}.`);
      // A UUID made just now is nobody's yet: not looking it up spares a lazily loaded store a
      // miss (and the request a second run) for every item a plugin creates.
      const existing = created ? undefined : work.getItem(id);
      const itemType = input.item_type;
      if (typeof itemType !== 'string' || !MACHINE_NAME.test(itemType)) {
        throw badArgument(`The item "item_type" must be a content type machine name (${MACHINE_NAME.source}), got ${describe(itemType)}.`);
      }
      if (typeof input.title !== 'string') throw badArgument(`The item "title" must be a string, got ${describe(input.title)}.`);
      const fields = input.fields ?? {};
      if (!isObject(fields)) throw badArgument(`The item "fields" must be an object of field values, got ${describe(fields)}.`);
      const status = input.status ?? existing?.status ?? 1;
      if (status !== 0 && status !== 1) throw badArgument(`The item "status" must be 0 (unpublished) or 1 (published), got ${describe(status)}.`);
      const author = input.author_id ?? existing?.author_id ?? user.id;
      if (typeof author !== 'string') throw badArgument(`The item "author_id" must be a user id string, got ${describe(author)}.`);

      const now = Math.floor(work.now() / 1000);
      if (existing) {
        if (existing.item_type !== itemType) {
          throw badArgument(`The item ${id} is a "${existing.item_type}"; its item_type cannot change to "${itemType}". Create a new item instead.`);
        }
        checkItemPermission(user, 'edit', existing);
        if (author !== existing.author_id && !mayOnItems(user, 'administer content')) {
          throw denied(`Changing the author of item ${id} needs the permission "administer content".`);
        }
      } else {
        checkItemPermission(user, 'create', { id, item_type: itemType, author_id: author });
      }
      const item: Item = {
        id,
        item_type: itemType,
        title: input.title,
        fields,
        status,
        author_id: author,
        revision_id: crypto.randomUUID(),
        created: existing?.created ?? now,
        changed: now,
      };
      const json = JSON.stringify(item);
      checkValueSize(call, 'itemBytes', utf8Length(json), 'The item');
      chargeStaging(call, work, itemWriteBytes(item, id));
      work.putItem(item);
      return json;
    },

    'delete-item': (call, [id]) => {
      const work = workOf(call, store);
      const item = work.getItem(id);
      if (!item) throw notFound(id);
      checkItemPermission(call.request.user, 'delete', item);
      chargeStaging(call, work, itemWriteBytes(null, id));
      work.deleteItem(id);
      return 0;
    },

    'query-items': (call, [text]) => {
      const work = workOf(call, store);
      const query = parseItemQuery(text);
      // Match and sort first, then ask access in that order: access may dispatch
      // tap_item_access, so it runs only for matches, over many items at once (readable), and
      // a query without a total stops once it knows its page and whether one more visible
      // match follows (a page of a long list then costs the page, not the list).
      const matches = work.allItems(query.prefilter).filter(query.test).sort(query.compare);
      const start = query.offset ?? 0;
      const end = query.limit === undefined ? Infinity : start + query.limit;
      let visible: Item[];
      if (query.count) {
        visible = readable(call, matches);
      } else {
        // Window by window: the first is the page and the one after it; each next one asks
        // only about as many more as the hidden items of the last left missing.
        visible = [];
        for (let next = 0; visible.length <= end && next < matches.length; ) {
          const window = matches.slice(next, next + (end + 1 - visible.length));
          next += window.length;
          for (const item of readable(call, window)) visible.push(item);
        }
      }
      const items = visible.slice(start, end);
      const more = visible.length > end;
      return JSON.stringify(query.count ? { items, total: visible.length, more } : { items, more });
    },
  };
}

interface CompiledQuery {
  /** The type and status asked for, so a database-backed store reads only those items. */
  prefilter: { type?: string; status?: 0 | 1 };
  test(item: Item): boolean;
  compare(a: Item, b: Item): number;
  limit?: number;
  offset?: number;
  /** Whether the answer counts every visible match (`total`); false stops after the page. */
  count: boolean;
}

/** Validates a query JSON and compiles it to a filter and a comparator. */
export function parseItemQuery(text: string): CompiledQuery {
  const query = parseObject(text, 'The query');
  checkKeys(query, ['type', 'status', 'author', 'conditions', 'sort', 'limit', 'offset', 'count'], 'The query');
  if (query.count !== undefined && typeof query.count !== 'boolean') {
    throw badArgument(`The query "count" must be true (answer with "total", the default) or false (answer without it, faster on long lists), got ${describe(query.count)}.`);
  }
  const tests: Array<(item: Item) => boolean> = [];
  if (query.type !== undefined) {
    if (typeof query.type !== 'string') throw badArgument(`The query "type" must be a content type name, got ${describe(query.type)}.`);
    const type = query.type;
    tests.push((item) => item.item_type === type);
  }
  if (query.status !== undefined) {
    if (query.status !== 0 && query.status !== 1) throw badArgument(`The query "status" must be 0 or 1, got ${describe(query.status)}.`);
    const status = query.status;
    tests.push((item) => item.status === status);
  }
  if (query.author !== undefined) {
    if (typeof query.author !== 'string') throw badArgument(`The query "author" must be a user id, got ${describe(query.author)}.`);
    const author = query.author;
    tests.push((item) => item.author_id === author);
  }
  const conditions = query.conditions ?? [];
  if (!Array.isArray(conditions)) throw badArgument(`The query "conditions" must be an array, got ${describe(conditions)}.`);
  conditions.forEach((condition, i) => tests.push(compileCondition(condition, `Condition ${i + 1}`)));

  const sort = query.sort ?? [{ field: 'created', direction: 'desc' }];
  if (!Array.isArray(sort)) throw badArgument(`The query "sort" must be an array of {field, direction}, got ${describe(sort)}.`);
  const keys = sort.map((entry, i) => {
    const what = `Sort entry ${i + 1}`;
    if (!isObject(entry)) throw badArgument(`${what} must be an object {field, direction}, got ${describe(entry)}.`);
    checkKeys(entry, ['field', 'direction'], what);
    return { read: fieldReader(entry.field, what), direction: parseDirection(entry.direction, what) };
  });
  return {
    prefilter: { type: query.type as string | undefined, status: query.status as 0 | 1 | undefined },
    // Plain loops, each field read once: a listing sorts every match, so these run n log n times.
    test: (item) => {
      for (const test of tests) if (!test(item)) return false;
      return true;
    },
    compare: (a, b) => {
      for (const { read, direction } of keys) {
        const valueA = read(a);
        const valueB = read(b);
        const order = compareValues(firstOf(valueA), firstOf(valueB));
        // Missing values sort last in both directions.
        if (order !== 0) return valueA == null || valueB == null ? order : order * direction;
      }
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    },
    limit: optionalCount(query, 'limit', 'The query'),
    offset: optionalCount(query, 'offset', 'The query'),
    count: query.count !== false,
  };
}

function compileCondition(condition: unknown, what: string): (item: Item) => boolean {
  if (!isObject(condition)) throw badArgument(`${what} must be an object {field, op, value}, got ${describe(condition)}.`);
  checkKeys(condition, ['field', 'op', 'value'], what);
  const read = fieldReader(condition.field, what);
  const op = condition.op;
  if (typeof op !== 'string' || !(CONDITION_OPS as readonly string[]).includes(op)) {
    throw badArgument(`${what} has the operator ${describe(op)}; the operators are ${CONDITION_OPS.join(', ')}.`);
  }
  const expected = condition.value;
  if (op === 'in' && !Array.isArray(expected)) throw badArgument(`${what} uses "in", so its value must be an array, got ${describe(expected)}.`);
  const one = elementTest(op as ConditionOp, expected);
  return (item) => {
    const actual = scalar(read(item));
    if (op === 'contains' && typeof actual === 'string' && typeof expected === 'string') {
      return actual.toLowerCase().includes(expected.toLowerCase());
    }
    if (Array.isArray(actual)) {
      const values = actual.map(scalar);
      return op === 'ne' ? values.every(one) : values.some(one);
    }
    return one(actual);
  };
}

function elementTest(op: ConditionOp, expected: unknown): (value: unknown) => boolean {
  switch (op) {
    case 'eq':
    case 'contains':
      return (value) => value === expected;
    case 'ne':
      return (value) => value !== expected;
    case 'lt':
      return (value) => ordered(value, expected, (o) => o < 0);
    case 'lte':
      return (value) => ordered(value, expected, (o) => o <= 0);
    case 'gt':
      return (value) => ordered(value, expected, (o) => o > 0);
    case 'gte':
      return (value) => ordered(value, expected, (o) => o >= 0);
    case 'in':
      return (value) => (expected as unknown[]).includes(value);
  }
}

/** A text value `{value, format}` compares by its value, a reference `{target_id}` by its id. */
function scalar(value: unknown): unknown {
  if (isObject(value)) {
    if ('value' in value) return value.value;
    if ('target_id' in value) return value.target_id;
  }
  return value;
}

function firstOf(value: unknown): unknown {
  return scalar(Array.isArray(value) ? value[0] : value);
}

function fieldReader(field: unknown, what: string): (item: Item) => unknown {
  if (typeof field === 'string' && field.startsWith('fields.') && field.length > 'fields.'.length) {
    const name = field.slice('fields.'.length);
    return (item) => (Object.hasOwn(item.fields, name) ? item.fields[name] : undefined);
  }
  if (typeof field === 'string' && TOP_LEVEL_FIELDS.includes(field)) {
    return (item) => item[field as keyof Item];
  }
  throw badArgument(`${what} names the field ${describe(field)}; use one of ${TOP_LEVEL_FIELDS.join(', ')} or "fields.<name>".`);
}
