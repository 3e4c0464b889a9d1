/**
 * `trovato:kernel/user-api`. Roles map to permissions in one place: the kernel's role table
 * (users.ts), which a site extends with per-content-type permissions (site/roles.ts).
 */
import type { CurrentUser } from '../common/users.js';
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
