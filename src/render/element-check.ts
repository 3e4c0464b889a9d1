/**
 * The checks every renderer makes on an element before rendering it by its `#type`, with the
 * messages its error box shows: one set, used by the Lit renderer (render-element.ts) and the
 * HTML text renderer (render-html.ts).
 */
import { describeValue } from './error-box.js';
import { MAX_DEPTH, MAX_ELEMENTS } from './limits.js';
import { isElementObject, prop } from './props.js';

export const TOO_DEEP =
  `the tree is nested more than ${MAX_DEPTH} levels deep, so nothing below this point is ` + 'rendered; flatten the tree.';
export const TOO_MANY =
  `the tree has more than ${MAX_ELEMENTS} elements, so this one and all after it are not ` + 'rendered; show fewer elements per page (paginate).';

/** Why rendering threw (a getter, a proxy or a cycle in a non-JSON tree). */
export function thrownProblem(error: unknown): string {
  return `it could not be rendered: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * The element and its renderer, or what is wrong with it: not an object, a bad `#weight`, no
 * `#type`, or a `#type` `renderers` does not know (a Map, so "__proto__" finds nothing).
 */
export function checkElement<T>(
  value: unknown,
  renderers: ReadonlyMap<string, T>,
): { element: Record<string, unknown>; renderer: T } | { problem: string } {
  if (!isElementObject(value)) {
    return { problem: `it is ${describeValue(value)}, not an element object; wrap text as ` + '{"#type": "markup", "#value": "…"}.' };
  }
  const weight = prop(value, '#weight');
  if (weight !== undefined && (typeof weight !== 'number' || !Number.isFinite(weight))) {
    return { problem: `its "#weight" is ${describeValue(weight)}; use a number such as 10.` };
  }
  const type = prop(value, '#type');
  if (type === undefined) return { problem: `it has no "#type"; give it one of: ${typeNames(renderers)}.` };
  const renderer = typeof type === 'string' ? renderers.get(type) : undefined;
  if (renderer === undefined) {
    const shown = typeof type === 'string' ? `"${type.slice(0, 40)}"` : describeValue(type);
    return { problem: `its "#type" ${shown} is not known; use one of: ${typeNames(renderers)}.` };
  }
  return { element: value, renderer };
}

/** The known types, for a problem's message only: every element of every tree is checked. */
function typeNames(renderers: ReadonlyMap<string, unknown>): string {
  return [...renderers.keys()].join(', ');
}
