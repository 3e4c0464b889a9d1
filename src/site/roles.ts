/**
 * The site's roles and its demo users. Roles go through the kernel's one mechanism (a RoleTable
 * given to createKernel, resolved by users.ts); the site only adds the per-content-type
 * permissions once the content types are known.
 */
import type { UserProfile } from './protocol.js';
import { ANONYMOUS_ID, DEFAULT_ROLES, type RoleTable, type UserSpec } from '../kernel/common/users.js';

/** The three users of the user switcher. Ids are fixed so authorship survives reloads. */
export const DEMO_USERS: readonly UserProfile[] = [
  { id: ANONYMOUS_ID, name: 'Anonymous', roles: ['anonymous'] },
  { id: '00000000-0000-4000-8000-00000000ed17', name: 'Edna Editor', roles: ['editor'] },
  { id: '00000000-0000-4000-8000-0000000000ad', name: 'Ada Administrator', roles: ['administrator'] },
];

/**
 * The user a page runs its requests as when `id` was picked in the header (null: no pick): that
 * user, else the anonymous one, else the first. The page and the worker's early boot both use it.
 */
export function userForPick<T extends UserProfile>(users: readonly T[], id: string | null): T | undefined {
  return users.find((u) => u.id === id) ?? users.find((u) => u.roles.includes('anonymous')) ?? users[0];
}

/** The kernel's view of a demo user; no user at all runs as anonymous. */
export function specOf(user: UserProfile | undefined): UserSpec {
  return user === undefined ? {} : { id: user.id, name: user.name, roles: user.roles };
}

/**
 * The role table for a site with these content types: an editor may see unpublished content
 * and create, edit and delete their own items of every type (not others': that is
 * `administer content`, which only the administrator's `*` holds).
 *
 * @example
 * siteRoles(['blog']).editor.includes('edit own blog content'); // true
 */
export function siteRoles(contentTypes: readonly string[], grants: Readonly<Record<string, readonly string[]>> = {}): RoleTable {
  const defaults: RoleTable = {
    ...DEFAULT_ROLES,
    editor: [
      'access content',
      'view unpublished content',
      ...contentTypes.flatMap((type) => [`create ${type} content`, `edit own ${type} content`, `delete own ${type} content`]),
    ],
  };
  // A role an administrator saved on the permissions page holds exactly what was saved.
  const table: Record<string, readonly string[]> = { ...defaults };
  for (const [role, permissions] of Object.entries(grants)) table[role] = [...permissions];
  return table;
}

/** Role -> permission names as stored in ROLE_PERMISSIONS_SETTING, ignoring anything else. */
export function readGrants(value: unknown): Record<string, string[]> {
  if (typeof value !== 'object' || value === null) return {};
  const grants: Record<string, string[]> = {};
  for (const [role, permissions] of Object.entries(value)) {
    if (Array.isArray(permissions)) grants[role] = permissions.filter((p): p is string => typeof p === 'string');
  }
  return grants;
}

/** The site setting holding the roles' permissions as saved on the permissions page. */
export const ROLE_PERMISSIONS_SETTING = 'role_permissions';
/** The site setting holding the roles assigned to users (by user id). */
export const USER_ROLES_SETTING = 'user_roles';

/** The roles a user can be given; `*` (the administrator's) cannot be edited away. */
export const ASSIGNABLE_ROLES = ['anonymous', 'authenticated', 'editor', 'administrator'] as const;
