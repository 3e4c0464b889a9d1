import { describe, expect, it } from 'vitest';
import { DEFAULT_ROLES, type RoleTable } from './common/users.js';
import type { DeclaredPermission } from './content/types.js';
import { createUserResolver } from './user-resolver.js';

const declared = (...names: string[]): DeclaredPermission[] => names.map((name) => ({ name, description: '', plugin: 'blog' }));

describe('createUserResolver', () => {
  it('gives a user the roles the site assigned to their id, whatever roles the caller names', () => {
    const users = createUserResolver(() => DEFAULT_ROLES, (id) => (id === 'u1' ? ['administrator'] : undefined));
    const promoted = users.resolve({ id: 'u1', roles: ['anonymous'] }, declared('post blogs'));
    expect(promoted.roles).toEqual(['administrator']);
    expect(promoted.permissions.has('post blogs')).toBe(true);
    const other = users.resolve({ id: 'u2', roles: ['editor'] }, declared('post blogs'));
    expect(other.roles).toEqual(['editor']);
    expect(other.permissions.has('post blogs')).toBe(false);
  });

  it('resolves anonymous again when the declared permissions or the role table change, and reuses it otherwise', () => {
    let table: RoleTable = { anonymous: ['*'] };
    const users = createUserResolver(() => table);
    const first = declared('read notes');
    const before = users.resolve(undefined, first);
    expect(before.permissions.has('read notes')).toBe(true);
    expect(users.resolve(undefined, first)).toBe(before);
    const after = users.resolve(undefined, declared('read notes', 'write notes'));
    expect(after.permissions.has('write notes')).toBe(true);
    table = { anonymous: ['access content'] };
    expect(users.resolve(undefined, first).permissions.has('read notes')).toBe(false);
  });
});
