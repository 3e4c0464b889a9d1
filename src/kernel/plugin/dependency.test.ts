import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveLoadOrder, type DependencyNode } from './dependency.js';

/** `p('blog', 'categories')` is a plugin named blog that depends on categories. */
function p(name: string, ...dependencies: string[]): DependencyNode {
  return { name, dependencies };
}

describe('resolveLoadOrder: plugins that can load', () => {
  it('handles no plugins', () => {
    expect(resolveLoadOrder([])).toEqual({ order: [], refused: [] });
  });

  it('orders independent plugins by name, whatever the input order', () => {
    expect(resolveLoadOrder([p('hello'), p('blog'), p('categories')])).toEqual({ order: ['blog', 'categories', 'hello'], refused: [] });
  });

  it('loads a chain dependencies first', () => {
    expect(resolveLoadOrder([p('a', 'b'), p('b', 'c'), p('c')]).order).toEqual(['c', 'b', 'a']);
  });

  it('loads a diamond with each plugin after all it needs', () => {
    // top needs left and right; both need base.
    const result = resolveLoadOrder([p('top', 'left', 'right'), p('right', 'base'), p('left', 'base'), p('base')]);
    expect(result).toEqual({ order: ['base', 'left', 'right', 'top'], refused: [] });
  });

  it('breaks ties by name among plugins that become free at the same time', () => {
    // z frees both m and b; b must come before m even though m was listed first and y loads between.
    const result = resolveLoadOrder([p('m', 'z'), p('b', 'z'), p('z'), p('y')]);
    expect(result.order).toEqual(['y', 'z', 'b', 'm']);
  });

  it('lets a plugin freed later come before a later name that was already ready', () => {
    // After a loads, both c (ready from the start) and b (freed by a) are ready: b goes first.
    expect(resolveLoadOrder([p('c'), p('b', 'a'), p('a')]).order).toEqual(['a', 'b', 'c']);
  });

  it('orders names by code unit, not by locale', () => {
    expect(resolveLoadOrder([p('b'), p('a_b'), p('a1'), p('a')]).order).toEqual(['a', 'a1', 'a_b', 'b']);
  });

  it('tolerates a dependency listed twice', () => {
    expect(resolveLoadOrder([p('blog', 'categories', 'categories'), p('categories')])).toEqual({
      order: ['categories', 'blog'],
      refused: [],
    });
  });
});

describe('resolveLoadOrder: missing dependencies', () => {
  it('refuses a plugin whose dependency is not available and loads the rest', () => {
    const result = resolveLoadOrder([p('blog', 'categories'), p('hello')]);
    expect(result.order).toEqual(['hello']);
    expect(result.refused).toEqual([
      {
        plugin: 'blog',
        code: 'DEPENDENCY_MISSING',
        message: 'blog needs categories, which is not available; enable it or remove it from the dependencies of blog.',
      },
    ]);
  });

  it('names every missing dependency', () => {
    const [refusal] = resolveLoadOrder([p('blog', 'tags', 'categories')]).refused;
    expect(refusal.message).toBe(
      'blog needs categories, which is not available, and tags, which is not available; enable them or remove them from the dependencies of blog.',
    );
  });

  it('refuses transitively, naming the chain', () => {
    const result = resolveLoadOrder([p('front', 'blog'), p('blog', 'categories'), p('hello', 'front'), p('other')]);
    expect(result.order).toEqual(['other']);
    expect(result.refused).toEqual([
      {
        plugin: 'front',
        code: 'DEPENDENCY_MISSING',
        message:
          'front needs blog, which was refused: blog needs categories, which is not available; enable it or remove it from the dependencies of blog.',
      },
      {
        plugin: 'blog',
        code: 'DEPENDENCY_MISSING',
        message: 'blog needs categories, which is not available; enable it or remove it from the dependencies of blog.',
      },
      {
        plugin: 'hello',
        code: 'DEPENDENCY_MISSING',
        message:
          'hello needs front, which was refused: front needs blog, which was refused: blog needs categories, which is not available; enable it or remove it from the dependencies of blog.',
      },
    ]);
  });

  it('refuses a plugin with one good and one refused dependency', () => {
    const result = resolveLoadOrder([p('blog', 'categories', 'users'), p('users'), p('categories', 'taxonomy')]);
    expect(result.order).toEqual(['users']);
    expect(result.refused.map((r) => r.plugin)).toEqual(['blog', 'categories']);
  });
});

describe('resolveLoadOrder: cycles', () => {
  it('refuses a plugin that depends on itself', () => {
    const result = resolveLoadOrder([p('a', 'a'), p('b')]);
    expect(result.order).toEqual(['b']);
    expect(result.refused).toEqual([
      { plugin: 'a', code: 'DEPENDENCY_CYCLE', message: 'a is part of a dependency cycle: a -> a; remove one of these dependencies.' },
    ]);
  });

  it('refuses both plugins of a 2-cycle, each message starting from that plugin', () => {
    const result = resolveLoadOrder([p('a', 'b'), p('b', 'a')]);
    expect(result.order).toEqual([]);
    expect(result.refused.map((r) => [r.plugin, r.code, r.message])).toEqual([
      ['a', 'DEPENDENCY_CYCLE', 'a is part of a dependency cycle: a -> b -> a; remove one of these dependencies.'],
      ['b', 'DEPENDENCY_CYCLE', 'b is part of a dependency cycle: b -> a -> b; remove one of these dependencies.'],
    ]);
  });

  it('refuses exactly the plugins of a 3-cycle and loads the independent ones', () => {
    const result = resolveLoadOrder([p('hello'), p('a', 'b'), p('b', 'c'), p('c', 'a'), p('blog', 'hello')]);
    expect(result.order).toEqual(['hello', 'blog']);
    expect(result.refused.map((r) => r.message)).toEqual([
      'a is part of a dependency cycle: a -> b -> c -> a; remove one of these dependencies.',
      'b is part of a dependency cycle: b -> c -> a -> b; remove one of these dependencies.',
      'c is part of a dependency cycle: c -> a -> b -> c; remove one of these dependencies.',
    ]);
  });

  it('refuses a plugin that depends on a cycle member, with the cycle in its message', () => {
    const result = resolveLoadOrder([p('x', 'a'), p('a', 'b'), p('b', 'a'), p('base'), p('a2', 'base')]);
    expect(result.order).toEqual(['base', 'a2']);
    const x = result.refused.find((r) => r.plugin === 'x');
    expect(x).toEqual({
      plugin: 'x',
      code: 'DEPENDENCY_CYCLE',
      message: 'x needs a, which was refused: a is part of a dependency cycle: a -> b -> a; remove one of these dependencies.',
    });
  });

  it('does not refuse a dependency of a cycle', () => {
    // The cycle members need base; base itself is fine.
    const result = resolveLoadOrder([p('a', 'b', 'base'), p('b', 'a'), p('base')]);
    expect(result.order).toEqual(['base']);
    expect(result.refused.map((r) => r.plugin)).toEqual(['a', 'b']);
  });

  it('shows the shortest cycle through each plugin when cycles overlap', () => {
    // a <-> b and b <-> c: one component, two cycles.
    const result = resolveLoadOrder([p('a', 'b'), p('b', 'a', 'c'), p('c', 'b')]);
    expect(result.refused.map((r) => r.message)).toEqual([
      'a is part of a dependency cycle: a -> b -> a; remove one of these dependencies.',
      'b is part of a dependency cycle: b -> a -> b; remove one of these dependencies.',
      'c is part of a dependency cycle: c -> b -> c; remove one of these dependencies.',
    ]);
  });

  it('mentions a missing dependency of a cycle member too', () => {
    const [a] = resolveLoadOrder([p('a', 'b', 'gone'), p('b', 'a')]).refused;
    expect(a.message).toBe(
      'a is part of a dependency cycle: a -> b -> a; it also needs gone, which is not available; remove one of these dependencies.',
    );
  });
});

describe('resolveLoadOrder: duplicate names', () => {
  it('keeps the first and refuses the second with a clear message', () => {
    const result = resolveLoadOrder([p('blog'), p('hello'), p('blog', 'missing')]);
    expect(result.order).toEqual(['blog', 'hello']);
    expect(result.refused).toEqual([
      {
        plugin: 'blog',
        code: 'MANIFEST_INVALID',
        message: 'blog is listed more than once; only the first one loads, so remove the other or rename it.',
      },
    ]);
  });
});

describe('resolveLoadOrder: properties', () => {
  const graphs = fc
    .uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), { minLength: 0, maxLength: 7 })
    .chain((names) =>
      fc.tuple(
        fc.constant(names),
        fc.array(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'missing'), { maxLength: 3 }), {
          minLength: names.length,
          maxLength: names.length,
        }),
      ),
    )
    .map(([names, deps]) => names.map((name, i) => p(name, ...deps[i])));

  it('loads every plugin exactly once or refuses it, dependencies first, and never a plugin needing a refused one', () => {
    fc.assert(
      fc.property(graphs, (plugins) => {
        const { order, refused } = resolveLoadOrder(plugins);
        const refusedSet = new Set(refused.map((r) => r.plugin));
        expect([...order, ...refusedSet].sort()).toEqual(plugins.map((x) => x.name).sort());
        const loadedAt = new Map(order.map((name, i) => [name, i]));
        for (const plugin of plugins) {
          if (!loadedAt.has(plugin.name)) continue;
          for (const dep of plugin.dependencies) {
            expect(loadedAt.get(dep)).toBeLessThan(loadedAt.get(plugin.name)!);
          }
        }
      }),
    );
  });

  it('does not depend on the input order', () => {
    fc.assert(
      fc.property(graphs, (plugins) => {
        const forward = resolveLoadOrder(plugins);
        const backward = resolveLoadOrder([...plugins].reverse());
        expect(backward.order).toEqual(forward.order);
        expect(new Set(backward.refused.map((r) => r.message))).toEqual(new Set(forward.refused.map((r) => r.message)));
      }),
    );
  });
});
