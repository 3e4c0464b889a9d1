/**
 * `trovato:kernel/user-api`, and the roles that decide a user's permissions. Role permission
 * maps are site settings, so they persist in the site store.
 */
import type { SiteStore } from '../storage/site-store.js';
import type { CurrentUser } from '../tap/request-state.js';
import type { HostImpl } from './abi.js';

/** A user with this permission has every permission. */
export const SUPER_PERMISSION = 'administer site';

/** Whether `user` has `permission` (holders of "administer site" have all). */
export function hasPermission(user: CurrentUser, permission: string): boolean {
  return user.permissions.has(permission) || user.permissions.has(SUPER_PERMISSION);
}

/** The user-api host functions. They read the request's user and need no storage. */
export function userHostFunctions(): Record<string, HostImpl> {
  return {
    'current-user-id': (call) => call.request.user.id,
    'current-user-has-permission': (call, [permission]) => (hasPermission(call.request.user, permission) ? 1 : 0),
  };
}

/** Permissions per role name. */
export type RolePermissions = Readonly<Record<string, readonly string[]>>;

/** The site setting that holds the role -> permissions map. */
export const ROLE_PERMISSIONS_SETTING = 'role_permissions';

/** The per-content-type permissions a role needs to manage its own items of `type`. */
function ownContentPermissions(type: string): string[] {
  return [`create ${type} content`, `edit own ${type} content`, `delete own ${type} content`];
}

/**
 * The roles a new site starts with: `anonymous` may view content; `editor` may also see
 * unpublished content and create, edit and delete their own items of every given type;
 * `administrator` may do everything.
 *
 * @example
 * defaultRolePermissions(['article', 'page']).editor.includes('create article content'); // true
 */
export function defaultRolePermissions(contentTypes: readonly string[]): RolePermissions {
  return {
    anonymous: ['access content'],
    editor: ['access content', 'view unpublished content', ...contentTypes.flatMap(ownContentPermissions)],
    administrator: [
      SUPER_PERMISSION,
      'administer content',
      'bypass item access',
      'access content',
      'view unpublished content',
      ...contentTypes.flatMap((type) => [...ownContentPermissions(type), `edit any ${type} content`, `delete any ${type} content`]),
    ],
  };
}

/**
 * Builds the user a request runs as: the union of its roles' permissions. A role missing from
 * `rolePermissions` grants nothing.
 *
 * @example
 * const user = userFromRoles(id, 'ada', ['editor'], defaultRolePermissions(['article']));
 */
export function userFromRoles(id: string, name: string, roles: readonly string[], rolePermissions: RolePermissions): CurrentUser {
  const permissions = new Set<string>();
  for (const role of roles) {
    for (const permission of Object.hasOwn(rolePermissions, role) ? rolePermissions[role] : []) permissions.add(permission);
  }
  return { id, name, roles: [...roles], permissions };
}

/** The site's role permissions, or the defaults for `contentTypes` when none were saved yet. */
export function loadRolePermissions(store: SiteStore, contentTypes: readonly string[]): RolePermissions {
  return store.getSetting<RolePermissions>(ROLE_PERMISSIONS_SETTING) ?? defaultRolePermissions(contentTypes);
}

/** Saves the site's role permissions. */
export function saveRolePermissions(store: SiteStore, rolePermissions: RolePermissions): Promise<void> {
  return store.putSetting(ROLE_PERMISSIONS_SETTING, rolePermissions);
}
