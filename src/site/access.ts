/**
 * Item access (ABI §5 AccessResult), in this order: a user with `bypass item access` is granted;
 * a user without `access content` is denied; then any Deny from `tap_item_access` denies; then
 * any Grant grants; otherwise the user's permissions decide, as the item-api host functions do.
 * The vote itself (and what a failing handler counts as) is in ../item-access.ts.
 */
import type { ItemOperation } from '../kernel/content/types.js';
import type { RequestSession } from '../kernel/request-session.js';
import { canViewItem, itemPermissionProblem } from '../kernel/host/item.js';
import { hasPermission } from '../kernel/host/user.js';
import { tallyAccessAnswers } from '../kernel/item-access.js';
import type { Item } from '../kernel/storage/schema.js';
import type { DispatchResult, HandlerResult } from '../kernel/tap/dispatcher.js';
import type { CurrentUser } from '../kernel/common/users.js';

export interface AccessDecision {
  granted: boolean;
  /** Why, as a sentence (shown to the user when denied). */
  reason: string;
  /** Problems with access handlers, for the page's error list. */
  errors: string[];
}

/**
 * Decides `op` on `item` for the session's user, dispatching `tap_item_access` only when the
 * first two rules leave the question open. The dispatch, if any, is pushed onto `trace`.
 */
export function checkItemAccess(session: RequestSession, item: Item, op: ItemOperation, trace: DispatchResult[]): AccessDecision {
  const user = session.user;
  if (hasPermission(user, 'bypass item access')) return { granted: true, reason: `${user.name} has "bypass item access".`, errors: [] };
  if (!hasPermission(user, 'access content')) {
    return { granted: false, reason: `${user.name} lacks the permission "access content".`, errors: [] };
  }
  const dispatched = session.dispatch('tap_item_access', { item, op });
  trace.push(dispatched);
  return decideFromAnswers(user, item, op, dispatched.results);
}

/** Rules 3 to 5 over the handlers' answers. */
function decideFromAnswers(user: CurrentUser, item: Item, op: ItemOperation, answers: readonly HandlerResult[]): AccessDecision {
  const { verdict, deniers, granters, errors } = tallyAccessAnswers(answers);
  if (verdict === 'deny') return { granted: false, reason: `Access denied by ${deniers.join(', ')} (tap_item_access).`, errors };
  if (verdict === 'grant') return { granted: true, reason: `Access granted by ${granters.join(', ')} (tap_item_access).`, errors };
  return { ...byPermissions(user, item, op), errors };
}

function byPermissions(user: CurrentUser, item: Item, op: ItemOperation): Omit<AccessDecision, 'errors'> {
  if (op === 'view') {
    if (canViewItem(user, item)) return { granted: true, reason: `${user.name} may view this item.` };
    return { granted: false, reason: `This item is unpublished; viewing it needs the permission "view unpublished content" (or being its author).` };
  }
  const problem = itemPermissionProblem(user, op === 'update' ? 'edit' : op, item);
  if (problem !== null) return { granted: false, reason: `Permission denied: ${problem}` };
  return { granted: true, reason: `${user.name} may ${op} this item.` };
}
