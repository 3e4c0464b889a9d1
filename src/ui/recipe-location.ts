/**
 * Where a recipe comes from in the site's URL: the fragment (`#recipe=v1.…`, compressed like
 * the playground's links) or `?recipe=<url>` (fetched with CORS, no credentials). A file
 * dropped on the page is read with `recipeFromFile`.
 *
 * The recipe reader (its schema checker, Ajv, is most of it) is loaded only when a recipe is
 * read: it was two thirds of the site page's code, evaluated at every boot, when most boots
 * never read a recipe. What tells whether an address carries one (recipe-address.ts) is small.
 */
import { fragmentHasRecipe } from '../recipe/recipe-address.js';
import type { RecipeResult } from '../recipe/recipe.js';
import { messageOf } from '../kernel/common/errors.js';

/** The recipe reader, loaded on first use. */
export function recipeReader(): Promise<typeof import('../recipe/recipe.js')> {
  return import('../recipe/recipe.js');
}

/** The recipe the page was opened with, or null when it carries none. */
export function recipeFromLocation(location: Location): Promise<RecipeResult> | null {
  if (fragmentHasRecipe(location.hash)) {
    // Read after the caller's turn (the reader is loaded first): its kernel worker starts
    // loading before this thread spends tens of milliseconds compiling the recipe schema.
    const fragment = location.hash;
    return recipeReader().then(({ recipeFromFragment }) => recipeFromFragment(fragment));
  }
  const url = new URLSearchParams(location.search).get('recipe');
  if (url) return fetchRecipe(new URL(url, location.href).href);
  return null;
}

/** Fetches a recipe; an unreachable URL is refused naming it. */
export async function fetchRecipe(url: string): Promise<RecipeResult> {
  let text: string;
  try {
    const response = await fetch(url, { mode: 'cors', credentials: 'omit' });
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    text = await response.text();
  } catch (error) {
    return { ok: false, problem: { step: 'recipe', message: `The recipe at ${url} could not be fetched: ${messageOf(error)}. Its server must allow cross-origin requests (CORS).` } };
  }
  return (await recipeReader()).parseRecipe(text);
}

/** Reads a dropped or chosen `.json` recipe file. */
export async function recipeFromFile(file: File): Promise<RecipeResult> {
  const [{ parseRecipe }, text] = await Promise.all([recipeReader(), file.text()]);
  const read = parseRecipe(text);
  return read.ok ? read : { ok: false, problem: { ...read.problem, message: `${file.name}: ${read.problem.message}` } };
}
