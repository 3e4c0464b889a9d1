/**
 * The site page reads recipes with a reader it loads only when one is read (recipe-location.ts):
 * a link's fragment, a dropped file and the admin's "share as link" all still go through the
 * whole reader (schema, depth, forbidden keys), in real Chromium, where the reader is a module
 * loaded on demand.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { recipeFromFile, recipeFromLocation } from '../../src/ui/recipe-location.js';
import { exportLink, type AdminKernel } from '../../src/ui/site-admin-actions.js';
import type { Recipe } from '../../src/recipe/recipe.js';

const startUrl = location.href;
const demo: Recipe = { recipe: 1, title: 'One grant', landing: '/blog', steps: [{ step: 'grant', role: 'editor', permissions: ['access content'] }] };

/** An address whose fragment is `fragment`, as `recipeFromLocation` reads one. */
function at(fragment: string): Location {
  return Object.assign(new URL(startUrl), { hash: fragment }) as unknown as Location;
}

/** The admin's kernel as exportLink uses it: it exports `recipe`. */
function kernelExporting(recipe: Recipe): AdminKernel {
  const call = (async (name: string) => {
    if (name !== 'exportRecipe') throw new Error(`unexpected kernel call ${name}`);
    return recipe;
  }) as AdminKernel['call'];
  return { call, refresh: async () => undefined, importZip: async () => ({ ok: true }) } as unknown as AdminKernel;
}

afterEach(() => history.replaceState(null, '', startUrl));

describe('recipes read in the site page', () => {
  it('a link made by "share as link" opens the same recipe', async () => {
    const made = await exportLink(kernelExporting(demo), { pluginsUrl: '/plugins/', title: 'One grant', siteUrl: 'https://example.test/' });
    if (made === null || !('url' in made)) throw new Error(`no link: ${JSON.stringify(made)}`);
    const fragment = new URL(made.url).hash;
    expect(fragment).toMatch(/^#recipe=v1\./);
    const read = await recipeFromLocation(at(fragment));
    expect(read).toEqual({ ok: true, recipe: demo });
  });

  it('an address without a recipe reads none', () => {
    expect(recipeFromLocation(at(''))).toBeNull();
    expect(recipeFromLocation(at('#section'))).toBeNull();
  });

  it('a damaged link is refused, naming the link', async () => {
    const read = await recipeFromLocation(at('#recipe=v1.not-a-packed-recipe'));
    expect(read).toMatchObject({ ok: false, problem: { step: 'link' } });
  });

  it('a dropped file is checked by the schema, and a refusal names the file', async () => {
    const good = new File([JSON.stringify(demo)], 'demo.json', { type: 'application/json' });
    expect(await recipeFromFile(good)).toEqual({ ok: true, recipe: demo });
    const bad = new File([JSON.stringify({ recipe: 1, steps: [{ step: 'teleport' }] })], 'bad.json', { type: 'application/json' });
    const refused = await recipeFromFile(bad);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.problem.message).toMatch(/^bad\.json: /);
  });
});
