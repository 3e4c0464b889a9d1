/** A plain (non-array) object, the only shape an element can have. */
export function isElementObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property only: `#type` must never come from a (polluted) prototype. */
export function prop(element: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(element, name) ? element[name] : undefined;
}

/** A scalar as display text; null/undefined as ''; anything else null (not text). */
export function textOf(value: unknown): string | null {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}
