/**
 * Load order (ABI §1): a topological sort of the plugins by their dependencies, ties broken by
 * name so every run loads in the same order. Plugins whose dependencies cannot be met (missing,
 * in a cycle, or refused themselves) are refused with the chain that explains why; the rest load.
 */
import type { KernelErrorCode } from '../common/errors.js';

/** What the resolver needs of a plugin: its name and the names it depends on. */
export interface DependencyNode {
  readonly name: string;
  readonly dependencies: readonly string[];
}

/**
 * Why a plugin cannot load. `DEPENDENCY_MISSING` and `DEPENDENCY_CYCLE` also cover plugins
 * refused because a dependency was refused for that reason; `MANIFEST_INVALID` is a second
 * plugin with a name already taken.
 */
export interface DependencyRefusal {
  plugin: string;
  code: Extract<KernelErrorCode, 'DEPENDENCY_MISSING' | 'DEPENDENCY_CYCLE' | 'MANIFEST_INVALID'>;
  message: string;
}

export interface LoadOrder {
  /** Names of the plugins that can load, dependencies first. */
  order: string[];
  /** The plugins that cannot, in input order. */
  refused: DependencyRefusal[];
}

/**
 * Resolves the load order. Pure and deterministic: the same input gives the same output
 * whatever order the plugins are listed in (except which of two same-named plugins is kept).
 *
 * @param plugins the enabled plugins; a name listed twice keeps its first entry
 * @example
 * resolveLoadOrder([
 *   { name: 'blog', dependencies: ['categories'] },
 *   { name: 'categories', dependencies: [] },
 * ]); // { order: ['categories', 'blog'], refused: [] }
 */
export function resolveLoadOrder(plugins: ReadonlyArray<DependencyNode>): LoadOrder {
  const refusals = new Map<string, DependencyRefusal>();
  const duplicates: Array<{ index: number; refusal: DependencyRefusal }> = [];
  const deps = new Map<string, string[]>();
  const position = new Map<string, number>();

  plugins.forEach((plugin, index) => {
    if (deps.has(plugin.name)) {
      duplicates.push({
        index,
        refusal: {
          plugin: plugin.name,
          code: 'MANIFEST_INVALID',
          message: `${plugin.name} is listed more than once; only the first one loads, so remove the other or rename it.`,
        },
      });
      return;
    }
    position.set(plugin.name, index);
    deps.set(plugin.name, [...new Set(plugin.dependencies)].sort(compareNames));
  });

  const missingOf = (name: string): string[] => deps.get(name)!.filter((dep) => !deps.has(dep));

  for (const cycle of cyclicComponents(deps)) {
    for (const name of cycle) {
      const missing = missingOf(name);
      const also = missing.length > 0 ? `; it also needs ${missingClause(missing)}` : '';
      refusals.set(name, {
        plugin: name,
        code: 'DEPENDENCY_CYCLE',
        message: `${name} is part of a dependency cycle: ${shortestCycle(name, cycle, deps).join(' -> ')}${also}; remove one of these dependencies.`,
      });
    }
  }

  // What is left is acyclic apart from edges into cycle members, which are already decided,
  // so this recursion ends.
  const refusalOf = (name: string): DependencyRefusal | undefined => {
    if (refusals.has(name)) return refusals.get(name);
    let refusal: DependencyRefusal | undefined;
    const missing = missingOf(name);
    if (missing.length > 0) {
      refusal = {
        plugin: name,
        code: 'DEPENDENCY_MISSING',
        message: `${name} needs ${missingClause(missing)}; enable ${missing.length === 1 ? 'it' : 'them'} or remove ${missing.length === 1 ? 'it' : 'them'} from the dependencies of ${name}.`,
      };
    } else {
      for (const dep of deps.get(name)!) {
        const cause = refusalOf(dep);
        if (cause !== undefined) {
          refusal = { plugin: name, code: cause.code, message: `${name} needs ${dep}, which was refused: ${cause.message}` };
          break;
        }
      }
    }
    if (refusal !== undefined) refusals.set(name, refusal);
    return refusal;
  };
  for (const name of deps.keys()) refusalOf(name);

  const order = topologicalOrder([...deps.keys()].filter((name) => !refusals.has(name)), deps);

  const refused = [
    ...[...refusals.values()].map((refusal) => ({ index: position.get(refusal.plugin)!, refusal })),
    ...duplicates,
  ]
    .sort((a, b) => a.index - b.index)
    .map((entry) => entry.refusal);
  return { order, refused };
}

function missingClause(missing: readonly string[]): string {
  return missing.map((dep) => `${dep}, which is not available`).join(', and ');
}

/** Kahn's algorithm; the ready set is kept sorted so ties load by name. */
function topologicalOrder(names: readonly string[], deps: ReadonlyMap<string, readonly string[]>): string[] {
  const remaining = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const name of names) {
    remaining.set(name, deps.get(name)!.length);
    for (const dep of deps.get(name)!) {
      const list = dependents.get(dep);
      if (list) list.push(name);
      else dependents.set(dep, [name]);
    }
  }
  const ready = names.filter((name) => remaining.get(name) === 0).sort(compareNames);
  const order: string[] = [];
  while (ready.length > 0) {
    const name = ready.shift()!;
    order.push(name);
    for (const dependent of dependents.get(name) ?? []) {
      const left = remaining.get(dependent)! - 1;
      remaining.set(dependent, left);
      if (left === 0) insertSorted(ready, dependent);
    }
  }
  return order;
}

function insertSorted(list: string[], name: string): void {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareNames(list[mid], name) < 0) low = mid + 1;
    else high = mid;
  }
  list.splice(low, 0, name);
}

/** Code-unit order, so the load order does not depend on the locale of the machine. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The strongly connected components that contain a cycle (more than one plugin, or one that
 * depends on itself), by Tarjan's algorithm. Edges to plugins that are not present are ignored.
 */
function cyclicComponents(deps: ReadonlyMap<string, readonly string[]>): Array<Set<string>> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: Array<Set<string>> = [];
  let counter = 0;

  const visit = (name: string): void => {
    index.set(name, counter);
    low.set(name, counter);
    counter++;
    stack.push(name);
    onStack.add(name);
    for (const dep of deps.get(name)!) {
      if (!deps.has(dep)) continue;
      if (!index.has(dep)) {
        visit(dep);
        low.set(name, Math.min(low.get(name)!, low.get(dep)!));
      } else if (onStack.has(dep)) {
        low.set(name, Math.min(low.get(name)!, index.get(dep)!));
      }
    }
    if (low.get(name) === index.get(name)) {
      const component = new Set<string>();
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.add(member);
      } while (member !== name);
      if (component.size > 1 || deps.get(name)!.includes(name)) components.push(component);
    }
  };
  for (const name of deps.keys()) if (!index.has(name)) visit(name);
  return components;
}

/** The shortest way from `start` back to itself inside its component: `[start, …, start]`. */
function shortestCycle(start: string, component: ReadonlySet<string>, deps: ReadonlyMap<string, readonly string[]>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const name = queue[head];
    for (const dep of deps.get(name)!) {
      if (!component.has(dep)) continue;
      if (dep === start) {
        const between: string[] = [];
        for (let at = name; at !== start; at = previous.get(at)!) between.push(at);
        return [start, ...between.reverse(), start];
      }
      if (!previous.has(dep)) {
        previous.set(dep, name);
        queue.push(dep);
      }
    }
  }
  // Unreachable for a cyclic component; kept so the message is never empty.
  return [start, start];
}
