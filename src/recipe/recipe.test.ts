import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deflateSync, strToU8 } from 'fflate';
import { toBase64Url } from '../share/link-codec.js';
import { FORBIDDEN_KEYS, MAX_RECIPE_BYTES, parseRecipe, recipeFromFragment, recipeToFragment, type Recipe, type RecipeStep } from './recipe.js';

const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/).filter((n) => !FORBIDDEN_KEYS.includes(n));
const text = fc.string({ unit: 'grapheme', maxLength: 60 });
const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
const json = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v));

const step: fc.Arbitrary<RecipeStep> = fc.oneof(
  fc.record({ step: fc.constant('plugin' as const), name }, { requiredKeys: ['step', 'name'] }),
  fc.record({ step: fc.constant('plugin' as const), name, enabled: fc.boolean(), manifest: text, source: text }, { requiredKeys: ['step', 'name', 'manifest', 'source'] }),
  fc.record({ step: fc.constant('plugin' as const), name, manifest: text, url: fc.webUrl(), sha256: hex }),
  fc.record({ step: fc.constant('plugin' as const), name, manifest: text, wasm: fc.uint8Array({ maxLength: 64 }).map(toBase64Url) }),
  fc.record({ step: fc.constant('grant' as const), role: fc.constantFrom('anonymous' as const, 'editor' as const), permissions: fc.array(text.filter((t) => t.length > 0), { maxLength: 3 }) }),
  fc.record({ step: fc.constant('variable' as const), plugin: name, name: text.filter((t) => t.length > 0), value: json }),
  fc.record(
    { step: fc.constant('item' as const), item_type: name, title: text, fields: fc.dictionary(name, fc.oneof(text, fc.integer(), fc.boolean())), status: fc.constantFrom(0 as const, 1 as const), author: fc.constantFrom('editor' as const, 'administrator' as const) },
    { requiredKeys: ['step', 'item_type', 'title', 'fields'] },
  ),
  fc.record({ step: fc.constant('row' as const), plugin: name, table: name, row: fc.record({ id: fc.oneof(text, fc.integer()), v: text }) }),
);

const recipe: fc.Arbitrary<Recipe> = fc.record(
  {
    recipe: fc.constant(1 as const),
    title: text,
    landing: text.map((t) => `/${t}`),
    user: fc.constantFrom('anonymous' as const, 'editor' as const, 'administrator' as const),
    steps: fc.array(step, { maxLength: 8 }),
  },
  { requiredKeys: ['recipe', 'steps'] },
);

function refusal(result: ReturnType<typeof parseRecipe>): { step: string; message: string } {
  if (result.ok) throw new Error('expected the recipe to be refused');
  return result.problem;
}

describe('recipe links', () => {
  it('round-trip any valid recipe through the link fragment', () => {
    fc.assert(
      fc.property(recipe, (r) => {
        const fragment = recipeToFragment(r);
        expect(fragment).toMatch(/^recipe=v1\.[A-Za-z0-9_-]*$/);
        expect(recipeFromFragment(`#${fragment}`)).toEqual({ ok: true, recipe: r });
      }),
      { numRuns: 200 },
    );
  });

  it('never throw on arbitrary fragments, and report refusals as values', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((s) => `recipe=v1.${s}`), fc.base64String().map((s) => `#recipe=v1.${s}`)), (fragment) => {
        const result = recipeFromFragment(fragment);
        if (!result.ok) expect(result.problem.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('recipes refused before anything is applied', () => {
  const ok = { recipe: 1, steps: [{ step: 'plugin', name: 'blog' }] };

  it('accepts a minimal recipe and the examples in the repository', () => {
    expect(parseRecipe(JSON.stringify(ok))).toEqual({ ok: true, recipe: ok });
    const example = readFileSync(join(import.meta.dirname, 'examples/blog-demo.recipe.json'), 'utf8');
    expect(parseRecipe(example)).toMatchObject({ ok: true, recipe: { title: 'Blog demo' } });
  });

  it('refuses a recipe that is too large', () => {
    const big = JSON.stringify({ ...ok, title: 'x'.repeat(MAX_RECIPE_BYTES) });
    expect(refusal(parseRecipe(big))).toMatchObject({ step: 'recipe', message: expect.stringContaining('MB') });
  });

  it('refuses a recipe nested too deeply', () => {
    const deep = JSON.stringify({ recipe: 1, steps: [{ step: 'item', item_type: 'page', title: 't', fields: { a: JSON.parse('['.repeat(40) + ']'.repeat(40)) } }] });
    expect(refusal(parseRecipe(deep)).message).toContain('deeper than 32');
  });

  it('refuses __proto__, constructor and prototype keys wherever they are', () => {
    expect(refusal(parseRecipe('{"recipe":1,"steps":[],"__proto__":{"polluted":true}}')).message).toContain('"__proto__"');
    expect(refusal(parseRecipe('{"recipe":1,"steps":[{"step":"item","item_type":"p","title":"t","fields":{"constructor":{"prototype":{}}}}]}')).message).toMatch(/"(constructor|prototype)"/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses an unknown version, naming both versions', () => {
    const problem = refusal(parseRecipe('{"recipe":2,"steps":[]}'));
    expect(problem.message).toContain('version 2');
    expect(problem.message).toContain('version 1 only');
    expect(refusal(parseRecipe('{"steps":[]}')).message).toContain('not a recipe');
  });

  it('names the failing step when a step breaks the schema', () => {
    const noHash = { recipe: 1, steps: [{ step: 'plugin', name: 'blog' }, { step: 'plugin', name: 'gallery', manifest: 'name = "gallery"', url: 'https://example.org/g.wasm' }] };
    expect(refusal(parseRecipe(JSON.stringify(noHash)))).toMatchObject({ step: 'step 2 (plugin "gallery")' });
    const badField = { recipe: 1, steps: [{ step: 'item', item_type: 'page', title: 'About', fields: {}, colour: 'red' }] };
    expect(refusal(parseRecipe(JSON.stringify(badField)))).toMatchObject({ step: 'step 1 (item "About")', message: expect.stringContaining('"colour"') });
  });

  it('refuses a damaged link and a compression bomb', () => {
    const good = recipeToFragment(ok as Recipe);
    expect(refusal(recipeFromFragment(good.slice(0, good.length - 6))).step).toBe('link');
    expect(refusal(recipeFromFragment('recipe=v9.abc')).message).toContain('v9');
    const bomb = toBase64Url(deflateSync(strToU8(' '.repeat(MAX_RECIPE_BYTES + 10)), { level: 9 }));
    expect(refusal(recipeFromFragment(`recipe=v1.${bomb}`)).message).toContain('MB');
  });
});
