import { describe, expect, it } from 'vitest';
import { resolveUser } from '../kernel/common/users.js';
import { siteRoles } from './roles.js';

describe('site roles (through the kernel role table)', () => {
  const roles = siteRoles(['article']);

  it('gives an editor content access, unpublished viewing and own-item rights for each type, nothing more', () => {
    const editor = resolveUser({ id: 'e1', roles: ['editor'] }, roles, []);
    expect([...editor.permissions].sort()).toEqual(
      ['access content', 'create article content', 'delete own article content', 'edit own article content', 'view unpublished content'].sort(),
    );
  });

  it('gives the administrator everything the kernel checks and every declared permission', () => {
    const admin = resolveUser({ id: 'a1', roles: ['administrator'] }, roles, ['use hello']);
    for (const p of ['bypass item access', 'administer content', 'administer site', 'use hello']) expect(admin.permissions.has(p), p).toBe(true);
  });

  it('grants nothing for an unknown role, and content access to anonymous', () => {
    expect(resolveUser({ id: 'x', roles: ['no-such-role'] }, roles, []).permissions).toEqual(new Set());
    expect(resolveUser(undefined, roles, []).permissions).toEqual(new Set(['access content']));
  });
});
