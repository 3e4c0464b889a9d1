/**
 * The site's roles and its demo users. Roles go through the kernel's one mechanism (a RoleTable
 * given to createKernel, resolved by users.ts); the site only adds the per-content-type
 * permissions once the content types are known.
 */
import type { UserProfile } from '../protocol.js';
import { ANONYMOUS_ID } from '../tap/request-state.js';
import { DEFAULT_ROLES, type RoleTable } from '../users.js';

/** The three users of the user switcher. Ids are fixed so authorship survives reloads. */
export const DEMO_USERS: readonly UserProfile[] = [
  { id: ANONYMOUS_ID, name: 'Anonymous', roles: ['anonymous'] },
  { id: '00000000-0000-4000-8000-00000000ed17', name: 'Edna Editor', roles: ['editor'] },
  { id: '00000000-0000-4000-8000-0000000000ad', name: 'Ada Administrator', roles: ['administrator'] },
];

/**
 * The role table for a site with these content types: an editor may see unpublished content
 * and create, edit and delete their own items of every type (not others': that is
 * `administer content`, which only the administrator's `*` holds).
 *
 * @example
 * siteRoles(['blog']).editor.includes('edit own blog content'); // true
 */
export function siteRoles(contentTypes: readonly string[], grants: RoleTable = {}): RoleTable {
  const table: RoleTable = {
    ...DEFAULT_ROLES,
    editor: [
      'access content',
      'view unpublished content',
      ...contentTypes.flatMap((type) => [`create ${type} content`, `edit own ${type} content`, `delete own ${type} content`]),
    ],
  };
  // Grants only add: a recipe or an import cannot take a default permission away.
  for (const [role, permissions] of Object.entries(grants)) {
    if (Object.hasOwn(table, role)) table[role] = [...new Set([...table[role], ...permissions])];
  }
  return table;
}

/** Site setting: permissions granted to roles on top of the defaults (role -> permissions). */
export const ROLE_GRANTS_SETTING = 'role_grants';

/** The site's role grants as stored, ignoring anything that is not role -> list of names. */
export function readGrants(value: unknown): RoleTable {
  if (typeof value !== 'object' || value === null) return {};
  const grants: Record<string, string[]> = {};
  for (const [role, permissions] of Object.entries(value)) {
    if (Array.isArray(permissions)) grants[role] = permissions.filter((p): p is string => typeof p === 'string');
  }
  return grants;
}
