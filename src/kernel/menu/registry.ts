/**
 * The menu and route registry (ABI §5, MenuDefinition): the routes plugins declare in
 * `tap_menu`, matched most specific first, and the navigation tree built from their parents.
 */

/** A route as a plugin declares it, with the defaults applied. */
export interface MenuDefinition {
  /** Starts with `/`; `:name` segments are parameters. Stored without a trailing slash. */
  path: string;
  title: string;
  /** An export of the declaring plugin, called like a tap with `{path, params, query}`. */
  callback: string;
  permission: string;
  /** The path of the navigation entry this one sits under. */
  parent?: string;
  weight: number;
}

/** A route in the registry, with the plugin that declared it. */
export interface RegisteredRoute extends MenuDefinition {
  plugin: string;
}

export interface RouteMatch {
  route: RegisteredRoute;
  /** The parameter values, percent-decoded. */
  params: Record<string, string>;
}

export interface MenuProblem {
  plugin: string;
  path: string;
  message: string;
}

export interface MenuTreeNode {
  route: RegisteredRoute;
  children: MenuTreeNode[];
}

/**
 * Levels of the navigation tree. An entry whose parent chain is longer is shown at the top
 * level (and `problems()` says so): a menu that deep is a mistake, and every consumer of the
 * tree (the nav, a worker message) may then walk it without fear of recursion limits.
 */
export const MAX_MENU_DEPTH = 32;

/**
 * Routes one plugin may declare in `tap_menu`. Parameters (`/tags/:tag`) cover any number of
 * pages, so more than this is a mistake; such a list is refused whole, with one problem.
 */
export const MAX_ROUTES_PER_PLUGIN = 1000;

/** The permission a route needs when it does not name one (ABI §5). */
export const DEFAULT_PERMISSION = 'access content';

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string };

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Checks one entry of a plugin's `tap_menu` output and applies the defaults
 * (`permission = "access content"`, `weight = 0`). The path (and parent) come back without a
 * trailing slash.
 *
 * @param raw one element of the array `tap_menu` returned (parsed JSON)
 * @param plugin the plugin that returned it, for the message
 * @example
 * normalizeMenuDefinition({ path: '/blog/', title: 'Blog', callback: 'blog_page' }, 'blog');
 * // { ok: true, value: { path: '/blog', title: 'Blog', callback: 'blog_page', permission: 'access content', weight: 0 } }
 */
export function normalizeMenuDefinition(
  raw: unknown,
  plugin: string,
): { ok: true; value: MenuDefinition } | { ok: false; message: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      ok: false,
      message: `${plugin} tap_menu: each menu entry must be an object with path, title and callback, but found ${jsonTypeOf(raw)}.`,
    };
  }
  const entry = raw as Record<string, unknown>;
  const where = typeof entry.path === 'string' ? `${plugin} route ${entry.path}` : `${plugin} tap_menu entry`;
  const problems: string[] = [];

  const path = stringField(entry, 'path', problems);
  let normalizedPath: string | undefined;
  if (path !== undefined) {
    const parsed = parsePath(path);
    if ('error' in parsed) problems.push(`"path" ${parsed.error}`);
    else normalizedPath = parsed.path;
  }
  const title = stringField(entry, 'title', problems);
  const callback = stringField(entry, 'callback', problems);
  if (callback === '') problems.push('"callback" is empty; name the exported function that renders this route');

  let permission = DEFAULT_PERMISSION;
  if (entry.permission !== undefined && entry.permission !== null) {
    if (typeof entry.permission !== 'string') {
      problems.push(`"permission" must be a string, but found ${jsonTypeOf(entry.permission)}`);
    } else if (entry.permission.trim() === '') {
      problems.push(`"permission" is empty; leave it out to require "${DEFAULT_PERMISSION}"`);
    } else {
      permission = entry.permission;
    }
  }

  let parent: string | undefined;
  if (entry.parent !== undefined && entry.parent !== null) {
    if (typeof entry.parent !== 'string') {
      problems.push(`"parent" must be a path string, but found ${jsonTypeOf(entry.parent)}`);
    } else {
      const parsed = parsePath(entry.parent);
      if ('error' in parsed) problems.push(`"parent" ${parsed.error}`);
      else parent = parsed.path;
    }
  }

  let weight = 0;
  if (entry.weight !== undefined && entry.weight !== null) {
    if (typeof entry.weight !== 'number' || !Number.isSafeInteger(entry.weight)) {
      problems.push(`"weight" must be an integer, but found ${jsonTypeOf(entry.weight)}`);
    } else {
      weight = entry.weight;
    }
  }

  if (problems.length > 0 || normalizedPath === undefined || title === undefined || callback === undefined) {
    return { ok: false, message: `${where}: ${problems.join('; ')}.` };
  }
  const value: MenuDefinition = { path: normalizedPath, title, callback, permission, weight };
  if (parent !== undefined) value.parent = parent;
  return { ok: true, value };
}

interface Entry {
  readonly route: RegisteredRoute;
  readonly segments: readonly Segment[];
  readonly params: number;
  readonly sequence: number;
  /** The segment shape: `/blog/:slug` and `/blog/:id` share one. */
  readonly shape: string;
}

/**
 * All routes of the enabled plugins. A path whose shape is already taken stays with the plugin
 * that registered it first; the later one is reported, never silently preferred.
 *
 * @example
 * const menu = new MenuRegistry();
 * menu.add('blog', [{ path: '/blog/:slug', title: 'Post', callback: 'post', permission: 'access content', weight: 0 }]);
 * menu.match('/blog/hello-world?x=1'); // { route: { path: '/blog/:slug', plugin: 'blog', … }, params: { slug: 'hello-world' } }
 */
export class MenuRegistry {
  // Kept in match order: fewer parameters, then more segments, then registration order.
  #entries: Entry[] = [];
  readonly #byShape = new Map<string, Entry>();
  #sequence = 0;

  /**
   * Registers a plugin's routes and returns what could not be registered: a path that is
   * malformed or duplicates one already taken (by any plugin, including this one).
   */
  add(plugin: string, definitions: readonly MenuDefinition[]): MenuProblem[] {
    const problems: MenuProblem[] = [];
    for (const definition of definitions) {
      const parsed = parsePath(definition.path);
      if ('error' in parsed) {
        problems.push({ plugin, path: definition.path, message: `${plugin} route ${definition.path}: the path ${parsed.error}.` });
        continue;
      }
      const shape = JSON.stringify(parsed.segments.map((s) => (s.kind === 'param' ? ':' : s.value)));
      const taken = this.#byShape.get(shape);
      if (taken !== undefined) {
        const owner = taken.route.plugin === plugin ? `${plugin} already declares` : `plugin ${taken.route.plugin} already declares`;
        problems.push({
          plugin,
          path: parsed.path,
          message: `${plugin} route ${parsed.path}: ${owner} ${taken.route.path}, which matches the same paths, so ${taken.route.plugin} keeps the route; change one of the two paths.`,
        });
        continue;
      }
      const route: RegisteredRoute = { ...definition, path: parsed.path, plugin };
      if (definition.parent !== undefined) {
        const parent = parsePath(definition.parent);
        route.parent = 'error' in parent ? definition.parent : parent.path;
      } else {
        delete route.parent;
      }
      const entry: Entry = {
        route: Object.freeze(route),
        segments: parsed.segments,
        params: parsed.segments.filter((s) => s.kind === 'param').length,
        sequence: this.#sequence++,
        shape,
      };
      this.#byShape.set(shape, entry);
      this.#entries.push(entry);
    }
    this.#entries.sort(bySpecificity);
    return problems;
  }

  /**
   * The most specific route for a request path, or null. The query string, the fragment and a
   * trailing slash are ignored. A parameter whose value is not valid percent-encoding
   * (`%E0%A4%A`) does not match, so such a path ends up "not found" rather than reaching a
   * plugin half-decoded.
   */
  match(path: string): RouteMatch | null {
    const segments = splitRequestPath(path);
    for (const entry of this.#entries) {
      const params = matchSegments(entry.segments, segments);
      if (params !== null) return { route: entry.route, params };
    }
    return null;
  }

  /** Every registered route, in the order `match` tries them. */
  routes(): RegisteredRoute[] {
    return this.#entries.map((entry) => entry.route);
  }

  /**
   * The navigation tree: routes without parameters, each under the route its `parent` names,
   * siblings by weight, then title, then registration order. An entry whose parent is not a
   * navigation entry (unknown, has parameters, or would make a loop) is a root; `problems()`
   * says why.
   */
  tree(): MenuTreeNode[] {
    const { parentOf, navigation } = this.#links();
    const nodes = new Map<Entry, MenuTreeNode>(navigation.map((entry) => [entry, { route: entry.route, children: [] }]));
    const roots: MenuTreeNode[] = [];
    for (const entry of navigation) {
      const parent = parentOf.get(entry);
      (parent === undefined ? roots : nodes.get(parent)!.children).push(nodes.get(entry)!);
    }
    // Level by level rather than recursively: the depth is bounded, but a loop costs nothing more.
    const levels: MenuTreeNode[][] = [roots];
    for (let level = levels.pop(); level !== undefined; level = levels.pop()) {
      level.sort(bySiblingOrder);
      for (const node of level) if (node.children.length > 0) levels.push(node.children);
    }
    return roots;
  }

  /**
   * Parents the tree cannot honour, found now rather than in `add` because the parent may be
   * declared later, by another plugin.
   */
  problems(): MenuProblem[] {
    return this.#links().problems;
  }

  /** Drops every route of a plugin (when it is disabled or reloaded). */
  removePlugin(plugin: string): void {
    this.#entries = this.#entries.filter((entry) => entry.route.plugin !== plugin);
    for (const [shape, entry] of this.#byShape) {
      if (entry.route.plugin === plugin) this.#byShape.delete(shape);
    }
  }

  #links(): { parentOf: Map<Entry, Entry>; navigation: Entry[]; problems: MenuProblem[] } {
    const navigation = this.#entries.filter((entry) => entry.params === 0).sort((a, b) => a.sequence - b.sequence);
    const byPath = new Map(navigation.map((entry) => [entry.route.path, entry]));
    const withParams = new Map(this.#entries.filter((entry) => entry.params > 0).map((entry) => [entry.route.path, entry]));
    const parentOf = new Map<Entry, Entry>();
    const problems: MenuProblem[] = [];
    const report = (entry: Entry, why: string, fix: string): void => {
      const { plugin, path, parent } = entry.route;
      problems.push({ plugin, path, message: `${plugin} route ${path}: the parent ${parent} ${why}, so the entry is shown at the top level; ${fix}.` });
    };

    for (const entry of navigation) {
      const parentPath = entry.route.parent;
      if (parentPath === undefined) continue;
      const parent = byPath.get(parentPath);
      if (parent !== undefined) parentOf.set(entry, parent);
      else if (withParams.has(parentPath)) report(entry, 'has parameters and is not a navigation entry', 'name a route without parameters');
      else report(entry, 'is not a registered route', 'check the path or enable the plugin that declares it');
    }
    // An entry that is its own ancestor would never be reached from a root. Each entry is
    // walked once: a walk stops at an entry an earlier walk finished.
    const inLoop = new Set<Entry>();
    const finished = new Set<Entry>();
    const path = new Map<Entry, number>();
    for (const start of navigation) {
      path.clear();
      let at: Entry | undefined = start;
      while (at !== undefined && !finished.has(at) && !path.has(at)) {
        path.set(at, path.size);
        at = parentOf.get(at);
      }
      if (at !== undefined && path.has(at)) {
        // The walk came back to `at`: the entries from it onwards form the loop.
        const from = path.get(at)!;
        for (const [entry, index] of path) if (index >= from) inLoop.add(entry);
      }
      for (const entry of path.keys()) finished.add(entry);
    }
    for (const entry of navigation) {
      if (!inLoop.has(entry)) continue;
      report(
        entry,
        entry.route.parent === entry.route.path ? 'is the entry itself' : 'leads back to this entry through its own parents',
        'change the parent so the entries do not form a loop',
      );
    }
    for (const entry of inLoop) parentOf.delete(entry);
    this.#limitDepth(navigation, parentOf, (entry) =>
      report(entry, `is ${MAX_MENU_DEPTH} levels deep already`, `keep the menu within ${MAX_MENU_DEPTH} levels`),
    );
    return { parentOf, navigation, problems };
  }

  /**
   * Detaches every entry that would sit deeper than MAX_MENU_DEPTH, so it becomes a root.
   * Depths are computed once per entry (the links form a forest once loops are cut).
   */
  #limitDepth(navigation: readonly Entry[], parentOf: Map<Entry, Entry>, report: (entry: Entry) => void): void {
    const depth = new Map<Entry, number>();
    const tooDeep: Entry[] = [];
    for (const start of navigation) {
      // Climb to the nearest entry whose depth is known (or a root), then come back down.
      const chain: Entry[] = [];
      let at: Entry | undefined = start;
      while (at !== undefined && !depth.has(at)) {
        chain.push(at);
        at = parentOf.get(at);
      }
      let level = at === undefined ? -1 : depth.get(at)!;
      for (let i = chain.length - 1; i >= 0; i--) {
        level++;
        if (level >= MAX_MENU_DEPTH) {
          tooDeep.push(chain[i]);
          level = 0;
        }
        depth.set(chain[i], level);
      }
    }
    for (const entry of tooDeep) {
      parentOf.delete(entry);
      report(entry);
    }
  }
}

function bySpecificity(a: Entry, b: Entry): number {
  return a.params - b.params || b.segments.length - a.segments.length || a.sequence - b.sequence;
}

function bySiblingOrder(a: MenuTreeNode, b: MenuTreeNode): number {
  const weight = a.route.weight - b.route.weight;
  if (weight !== 0) return weight;
  // Code-unit order: the same on every machine, whatever its locale.
  return a.route.title < b.route.title ? -1 : a.route.title > b.route.title ? 1 : 0;
}

/** Validates a declared path; returns it without trailing slashes, and its segments. */
function parsePath(path: string): { path: string; segments: Segment[] } | { error: string } {
  if (!path.startsWith('/')) return { error: `${JSON.stringify(path)} must start with "/"` };
  if (/[?#]/.test(path)) return { error: `${JSON.stringify(path)} must not contain a query string or fragment ("?" or "#")` };
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return { path: '/', segments: [] };
  const segments: Segment[] = [];
  const names = new Set<string>();
  for (const part of trimmed.slice(1).split('/')) {
    if (part === '') return { error: `${JSON.stringify(path)} has an empty segment ("//")` };
    if (part.startsWith(':')) {
      const name = part.slice(1);
      if (!PARAM_NAME.test(name)) {
        return { error: `${JSON.stringify(path)} has the parameter "${part}"; a parameter is ":" followed by a letter or "_", then letters, digits or "_"` };
      }
      if (names.has(name)) return { error: `${JSON.stringify(path)} uses the parameter ":${name}" twice; give each parameter its own name` };
      names.add(name);
      segments.push({ kind: 'param', name });
    } else {
      segments.push({ kind: 'literal', value: tryDecode(part) ?? part });
    }
  }
  return { path: trimmed, segments };
}

function splitRequestPath(path: string): string[] {
  const end = path.search(/[?#]/);
  const bare = (end === -1 ? path : path.slice(0, end)).replace(/\/+$/, '');
  const rooted = bare.startsWith('/') ? bare.slice(1) : bare;
  return rooted === '' ? [] : rooted.split('/');
}

function matchSegments(pattern: readonly Segment[], segments: readonly string[]): Record<string, string> | null {
  if (pattern.length !== segments.length) return null;
  const params: Array<[string, string]> = [];
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i];
    const decoded = tryDecode(segments[i]);
    if (want.kind === 'literal') {
      if ((decoded ?? segments[i]) !== want.value) return null;
    } else {
      if (decoded === undefined || segments[i] === '') return null;
      params.push([want.name, decoded]);
    }
  }
  // fromEntries defines own properties, so a parameter named __proto__ stays a plain value.
  return Object.fromEntries(params);
}

function tryDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function stringField(entry: Record<string, unknown>, key: string, problems: string[]): string | undefined {
  const value = entry[key];
  if (value === undefined || value === null) {
    problems.push(`"${key}" is required`);
    return undefined;
  }
  if (typeof value !== 'string') {
    problems.push(`"${key}" must be a string, but found ${jsonTypeOf(value)}`);
    return undefined;
  }
  return value;
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `a string (${JSON.stringify(value)})`;
  if (typeof value === 'number') return `a number (${value})`;
  if (typeof value === 'boolean') return `a boolean (${value})`;
  return typeof value;
}
