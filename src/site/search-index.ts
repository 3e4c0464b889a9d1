/**
 * The site's search text per item, from `tap_item_update_index`: run after an item is saved,
 * input `{item}`, output a string (or an array of strings) of extra text to find the item by.
 * Stored in the reserved `_search` rows namespace (no plugin name starts with `_`), so it
 * commits with the save. The content list's search reads it beside the title.
 */
import type { RequestSession } from '../kernel/request-session.js';
import type { Item } from '../kernel/storage/schema.js';
import type { UnitOfWork } from '../kernel/storage/unit-of-work.js';
import type { DispatchResult } from '../kernel/tap/dispatcher.js';
import { workOf } from './work.js';

const NAMESPACE = '_search';
const TABLE = 'items';

/** Re-indexes `item` (or drops the index of the deleted `deletedId`); returns handler failures. */
export function updateSearchIndex(session: RequestSession, item: Item | null, trace: DispatchResult[], deletedId?: string): string[] {
  const work = workOf(session);
  if (item === null) {
    if (deletedId !== undefined) work.deleteRow(NAMESPACE, TABLE, deletedId);
    return [];
  }
  if (session.handlers('tap_item_update_index').length === 0) return [];
  const result = session.dispatch('tap_item_update_index', { item });
  trace.push(result);
  const parts: string[] = [];
  const errors: string[] = [];
  for (const answer of result.results) {
    if (answer.error !== undefined) errors.push(`${answer.error} (the item was saved; its search text from this plugin was not)`);
    else if (typeof answer.output === 'string') parts.push(answer.output);
    else if (Array.isArray(answer.output)) parts.push(...answer.output.filter((p): p is string => typeof p === 'string'));
    else if (answer.output !== null) errors.push(`${answer.plugin} tap_item_update_index returned ${JSON.stringify(answer.output).slice(0, 80)}; return a string or an array of strings.`);
  }
  work.putRow(NAMESPACE, TABLE, { id: item.id, text: parts.join('\n') });
  return errors;
}

/** The indexed text of an item, lower-cased ('' when none). */
export function searchText(work: UnitOfWork, id: string): string {
  const row = work.getRow(NAMESPACE, TABLE, id);
  return typeof row?.text === 'string' ? row.text.toLowerCase() : '';
}
