/**
 * Compiles the AssemblyScript of a recipe's plugin steps in the page, with the playground's
 * compiler (loaded only when a recipe has source: it downloads ~15 MB the first time).
 */
import type { Recipe, RecipeProblem } from '../recipe/recipe.js';
import { recipeReader } from './recipe-location.js';
import { messageOf } from '../kernel/common/errors.js';

export type Compiled = { ok: true; compiled: Record<string, Uint8Array> } | { ok: false; problem: RecipeProblem };

/** Whether any plugin step of `recipe` carries source to compile. */
export function needsCompiler(recipe: Recipe): boolean {
  return recipe.steps.some((step) => step.step === 'plugin' && step.source !== undefined);
}

/** Compiles every plugin step with `source`; the first error names its step, file and line. */
export async function compileRecipeSources(recipe: Recipe, onStep: (label: string) => void): Promise<Compiled> {
  if (!needsCompiler(recipe)) return { ok: true, compiled: {} };
  const [{ PlaygroundCompiler }, { stepLabel }] = await Promise.all([import('../build/browser/compiler.js'), recipeReader()]);
  const compiler = new PlaygroundCompiler();
  const compiled: Record<string, Uint8Array> = {};
  try {
    for (const [index, step] of recipe.steps.entries()) {
      if (step.step !== 'plugin' || step.source === undefined) continue;
      const label = stepLabel(step, index);
      onStep(`${label}: compiling`);
      const { result } = await compiler.compile(step.name, step.source);
      if (!result.ok) {
        const first = result.diagnostics.find((d) => d.severity === 'error') ?? result.diagnostics[0];
        const at = first ? `${first.file}:${first.line}:${first.column} ${first.message}` : 'the compiler reported no diagnostic';
        return { ok: false, problem: { step: label, message: `Its AssemblyScript does not compile: ${at}` } };
      }
      compiled[step.name] = result.wasm;
    }
    return { ok: true, compiled };
  } catch (error) {
    return { ok: false, problem: { step: 'recipe', message: `The compiler could not run: ${messageOf(error)}` } };
  } finally {
    compiler.dispose();
  }
}
