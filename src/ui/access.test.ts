import { describe, expect, it } from 'vitest';
import type { ContentType, Item } from '../site/protocol.js';
import { DEMO_USERS, siteRoles } from '../site/roles.js';
import { resolveUser } from '../kernel/common/users.js';
import { createAccess } from './access.js';

const blog: ContentType = { machine_name: 'blog', label: 'Blog post', description: '', fields: [], plugin: 'blog' };
// The profiles as the worker sends them: with the permissions the site's role table grants.
const [anonymous, editor, admin] = DEMO_USERS.map((profile) => ({
  ...profile,
  roles: [...profile.roles],
  permissions: [...resolveUser({ ...profile, roles: [...profile.roles] }, siteRoles(['blog']), []).permissions],
}));
const post = (author_id: string): Item => ({ id: 'p', item_type: 'blog', title: 'P', fields: {}, status: 1, author_id, created: 0, changed: 0 });

describe('what the UI offers each demo user', () => {
  it('offers the admin pages only to the administrator', () => {
    expect(createAccess(admin, [blog]).can('administer plugins')).toBe(true);
    expect(createAccess(editor, [blog]).can('administer plugins')).toBe(false);
    expect(createAccess(anonymous, [blog]).can('view logs')).toBe(false);
  });

  it('lets the editor add posts and edit only their own', () => {
    const access = createAccess(editor, [blog]);
    expect(access.canCreate('blog')).toBe(true);
    expect(access.canManageContent()).toBe(true);
    expect(access.canOn(post(editor.id), 'edit')).toBe(true);
    expect(access.canOn(post(admin.id), 'edit')).toBe(false);
  });

  it('offers anonymous visitors nothing to write', () => {
    const access = createAccess(anonymous, [blog]);
    expect(access.canCreate('blog')).toBe(false);
    expect(access.canManageContent()).toBe(false);
    expect(access.can('access content')).toBe(true);
  });

  it('treats "administer site" as every permission, as the kernel does', () => {
    const access = createAccess({ ...anonymous, permissions: ['administer site'] }, [blog]);
    expect(access.canCreate('blog')).toBe(true);
    expect(access.can('see hello secrets')).toBe(true);
  });

  it('offers nothing to a profile without permissions', () => {
    expect(createAccess({ ...anonymous, permissions: undefined }, [blog]).can('access content')).toBe(false);
  });
});
