/**
 * What the UI offers a user: admin links and pages, menu entries, edit and delete links. The
 * kernel still checks every request; this only keeps the UI from offering what it would refuse.
 */
import type { ContentType, Item, UserProfile } from '../site/protocol.js';

/** A demo user with the permissions the worker resolved for it. */
export type SiteUser = UserProfile;

/** One user's permissions on one site. */
export interface Access {
  can(permission: string): boolean;
  /** May add items of `type`. */
  canCreate(type: string): boolean;
  /** May edit or delete `item` (own items need the "own" permission). */
  canOn(item: Item, op: 'edit' | 'delete'): boolean;
  /** May use /admin/content: administers content or may create some type. */
  canManageContent(): boolean;
}

/**
 * The access of `user` on a site with `contentTypes`, from the permissions the worker resolved
 * (the page never recomputes roles: the kernel's role table is the only one).
 *
 * @example createAccess(editor, types).canCreate('blog') // true
 */
export function createAccess(user: SiteUser | undefined, contentTypes: readonly ContentType[]): Access {
  const granted = new Set<string>(user?.permissions ?? []);
  // The kernel's rule (host/user.ts hasPermission): "administer site" holds every permission.
  const can = (permission: string): boolean => granted.has(permission) || granted.has('administer site');
  return {
    can,
    canCreate: (type) => can('administer content') || can(`create ${type} content`),
    canOn: (item, op) =>
      can('administer content') || can(`${op} any ${item.item_type} content`) || (user?.id === item.author_id && can(`${op} own ${item.item_type} content`)),
    canManageContent: () => can('administer content') || contentTypes.some((t) => can(`create ${t.machine_name} content`)),
  };
}

// The worker's early boot builds the first page for the same user the page would pick.
export { specOf, userForPick } from '../site/roles.js';
