/**
 * Who a request runs as: the caller's UserSpec resolved against the site's role table and the
 * permissions plugins declared, with the roles the site assigned to that user id winning over
 * the ones the caller names.
 */
import { resolveUser, type CurrentUser, type RoleTable, type UserSpec } from './common/users.js';
import type { DeclaredPermission } from './content/types.js';

export interface UserResolver {
  /** `declared` is every permission the enabled plugins declared (a role holding `*` gets them all). */
  resolve(spec: UserSpec | undefined, declared: readonly DeclaredPermission[]): CurrentUser;
}

export function createUserResolver(roles: () => RoleTable, userRoles?: (id: string) => readonly string[] | undefined): UserResolver {
  /**
   * The anonymous user as last resolved, with what it was resolved from: most requests run as
   * anonymous, and resolving builds a set of permissions each time. Reused only while the role
   * table (the same object) and the declared permissions are the ones it was built from.
   */
  let anonymous: { user: CurrentUser; table: RoleTable; declared: readonly DeclaredPermission[] } | undefined;
  return {
    resolve(spec, declared) {
      const table = roles();
      if (spec === undefined) {
        if (anonymous?.table === table && anonymous.declared === declared) return anonymous.user;
        const user = resolveUser(undefined, table, declared.map((p) => p.name));
        anonymous = { user, table, declared };
        return user;
      }
      const assigned = spec.id === undefined ? undefined : userRoles?.(spec.id);
      const effective = assigned === undefined ? spec : { ...spec, roles: [...assigned] };
      return resolveUser(effective, table, declared.map((p) => p.name));
    },
  };
}
