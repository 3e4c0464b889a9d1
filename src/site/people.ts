/**
 * The people and permissions admin: which permissions each role holds (every permission from
 * tap_perm, the automatic per-content-type ones, and the kernel's own), and which roles each
 * user has. Both persist as site settings and feed the kernel's one role table (roles.ts), so
 * the access order of the contract is unchanged: only who holds what changes.
 */
import type { ContentType } from '../kernel/content/types.js';
import { hasPermission } from '../kernel/host/user.js';
import type { Kernel } from '../kernel/kernel.js';
import type { SiteStore } from '../kernel/storage/site-store.js';
import type { UserSpec } from '../kernel/common/users.js';
import { KERNEL_PERMISSIONS } from '../kernel/common/users.js';
import { contentTypePermissions } from './content-types.js';
import { ASSIGNABLE_ROLES, DEMO_USERS, ROLE_PERMISSIONS_SETTING, siteRoles, USER_ROLES_SETTING } from './roles.js';

export interface RoleInfo {
  role: string;
  /** What the role holds now; `*` means every permission (the administrator). */
  permissions: string[];
}

export type AdminOutcome = { ok: true } | { ok: false; error: string };

/** Who may change roles and grants. */
export const ADMINISTER_PERMISSIONS = 'administer site';

export function createPeopleAdmin(store: SiteStore, kernel: Kernel, types: () => readonly ContentType[]) {
  /** Every permission a role can be granted, sorted. */
  function grantable(): string[] {
    const names = new Set<string>(KERNEL_PERMISSIONS);
    for (const p of kernel.permissions()) names.add(p.name);
    for (const p of contentTypePermissions(types())) names.add(p.name);
    return [...names].sort();
  }

  function refusal(actor: UserSpec): AdminOutcome | null {
    if (hasPermission(kernel.user(actor), ADMINISTER_PERMISSIONS)) return null;
    return { ok: false, error: `Changing roles and permissions needs the permission "${ADMINISTER_PERMISSIONS}"; sign in as an administrator.` };
  }

  return {
    grantable,
    roles(): RoleInfo[] {
      const grants = store.getSetting<Record<string, string[]>>(ROLE_PERMISSIONS_SETTING) ?? {};
      const table = siteRoles(types().map((t) => t.machine_name), grants);
      return ASSIGNABLE_ROLES.map((role) => ({ role, permissions: [...(table[role] ?? [])].sort() }));
    },

    async setRolePermissions(role: string, permissions: readonly string[], actor: UserSpec): Promise<AdminOutcome> {
      const refused = refusal(actor);
      if (refused) return refused;
      if (!(ASSIGNABLE_ROLES as readonly string[]).includes(role)) return { ok: false, error: `There is no role "${role}"; the roles are ${ASSIGNABLE_ROLES.join(', ')}.` };
      if (role === 'administrator') return { ok: false, error: 'The administrator holds every permission ("*"); its grants cannot be edited, so the site always has someone who can fix them.' };
      const known = new Set(grantable());
      const unknown = permissions.filter((p) => !known.has(p));
      if (unknown.length > 0) return { ok: false, error: `Unknown permission${unknown.length > 1 ? 's' : ''} ${unknown.map((p) => `"${p}"`).join(', ')}: grant only permissions a plugin, a content type or the kernel declares.` };
      const grants = { ...(store.getSetting<Record<string, string[]>>(ROLE_PERMISSIONS_SETTING) ?? {}) };
      grants[role] = [...new Set(permissions)].sort();
      await store.putSetting(ROLE_PERMISSIONS_SETTING, grants);
      return { ok: true };
    },

    async setUserRoles(id: string, roles: readonly string[], actor: UserSpec): Promise<AdminOutcome> {
      const refused = refusal(actor);
      if (refused) return refused;
      if (!DEMO_USERS.some((u) => u.id === id)) return { ok: false, error: `There is no user with the id "${id}".` };
      const unknown = roles.filter((r) => !(ASSIGNABLE_ROLES as readonly string[]).includes(r));
      if (unknown.length > 0) return { ok: false, error: `Unknown role${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; the roles are ${ASSIGNABLE_ROLES.join(', ')}.` };
      const assigned = { ...(store.getSetting<Record<string, string[]>>(USER_ROLES_SETTING) ?? {}) };
      assigned[id] = [...new Set(roles)];
      const administrators = DEMO_USERS.filter((u) => (assigned[u.id] ?? u.roles).includes('administrator'));
      if (administrators.length === 0) return { ok: false, error: 'That would leave the site without an administrator, and nobody could change roles again; keep the administrator role on someone.' };
      await store.putSetting(USER_ROLES_SETTING, assigned);
      return { ok: true };
    },
  };
}
