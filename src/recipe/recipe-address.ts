/**
 * Whether a page's address opens a recipe, without the recipe code: the site's boot script asks
 * it before any of the site's modules have loaded (a recipe address boots a preview, never the
 * visitor's own site, so the boot script must not start the own site's boot for it).
 */

/** Whether a URL fragment carries a recipe (`#recipe=...`). */
export function fragmentHasRecipe(fragment: string): boolean {
  return /^#?recipe=/.test(fragment);
}

/** Whether the address opens a recipe: a recipe fragment, or a `?recipe=<url>` to fetch one from. */
export function addressOpensRecipe(address: { hash: string; search: string }): boolean {
  return fragmentHasRecipe(address.hash) || Boolean(new URLSearchParams(address.search).get('recipe'));
}
