/** Builds the benchmark's plugins from source (WAT through wabt) in Node. */
import { ECHO, watPlugin } from '../test/support/wat-plugin.js';
import type { BenchFixtures } from './cases.js';
import { readPluginFolder } from '../src/cli/plugin-folder.js';

export async function buildFixtures(): Promise<BenchFixtures> {
  const echo = await watPlugin({ name: 'echo', exports: { tap_item_view: ECHO } });
  const tenEchoes = await Promise.all(
    Array.from({ length: 10 }, (_, i) => watPlugin({ name: `echo_${i}`, exports: { tap_item_view: ECHO } })),
  );
  const { sources: reference, problems } = await readPluginFolder('public/plugins');
  if (problems.length > 0 || reference.length === 0) {
    throw new Error(`The reference plugins are not built (${problems.map((p) => p.message).join(' ')}); run \`npm run build:plugins\` first.`);
  }
  return { echo, tenEchoes, reference };
}
