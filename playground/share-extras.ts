/**
 * What a playground link carries beyond the editor's files: an uploaded plugin (its wasm in the
 * link when it fits) and the preview's content (items, rows and variables, as recipe steps),
 * restored on each run through the recipe machinery (src/site/apply-recipe.ts).
 */
import type { PluginSource } from '../src/site/protocol.js';
import type { Recipe, RecipeStep } from '../src/recipe/recipe.js';
import { fromBase64Url, toBase64Url } from '../src/share/link-codec.js';
import type { SharedUpload } from './share-link.js';

/** The upload as a link carries it. */
export function sharedUpload(source: PluginSource): SharedUpload {
  return { name: source.name, manifest: source.manifest, wasm: toBase64Url(source.wasm) };
}

/** The upload a link carried, or why it cannot run. */
export function uploadedPlugin(shared: SharedUpload): PluginSource | { error: string } {
  const wasm = fromBase64Url(shared.wasm);
  if (!wasm) return { error: `The link's uploaded plugin "${shared.name}" is damaged (its wasm is not base64url).` };
  return { name: shared.name, manifest: shared.manifest, wasm };
}

/** The steps of an exported recipe that are content (not plugins or grants). */
export function contentSteps(recipe: Recipe): RecipeStep[] {
  return recipe.steps.filter((step) => step.step === 'item' || step.step === 'row' || step.step === 'variable');
}

/**
 * The recipe a run with content applies: the enabled reference plugins, the plugin under test
 * (inline), then the content. Plugins count as installed: the content already holds what
 * their tap_install wrote when it was captured.
 */
export function runRecipe(enabled: readonly string[], plugin: PluginSource, content: readonly RecipeStep[]): Recipe {
  return {
    recipe: 1,
    steps: [
      ...enabled.filter((name) => name !== plugin.name).map((name): RecipeStep => ({ step: 'plugin', name, installed: true })),
      { step: 'plugin', name: plugin.name, manifest: plugin.manifest, wasm: toBase64Url(plugin.wasm), installed: true },
      ...content,
    ],
  };
}

/** Why a link is too long, naming the part that makes it so. */
export function tooLongReason(upload: SharedUpload | undefined, contentChars: number): string {
  const parts: string[] = [];
  if (upload) parts.push(`the uploaded ${upload.name}.wasm (${Math.round((upload.wasm.length * 3) / 4 / 1024)} KB)`);
  if (contentChars > 0) parts.push(`the preview's content (${Math.round(contentChars / 1024)} KB of JSON)`);
  return parts.length > 0 ? ` It carries ${parts.join(' and ')}.` : '';
}
