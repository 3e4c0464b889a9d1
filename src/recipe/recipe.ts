/**
 * Recipes: a whole site as JSON (format version 1, JSON Schema in recipe.schema.json,
 * documented in docs/recipes.md). This module reads and writes them: the checks every recipe
 * passes before anything is applied (size, depth, forbidden keys, version, schema) and the
 * link form (`#recipe=v1.<deflate, base64url>`). Pure: no DOM, no storage; runs in the page,
 * in the kernel worker and in Node. Reading never throws.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { jsonDepthExceeds } from '../kernel/common/json-depth.js';
import { packText, unpackText } from '../share/link-codec.js';
import schema from './recipe.schema.json' with { type: 'json' };

/** The format this kernel reads and writes. */
export const RECIPE_VERSION = 1;
/** The largest recipe accepted, as JSON text in UTF-8 bytes (inline wasm included). */
export const MAX_RECIPE_BYTES = 4 * 1024 * 1024;
/** Recipes are shallow; item fields are the deepest part. */
export const MAX_RECIPE_DEPTH = 32;
/** Longer links are unreliable to paste into chat and mail: export a file instead. */
export const RECIPE_LINK_BUDGET = 8000;
/** Keys refused anywhere in a recipe: they reach prototypes when code merges objects naively. */
export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

const LINK_PREFIX = `v${RECIPE_VERSION}.`;

export type DemoUser = 'anonymous' | 'editor' | 'administrator';

export interface Recipe {
  recipe: 1;
  $schema?: string;
  title?: string;
  /** The route to open once applied; default `/`. */
  landing?: string;
  /** The demo user the visitor is signed in as; default `anonymous`. */
  user?: DemoUser;
  steps: RecipeStep[];
}

export type RecipeStep = PluginStep | GrantStep | VariableStep | ItemStep | RowStep;

/** Exactly one way to get the plugin's code: none (a reference plugin), `source`, `url` or `wasm`. */
export interface PluginStep {
  step: 'plugin';
  name: string;
  /** Default true. */
  enabled?: boolean;
  /** True when the recipe restores the plugin's data (an export): tap_install does not run again. */
  installed?: boolean;
  /** The `.info.toml` text; required unless the plugin is a reference plugin. */
  manifest?: string;
  /** AssemblyScript compiled in the page before the recipe is applied. */
  source?: string;
  /** Where the `.wasm` is (fetched with CORS); `sha256` is then required. */
  url?: string;
  /** The `.wasm` inline, base64 or base64url. */
  wasm?: string;
  /** Lowercase hex SHA-256 of the wasm bytes. */
  sha256?: string;
}

export interface GrantStep {
  step: 'grant';
  role: 'anonymous' | 'authenticated' | 'editor' | 'administrator';
  permissions: string[];
}

export interface VariableStep {
  step: 'variable';
  plugin: string;
  name: string;
  /** JSON text, as `variables.set` stores it. */
  value: string;
}

export interface ItemStep {
  step: 'item';
  /** With `id` (and `created`, `changed`, `author_id`, `status`) the item is restored as it is. */
  id?: string;
  item_type: string;
  title: string;
  fields: Record<string, unknown>;
  status?: 0 | 1;
  /** Who saves an authored item; default `administrator`. */
  author?: DemoUser;
  author_id?: string;
  revision_id?: string;
  created?: number;
  changed?: number;
}

export interface RowStep {
  step: 'row';
  plugin: string;
  table: string;
  row: Record<string, unknown> & { id: string | number };
}

/** Why a recipe was refused: `step` names where (`recipe` for the whole document, else `step 3 (plugin "blog")`). */
export interface RecipeProblem {
  step: string;
  message: string;
}

export type RecipeResult = { ok: true; recipe: Recipe } | { ok: false; problem: RecipeProblem };

let schemaValidator: ValidateFunction<Recipe> | undefined;

/**
 * Compiles the schema's validator now, ahead of the first `parseRecipe`. It is made on first
 * use: compiling it takes tens of milliseconds, which every boot of the page and of the kernel
 * worker paid although most never read a recipe.
 */
export function prepareRecipeChecks(): void {
  validateSchema();
}

function validateSchema(): ValidateFunction<Recipe> {
  // strictRequired is off: the plugin step's oneOf names fields defined one level up, which is what it means.
  schemaValidator ??= new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true }).compile<Recipe>(schema);
  return schemaValidator;
}

/**
 * Reads a recipe from JSON text: refuses text over MAX_RECIPE_BYTES, nesting over
 * MAX_RECIPE_DEPTH, any `__proto__`/`constructor`/`prototype` key, a version other than 1 and
 * anything the schema does not allow, each with a message naming the step.
 *
 * @example
 * const read = parseRecipe(await file.text());
 * if (!read.ok) show(`${read.problem.step}: ${read.problem.message}`);
 */
export function parseRecipe(text: string): RecipeResult {
  if (typeof text !== 'string') return refused('recipe', 'A recipe is JSON text.');
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_RECIPE_BYTES) {
    return refused('recipe', `The recipe is ${megabytes(bytes)} MB; recipes stop at ${megabytes(MAX_RECIPE_BYTES)} MB. Export the site as a .zip file instead.`);
  }
  const depth = jsonDepthExceeds(text, MAX_RECIPE_DEPTH);
  if (depth > 0) return refused('recipe', `The recipe nests deeper than ${MAX_RECIPE_DEPTH} levels; no recipe needs that. It was not applied.`);
  const forbidden: string[] = [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, function (key: string, value: unknown) {
      if (FORBIDDEN_KEYS.includes(key)) forbidden.push(key);
      return value;
    });
  } catch (error) {
    return refused('recipe', `The recipe is not valid JSON: ${error instanceof Error ? error.message : String(error)}.`);
  }
  if (forbidden.length > 0) {
    return refused('recipe', `The recipe contains the key "${forbidden[0]}", which recipes never use (it could reach object prototypes). It was not applied.`);
  }
  return checkRecipe(parsed);
}

/** Checks an already parsed value (a recipe built in code, or one read from a zip). */
export function checkRecipe(value: unknown): RecipeResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return refused('recipe', 'A recipe is a JSON object such as {"recipe": 1, "steps": []}.');
  const version = (value as { recipe?: unknown }).recipe;
  if (version !== RECIPE_VERSION) {
    return refused(
      'recipe',
      version === undefined
        ? 'This is not a recipe: it has no "recipe" version field (recipes start with {"recipe": 1, ...}).'
        : `The recipe has format version ${JSON.stringify(version)}, but this site reads version ${RECIPE_VERSION} only. Open it with the site that made it.`,
    );
  }
  const validate = validateSchema();
  if (validate(value)) return { ok: true, recipe: value };
  const error = validate.errors?.[0];
  return { ok: false, problem: schemaProblem(value as Recipe, error) };
}

/** Names a step for messages: `step 3 (plugin "blog")`, counting from 1 as people do. */
export function stepLabel(step: RecipeStep | undefined, index: number): string {
  if (step === undefined || typeof step !== 'object') return `step ${index + 1}`;
  switch (step.step) {
    case 'plugin':
      return `step ${index + 1} (plugin "${step.name}")`;
    case 'grant':
      return `step ${index + 1} (grant to ${step.role})`;
    case 'variable':
      return `step ${index + 1} (variable ${step.plugin}.${step.name})`;
    case 'item':
      return `step ${index + 1} (item "${step.title}")`;
    case 'row':
      return `step ${index + 1} (row ${step.plugin}.${step.table})`;
    default:
      return `step ${index + 1}`;
  }
}

/**
 * The link fragment body for `recipe` (`recipe=v1.<data>`, no `#`).
 *
 * @example
 * const url = `${origin}/#${recipeToFragment(recipe)}`;
 */
export function recipeToFragment(recipe: Recipe): string {
  return `recipe=${LINK_PREFIX}${packText(JSON.stringify(recipe))}`;
}

export { fragmentHasRecipe } from './recipe-address.js';

/** Reads a fragment made by `recipeToFragment` (with or without `#`); never throws. */
export function recipeFromFragment(fragment: string): RecipeResult {
  const body = fragment.replace(/^#/, '').replace(/^recipe=/, '').trim();
  const version = /^v(\d+)\./.exec(body);
  if (!version) return refused('link', 'The recipe link is damaged: it does not start with a format version such as "v1.".');
  if (version[0] !== LINK_PREFIX) {
    return refused('link', `The recipe link uses format v${version[1]}, but this site reads v${RECIPE_VERSION} only. Open it with the site that made it.`);
  }
  const unpacked = unpackText(body.slice(LINK_PREFIX.length), MAX_RECIPE_BYTES);
  if (!unpacked.ok) return refused('link', `The recipe link is damaged: ${unpacked.why}.`);
  return parseRecipe(unpacked.text);
}

function schemaProblem(recipe: Recipe, error: ErrorObject | undefined): RecipeProblem {
  if (!error) return { step: 'recipe', message: 'The recipe does not match the recipe schema.' };
  const match = /^\/steps\/(\d+)(\/.*)?$/.exec(error.instancePath);
  const where = match ? stepLabel(Array.isArray(recipe.steps) ? recipe.steps[Number(match[1])] : undefined, Number(match[1])) : 'recipe';
  const field = match ? (match[2] ?? '') : error.instancePath;
  const what = explain(error);
  return { step: where, message: `${field ? `${field.slice(1).replace(/\//g, '.')}: ` : ''}${what}. See docs/recipes.md for the format.` };
}

function explain(error: ErrorObject): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return `"${String(error.params.additionalProperty)}" is not a field recipes know`;
    case 'required':
      return `"${String(error.params.missingProperty)}" is missing`;
    case 'oneOf':
      return 'a plugin is a reference name alone, or has a manifest and exactly one of source, url (with sha256) or wasm';
    case 'enum':
      return `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return error.message ?? 'does not match the recipe schema';
  }
}

function refused(step: string, message: string): RecipeResult {
  return { ok: false, problem: { step, message } };
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
