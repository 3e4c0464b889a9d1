/** What `build` and `build-all` print, and the load checks they run on what they built. */
import { colour } from './format.js';
import { checkPlugins } from './plugin-check.js';

export function printBuild(lines: readonly string[], failed: boolean): void {
  for (const line of lines) (failed ? console.error : console.log)(line);
}

/**
 * Loads the output folder as `trovato check` does and reports the plugins in `names`: false
 * when any of them is refused (each reason printed), so a build never hands the site a plugin
 * it will refuse. Other plugins of the folder are loaded too, as dependencies.
 */
export async function checkBuilt(outDir: string, names: readonly string[]): Promise<boolean> {
  if (names.length === 0) return true;
  const { plugins } = await checkPlugins(outDir);
  let ok = true;
  for (const name of names) {
    const checked = plugins.find((p) => p.name === name);
    if (!checked) continue;
    for (const warning of checked.warnings) console.error(`${colour.yellow('warning')} ${warning}`);
    if (checked.status === 'refused') {
      ok = false;
      console.error(`${colour.red('refused')} ${name} built, but the kernel refuses to load it:`);
      for (const error of checked.errors) console.error(`  ${error}`);
    }
  }
  return ok;
}
