/**
 * What the UI offers a user: admin links and pages, menu entries, edit and delete links. The
 * kernel still checks every request; this only keeps the UI from offering what it would refuse.
 */
import type { ContentType, Item, UserProfile } from '../kernel/protocol.js';
import { siteRoles } from '../kernel/site/roles.js';

/** A demo user, possibly with the permissions the worker resolved for it. */
export type SiteUser = UserProfile & { permissions?: readonly string[] };

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
 * The access of `user` on a site with `contentTypes`. Uses the permissions the worker sent when
 * it sends them; otherwise the site's role table (the one the worker gives the kernel).
 *
 * @example createAccess(editor, types).canCreate('blog') // true
 */
export function createAccess(user: SiteUser | undefined, contentTypes: readonly ContentType[]): Access {
  const granted = new Set<string>(user?.permissions ?? []);
  if (user !== undefined && user.permissions === undefined) {
    const roles = siteRoles(contentTypes.map((t) => t.machine_name));
    for (const role of user.roles) for (const permission of roles[role] ?? []) granted.add(permission);
  }
  const can = (permission: string): boolean => granted.has('*') || granted.has(permission);
  return {
    can,
    canCreate: (type) => can('administer content') || can(`create ${type} content`),
    canOn: (item, op) =>
      can('administer content') || can(`${op} any ${item.item_type} content`) || (user?.id === item.author_id && can(`${op} own ${item.item_type} content`)),
    canManageContent: () => can('administer content') || contentTypes.some((t) => can(`create ${t.machine_name} content`)),
  };
}
