/**
 * `trovato build-all <plugins-src-dir> <out-dir> [--force]`: every plugin folder, one compiler
 * for all of them, then `plugins.json` and the load checks on the output folder.
 */
import { parseArgs } from 'node:util';
import { buildAll, describeBuild } from '../../build/build-plugins.js';
import { UsageError } from '../command.js';
import { checkBuilt, printBuild } from '../build-output.js';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { force: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 2) throw new UsageError('build-all needs the plugin sources folder and the output folder.');
  const result = await buildAll(positionals[0], positionals[1], { force: values.force });
  for (const r of result.results) printBuild(describeBuild(r), r.status === 'failed');
  console.log(`plugins.json: ${JSON.stringify(result.enabled)}`);
  const built = result.results.filter((r) => r.status !== 'failed').map((r) => r.name);
  const checked = await checkBuilt(positionals[1], built);
  return result.ok && checked ? 0 : 1;
}
