/**
 * Saving, deleting, listing and loading items for editing, each as one request.
 *
 * The save rule: validation and access are decided first and a refusal writes nothing. Then
 * the item is staged, and `tap_item_insert` (new item) or `tap_item_update` (existing item),
 * or `tap_item_delete`, runs in the same request with the item as input. A handler that fails
 * loses its own writes (ABI §3) and is reported in `errors`, but the save or delete stands:
 * a broken reaction must not cost the user their content. The save is the submission of the
 * type's form `item_<type>_form`: tap_form_validate runs before anything is written (its
 * messages refuse the save, next to their fields), then tap_item_update_index, then
 * tap_form_submit with the saved item.
 */
import type { ContentType, FieldError } from '../kernel/content/types.js';
import type { RequestSession } from '../kernel/request-session.js';
import type { ItemDraft, ItemListQuery } from './protocol.js';
import type { Item } from '../kernel/storage/schema.js';
import type { DispatchResult } from '../kernel/tap/dispatcher.js';
import { checkItemAccess } from './access.js';
import { itemFormId, submitForm, validateForm } from './forms.js';
import { searchText, updateSearchIndex } from './search-index.js';
import { validateDraft } from './validate.js';
import { workOf } from './work.js';

export type SaveOutcome =
  | { ok: true; item: Item; trace: DispatchResult[]; errors: string[] }
  | { ok: false; errors: FieldError[]; trace: DispatchResult[] };

export type DeleteOutcome = { ok: true; trace: DispatchResult[]; errors: string[] } | { ok: false; error: string; trace: DispatchResult[] };

/** Validates, checks access, saves, and runs the insert or update tap. */
export function saveItem(session: RequestSession, draft: ItemDraft, types: readonly ContentType[]): SaveOutcome {
  const work = workOf(session);
  const trace: DispatchResult[] = [];
  const existing = draft.id ? work.getItem(draft.id) : undefined;
  if (draft.id && !existing) {
    return { ok: false, trace, errors: [{ field: '', message: `The item ${draft.id} no longer exists (it may have been deleted); save it as a new item.` }] };
  }
  if (existing && existing.item_type !== draft.item_type) {
    return {
      ok: false,
      trace,
      errors: [{ field: 'item_type', message: `This item is a "${existing.item_type}"; its type cannot change to "${draft.item_type}". Create a new item instead.` }],
    };
  }
  const check = validateDraft(draft, types, (id) => work.getItem(id));
  if (check.errors.length > 0) return { ok: false, trace, errors: check.errors };

  const now = Math.floor(work.now() / 1000);
  const item: Item = {
    id: existing?.id ?? crypto.randomUUID(),
    item_type: draft.item_type,
    title: draft.title.trim(),
    fields: check.fields,
    status: draft.status,
    author_id: existing?.author_id ?? session.user.id,
    revision_id: crypto.randomUUID(),
    created: existing?.created ?? now,
    changed: now,
  };
  // An update is judged against the item as stored (its author), a creation against the new one.
  const decision = checkItemAccess(session, existing ?? item, existing ? 'update' : 'create', trace);
  if (!decision.granted) return { ok: false, trace, errors: [{ field: '', message: decision.reason }] };

  const formId = itemFormId(item.item_type);
  const values = { title: item.title, fields: item.fields, status: item.status };
  const checked = validateForm(session, formId, values, trace);
  if (checked.fieldErrors.length > 0) return { ok: false, trace, errors: checked.fieldErrors };

  work.putItem(item);
  const reaction = session.dispatch(existing ? 'tap_item_update' : 'tap_item_insert', item);
  trace.push(reaction);
  const indexed = updateSearchIndex(session, item, trace);
  const submitted = submitForm(session, { form_id: formId, values, item }, trace);
  return { ok: true, item, trace, errors: [...decision.errors, ...failures(reaction, 'saved'), ...checked.errors, ...indexed, ...submitted.errors] };
}

/** Deletes an item the user may delete, then runs `tap_item_delete` with the deleted item. */
export function deleteItem(session: RequestSession, id: string): DeleteOutcome {
  const work = workOf(session);
  const trace: DispatchResult[] = [];
  const item = work.getItem(id);
  if (!item) return { ok: false, trace, error: `No item has the id "${id}"; it may already be deleted.` };
  const decision = checkItemAccess(session, item, 'delete', trace);
  if (!decision.granted) return { ok: false, trace, error: decision.reason };
  work.deleteItem(id);
  updateSearchIndex(session, null, trace, id);
  const reaction = session.dispatch('tap_item_delete', item);
  trace.push(reaction);
  return { ok: true, trace, errors: [...decision.errors, ...failures(reaction, 'deleted')] };
}

/** The item for its edit form, or null when it is missing or the user may not update it. */
export function editableItem(session: RequestSession, id: string): Item | null {
  const item = workOf(session).getItem(id);
  if (!item) return null;
  return checkItemAccess(session, item, 'update', []).granted ? item : null;
}

/**
 * Items the user may view (the same access rules as the item page, so a Deny hides an item
 * from lists too), filtered, newest first, then paged. `total` counts before paging. `search`
 * matches the title and the text plugins added through tap_item_update_index.
 */
export function listItems(session: RequestSession, query: ItemListQuery): { items: Item[]; total: number } {
  const search = query.search?.trim().toLowerCase();
  const work = workOf(session);
  const matches = work
    .allItems({ type: query.type, status: query.status })
    .filter(
      (item) =>
        (query.type === undefined || item.item_type === query.type) &&
        (query.status === undefined || item.status === query.status) &&
        (query.author === undefined || item.author_id === query.author) &&
        (!search || item.title.toLowerCase().includes(search) || searchText(work, item.id).includes(search)),
    )
    .filter((item) => checkItemAccess(session, item, 'view', []).granted);
  matches.sort((a, b) => b.created - a.created || b.changed - a.changed || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const offset = Math.max(0, Math.floor(query.offset ?? 0));
  const limit = query.limit === undefined ? undefined : Math.max(0, Math.floor(query.limit));
  return { items: matches.slice(offset, limit === undefined ? undefined : offset + limit), total: matches.length };
}

function failures(result: DispatchResult, done: 'saved' | 'deleted'): string[] {
  return result.results.filter((r) => r.error !== undefined).map((r) => `${r.error} (the item was ${done}; only this reaction failed)`);
}
