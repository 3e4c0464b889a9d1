/**
 * The children of an element (its keys not starting with `#`) with their values, ordered by
 * the child's `#weight` (default 0; a missing or non-numeric weight counts as 0 here, and the
 * child reports it when it renders), then by key order. Key order is the object's own order:
 * for parsed JSON that is insertion order, except that integer-like keys ("0", "12") come
 * first in ascending order, as JavaScript orders them.
 *
 * @example
 * sortedChildren({ '#type': 'container', b: { '#weight': -1 }, a: {} }) // [['b', …], ['a', …]]
 */
export function sortedChildren(element: Record<string, unknown>): Array<[string, unknown]> {
  const entries: Array<{ key: string; value: unknown; weight: number }> = [];
  for (const key of Object.keys(element)) {
    if (key.startsWith('#')) continue;
    const value = element[key];
    entries.push({ key, value, weight: weightOf(value) });
  }
  // Array.prototype.sort is stable, so equal weights keep key order.
  entries.sort((a, b) => a.weight - b.weight);
  return entries.map(({ key, value }) => [key, value]);
}

/** The keys of the children of an element (those not starting with `#`), in key order. */
export function childKeys(element: Record<string, unknown>): string[] {
  return Object.keys(element).filter((key) => !key.startsWith('#'));
}

function weightOf(value: unknown): number {
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, '#weight')) return 0;
  const weight = (value as Record<string, unknown>)['#weight'];
  return typeof weight === 'number' && Number.isFinite(weight) ? weight : 0;
}
