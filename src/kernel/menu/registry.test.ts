import { describe, expect, it } from 'vitest';
import { MenuRegistry, normalizeMenuDefinition, type MenuDefinition, type MenuTreeNode } from './registry.js';

/** A definition with the defaults; `callback` is derived from the path unless given. */
function def(path: string, extra: Partial<MenuDefinition> = {}): MenuDefinition {
  return { path, title: path, callback: `cb${path.replace(/[^a-z]/g, '_')}`, permission: 'access content', weight: 0, ...extra };
}

function registry(plugin: string, ...definitions: MenuDefinition[]): MenuRegistry {
  const menu = new MenuRegistry();
  expect(menu.add(plugin, definitions)).toEqual([]);
  return menu;
}

/** The tree as nested [path, children] pairs, for readable expectations. */
function shape(nodes: MenuTreeNode[]): unknown[] {
  return nodes.map((node) => (node.children.length > 0 ? [node.route.path, shape(node.children)] : node.route.path));
}

describe('normalizeMenuDefinition', () => {
  it('applies the defaults: permission "access content", weight 0', () => {
    expect(normalizeMenuDefinition({ path: '/blog', title: 'Blog', callback: 'blog_page' }, 'blog')).toEqual({
      ok: true,
      value: { path: '/blog', title: 'Blog', callback: 'blog_page', permission: 'access content', weight: 0 },
    });
  });

  it('keeps the given permission, parent and weight, and drops trailing slashes', () => {
    const result = normalizeMenuDefinition(
      { path: '/blog/new/', title: 'New post', callback: 'new_post', permission: 'create blog', parent: '/blog/', weight: -3 },
      'blog',
    );
    expect(result).toEqual({
      ok: true,
      value: { path: '/blog/new', title: 'New post', callback: 'new_post', permission: 'create blog', parent: '/blog', weight: -3 },
    });
  });

  it('treats null optional fields as absent', () => {
    const result = normalizeMenuDefinition({ path: '/', title: 'Home', callback: 'home', permission: null, parent: null, weight: null }, 'hello');
    expect(result).toEqual({ ok: true, value: { path: '/', title: 'Home', callback: 'home', permission: 'access content', weight: 0 } });
  });

  it('refuses a non-object entry', () => {
    expect(normalizeMenuDefinition('/blog', 'blog')).toEqual({
      ok: false,
      message: 'blog tap_menu: each menu entry must be an object with path, title and callback, but found a string ("/blog").',
    });
    expect(normalizeMenuDefinition([], 'blog')).toMatchObject({ ok: false, message: expect.stringContaining('but found an array.') });
  });

  it('reports every missing or mistyped field in one message', () => {
    expect(normalizeMenuDefinition({ path: '/blog', title: 7, weight: 1.5, permission: true }, 'blog')).toEqual({
      ok: false,
      message:
        'blog route /blog: "title" must be a string, but found a number (7); "callback" is required; "permission" must be a string, but found a boolean (true); "weight" must be an integer, but found a number (1.5).',
    });
  });

  it('names the plugin when the path is missing', () => {
    expect(normalizeMenuDefinition({ title: 'x', callback: 'x' }, 'blog')).toEqual({
      ok: false,
      message: 'blog tap_menu entry: "path" is required.',
    });
  });

  it.each([
    ['blog', '"path" "blog" must start with "/"'],
    ['/blog?page=2', 'must not contain a query string or fragment'],
    ['/blog//x', 'has an empty segment ("//")'],
    ['/blog/:', 'has the parameter ":"'],
    ['/blog/:1st', 'has the parameter ":1st"'],
    ['/a/:id/b/:id', 'uses the parameter ":id" twice'],
  ])('refuses the path %j', (path, expected) => {
    const result = normalizeMenuDefinition({ path, title: 'x', callback: 'x' }, 'blog');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(expected);
  });

  it('refuses an empty callback or permission and a bad parent', () => {
    const result = normalizeMenuDefinition({ path: '/a', title: 'A', callback: '', permission: ' ', parent: 'a' }, 'p');
    expect(!result.ok && result.message).toBe(
      'p route /a: "callback" is empty; name the exported function that renders this route; "permission" is empty; leave it out to require "access content"; "parent" "a" must start with "/".',
    );
  });
});

describe('MenuRegistry.match', () => {
  it('matches literal paths and returns the route with its plugin', () => {
    const menu = registry('blog', def('/blog'), def('/blog/archive'));
    expect(menu.match('/blog/archive')).toEqual({ route: { ...def('/blog/archive'), plugin: 'blog' }, params: {} });
    expect(menu.match('/blog')?.route.path).toBe('/blog');
  });

  it('matches the root path', () => {
    const menu = registry('hello', def('/'), def('/:page'));
    expect(menu.match('/')?.route.path).toBe('/');
    expect(menu.match('')?.route.path).toBe('/');
    expect(menu.match('/?x=1')?.route.path).toBe('/');
  });

  it('captures parameters, percent-decoded', () => {
    const menu = registry('blog', def('/blog/:year/:slug'));
    expect(menu.match('/blog/2024/caf%C3%A9%20au%20lait')).toEqual({
      route: expect.objectContaining({ path: '/blog/:year/:slug' }),
      params: { year: '2024', slug: 'café au lait' },
    });
  });

  it('does not match a parameter whose percent-encoding is malformed, and does not throw', () => {
    const menu = registry('blog', def('/blog/:slug'));
    expect(menu.match('/blog/%E0%A4%A')).toBeNull();
    expect(menu.match('/blog/100%')).toBeNull();
  });

  it('compares literal segments decoded', () => {
    const menu = registry('blog', def('/café'));
    expect(menu.match('/caf%C3%A9')?.route.path).toBe('/café');
  });

  it('never lets an empty segment fill a parameter', () => {
    const menu = registry('blog', def('/blog/:slug/edit'));
    expect(menu.match('/blog//edit')).toBeNull();
  });

  it('keeps a parameter named __proto__ as a plain value', () => {
    const menu = registry('odd', def('/x/:__proto__'));
    const match = menu.match('/x/value');
    expect(Object.keys(match!.params)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(match!.params)).toBe(Object.prototype);
  });

  it('prefers a literal route over a parameter route', () => {
    // Registered parameter first, so registration order is not what decides.
    const menu = registry('blog', def('/blog/:slug'), def('/blog/new'));
    expect(menu.match('/blog/new')?.route.path).toBe('/blog/new');
    expect(menu.match('/blog/first-post')).toMatchObject({ route: { path: '/blog/:slug' }, params: { slug: 'first-post' } });
  });

  it('prefers fewer parameters, then registration order', () => {
    const menu = registry('p', def('/:a/:b'), def('/:section/recent'), def('/blog/:slug'));
    expect(menu.match('/blog/recent')?.route.path).toBe('/:section/recent');
    expect(menu.match('/news/recent')?.route.path).toBe('/:section/recent');
    expect(menu.match('/news/today')?.route.path).toBe('/:a/:b');
  });

  it('lists routes in match order: fewer parameters, then more segments, then registration', () => {
    const menu = registry('p', def('/:a'), def('/x/:b/:c'), def('/x'), def('/x/y/z'), def('/x/:b'), def('/y'), def('/:q/z'));
    expect(menu.routes().map((r) => r.path)).toEqual(['/x/y/z', '/x', '/y', '/x/:b', '/:q/z', '/:a', '/x/:b/:c']);
  });

  it('ignores a trailing slash, the query string and the fragment', () => {
    const menu = registry('blog', def('/blog/:slug'));
    for (const path of ['/blog/hello/', '/blog/hello?page=2', '/blog/hello/?page=2', '/blog/hello#top', '/blog/hello//']) {
      expect(menu.match(path)).toMatchObject({ params: { slug: 'hello' } });
    }
  });

  it('returns null when nothing matches', () => {
    const menu = registry('blog', def('/blog'), def('/blog/:slug'));
    expect(menu.match('/about')).toBeNull();
    expect(menu.match('/blog/a/b')).toBeNull();
    expect(new MenuRegistry().match('/')).toBeNull();
  });
});

describe('MenuRegistry.add: duplicates and bad paths', () => {
  it('keeps the first registration and reports the duplicate naming both plugins', () => {
    const menu = registry('blog', def('/blog/:slug', { callback: 'post' }));
    const problems = menu.add('news', [def('/blog/:id', { callback: 'article' }), def('/news')]);
    expect(problems).toEqual([
      {
        plugin: 'news',
        path: '/blog/:id',
        message:
          'news route /blog/:id: plugin blog already declares /blog/:slug, which matches the same paths, so blog keeps the route; change one of the two paths.',
      },
    ]);
    expect(menu.match('/blog/x')).toMatchObject({ route: { plugin: 'blog', callback: 'post' }, params: { slug: 'x' } });
    expect(menu.match('/news')?.route.plugin).toBe('news');
  });

  it('reports a duplicate within one plugin', () => {
    const menu = new MenuRegistry();
    const problems = menu.add('blog', [def('/blog', { callback: 'one' }), def('/blog/', { callback: 'two' })]);
    expect(problems.map((p) => p.message)).toEqual([
      'blog route /blog: blog already declares /blog, which matches the same paths, so blog keeps the route; change one of the two paths.',
    ]);
    expect(menu.match('/blog')?.route.callback).toBe('one');
  });

  it('reports a malformed path given directly', () => {
    const problems = new MenuRegistry().add('blog', [def('blog')]);
    expect(problems).toEqual([{ plugin: 'blog', path: 'blog', message: 'blog route blog: the path "blog" must start with "/".' }]);
  });

  it('frees the routes of a removed plugin, so another plugin can take the path', () => {
    const menu = registry('blog', def('/blog/:slug'), def('/blog'));
    menu.removePlugin('blog');
    expect(menu.routes()).toEqual([]);
    expect(menu.match('/blog')).toBeNull();
    expect(menu.add('news', [def('/blog/:id')])).toEqual([]);
    expect(menu.match('/blog/1')).toMatchObject({ route: { plugin: 'news' }, params: { id: '1' } });
  });
});

describe('MenuRegistry.tree', () => {
  it('nests children under their parent, by weight then title, and leaves out routes with parameters', () => {
    const menu = new MenuRegistry();
    menu.add('blog', [
      def('/blog', { title: 'Blog', weight: 1 }),
      def('/blog/:slug', { title: 'Post', parent: '/blog' }),
      def('/blog/archive', { title: 'Archive', parent: '/blog', weight: 5 }),
      def('/blog/new', { title: 'New post', parent: '/blog' }),
      def('/blog/drafts', { title: 'Drafts', parent: '/blog' }),
    ]);
    menu.add('hello', [def('/hello', { title: 'Hello', weight: 1 }), def('/', { title: 'Home', weight: -1 })]);
    menu.add('admin', [def('/admin', { title: 'Admin', weight: 10 }), def('/admin/plugins', { title: 'Plugins', parent: '/admin/' })]);
    expect(shape(menu.tree())).toEqual([
      '/',
      ['/blog', ['/blog/drafts', '/blog/new', '/blog/archive']],
      '/hello',
      ['/admin', ['/admin/plugins']],
    ]);
    expect(menu.problems()).toEqual([]);
  });

  it('keeps registration order between siblings with equal weight and title', () => {
    const menu = registry('p', def('/b', { title: 'Same' }), def('/a', { title: 'Same' }));
    expect(shape(menu.tree())).toEqual(['/b', '/a']);
  });

  it('accepts a parent registered later, by another plugin', () => {
    const menu = registry('blog', def('/admin/blog', { title: 'Blog settings', parent: '/admin' }));
    expect(menu.problems()).toHaveLength(1);
    menu.add('admin', [def('/admin', { title: 'Admin' })]);
    expect(shape(menu.tree())).toEqual([['/admin', ['/admin/blog']]]);
    expect(menu.problems()).toEqual([]);
  });

  it('makes an entry with an unknown parent a root and reports it', () => {
    const menu = registry('blog', def('/blog/new', { title: 'New', parent: '/blgo' }));
    expect(shape(menu.tree())).toEqual(['/blog/new']);
    expect(menu.problems()).toEqual([
      {
        plugin: 'blog',
        path: '/blog/new',
        message:
          'blog route /blog/new: the parent /blgo is not a registered route, so the entry is shown at the top level; check the path or enable the plugin that declares it.',
      },
    ]);
  });

  it('makes an entry whose parent has parameters a root and reports it', () => {
    const menu = registry('blog', def('/blog/:slug'), def('/blog/help', { parent: '/blog/:slug' }));
    expect(shape(menu.tree())).toEqual(['/blog/help']);
    expect(menu.problems()[0].message).toContain('the parent /blog/:slug has parameters and is not a navigation entry');
  });

  it('does not lose entries whose parents form a loop', () => {
    const menu = registry(
      'p',
      def('/a', { parent: '/b' }),
      def('/b', { parent: '/a' }),
      def('/c', { parent: '/a' }),
      def('/self', { parent: '/self' }),
    );
    expect(shape(menu.tree())).toEqual([['/a', ['/c']], '/b', '/self']);
    expect(menu.problems().map((p) => p.message)).toEqual([
      'p route /a: the parent /b leads back to this entry through its own parents, so the entry is shown at the top level; change the parent so the entries do not form a loop.',
      'p route /b: the parent /a leads back to this entry through its own parents, so the entry is shown at the top level; change the parent so the entries do not form a loop.',
      'p route /self: the parent /self is the entry itself, so the entry is shown at the top level; change the parent so the entries do not form a loop.',
    ]);
  });

  it('drops the entries of a removed plugin, and its children become roots', () => {
    const menu = new MenuRegistry();
    menu.add('admin', [def('/admin', { title: 'Admin' })]);
    menu.add('blog', [def('/admin/blog', { title: 'Blog', parent: '/admin' })]);
    menu.removePlugin('admin');
    expect(shape(menu.tree())).toEqual(['/admin/blog']);
    expect(menu.problems()).toHaveLength(1);
  });
});
