/**
 * `trovato build <plugin-dir> [--out <dir>] [--force]`: one plugin folder (AssemblyScript, or Rust when it has a Cargo.toml) to the
 * layout the kernel loads, then the load checks of `trovato check` on the output folder: a
 * plugin the kernel would refuse fails the build; one it loads is added to `plugins.json`.
 * Errors print as `file:line:column: message`.
 */
import { parseArgs } from 'node:util';
import { buildPluginDir, describeBuild, updatePluginIndex } from '../../build/build-plugins.js';
import { UsageError } from '../command.js';
import { checkBuilt, printBuild } from '../build-output.js';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string', default: 'public/plugins' }, force: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) throw new UsageError('build needs exactly one plugin folder, such as plugins/hello.');
  const result = await buildPluginDir(positionals[0], values.out, { force: values.force });
  // A Rust plugin without the toolchain to build it is a failure when asked for by name.
  const failed = result.status === 'failed' || result.status === 'skipped';
  printBuild(describeBuild(result), failed);
  if (failed) return 1;
  if (!(await checkBuilt(values.out, [result.name]))) return 1;
  await updatePluginIndex(values.out, [result.name]);
  return 0;
}
