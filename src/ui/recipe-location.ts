/**
 * Where a recipe comes from in the site's URL: the fragment (`#recipe=v1.…`, compressed like
 * the playground's links) or `?recipe=<url>` (fetched with CORS, no credentials). A file
 * dropped on the page is read with `recipeFromFile`.
 */
import { fragmentHasRecipe, parseRecipe, recipeFromFragment, type RecipeResult } from '../recipe/recipe.js';
import { messageOf } from '../kernel/common/errors.js';

/** The recipe the page was opened with, or null when it carries none. */
export function recipeFromLocation(location: Location): Promise<RecipeResult> | null {
  if (fragmentHasRecipe(location.hash)) {
    // Read after the caller's turn: its kernel worker starts loading before this thread spends
    // tens of milliseconds compiling the recipe schema on first use.
    return Promise.resolve(location.hash).then(recipeFromFragment);
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
  return parseRecipe(text);
}

/** Reads a dropped or chosen `.json` recipe file. */
export async function recipeFromFile(file: File): Promise<RecipeResult> {
  const read = parseRecipe(await file.text());
  return read.ok ? read : { ok: false, problem: { ...read.problem, message: `${file.name}: ${read.problem.message}` } };
}
