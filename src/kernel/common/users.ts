/**
 * Who a request runs as. A caller names a user by id and roles (and may add permissions);
 * roles map to permissions through the site's role table, whose vocabulary is what plugins
 * declare through `tap_perm`.
 */

/** The user a request runs as. Anonymous is the nil UUID with the `anonymous` role. */
export interface CurrentUser {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly permissions: ReadonlySet<string>;
}

export const ANONYMOUS_ID = '00000000-0000-0000-0000-000000000000';

export function anonymousUser(permissions: Iterable<string> = ['access content']): CurrentUser {
  return { id: ANONYMOUS_ID, name: 'Anonymous', roles: ['anonymous'], permissions: new Set(permissions) };
}

export interface UserSpec {
  id?: string;
  name?: string;
  roles?: string[];
  permissions?: string[];
}

/** role -> permissions. `*` grants every permission. */
export type RoleTable = Record<string, readonly string[]>;

export const DEFAULT_ROLES: RoleTable = {
  anonymous: ['access content'],
  authenticated: ['access content'],
  // Editors get create / edit own / delete own per content type from the site's role table.
  editor: ['access content', 'view unpublished content'],
  administrator: ['*'],
};

/**
 * Builds the CurrentUser of a request. `declared` is every permission plugins declared, so a
 * role holding `*` gets them all (plus the kernel's own).
 */
export function resolveUser(spec: UserSpec | undefined, roles: RoleTable, declared: Iterable<string>): CurrentUser {
  const id = spec?.id ?? ANONYMOUS_ID;
  const roleNames = spec?.roles ?? (id === ANONYMOUS_ID ? ['anonymous'] : ['authenticated']);
  const permissions = new Set<string>(spec?.permissions ?? []);
  for (const role of roleNames) {
    for (const permission of roles[role] ?? []) {
      if (permission === '*') {
        for (const p of declared) permissions.add(p);
        for (const p of KERNEL_PERMISSIONS) permissions.add(p);
      } else {
        permissions.add(permission);
      }
    }
  }
  return { id, name: spec?.name ?? (id === ANONYMOUS_ID ? 'Anonymous' : id), roles: roleNames, permissions };
}

/** Permissions the kernel itself checks, whatever plugins declare. */
export const KERNEL_PERMISSIONS = [
  'access content',
  'administer site',
  'administer content',
  'administer plugins',
  'bypass item access',
  'view unpublished content',
  'view logs',
] as const;
