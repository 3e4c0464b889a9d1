/**
 * The same tap in two languages: `tap_item_access` of the Rust notes plugin (plugins/notes,
 * trovato-sdk) next to the AssemblyScript blog plugin's (plugins/blog), each called alone on
 * its own kernel with an item of its own type, so both decode an item, decide and answer.
 */
import { createKernel } from '../src/kernel/kernel.js';
import type { PluginSource } from '../src/kernel/plugin/loader.js';
import { measure } from './measure.js';
import type { CaseResult } from './cases.js';

const AS_CASE = 'tap_item_access call, AssemblyScript (blog)';
const RUST_CASE = 'tap_item_access call, Rust (notes)';

function accessInput(itemType: string) {
  return {
    op: 'view',
    item: {
      id: '5f0c6a4e-3d2b-4c1a-9e8f-7a6b5c4d3e2f',
      item_type: itemType,
      title: 'A post that both plugins decode',
      fields: { body: { value: 'Some text for the body of the item. '.repeat(8), format: 'plain_text' }, slug: 'a-post' },
      status: 1,
      author_id: 'ada',
      created: 1_750_000_000,
      changed: 1_750_000_000,
    },
  };
}

export async function runLanguageCases(reference: readonly PluginSource[], log: (line: string) => void): Promise<CaseResult[]> {
  const byName = new Map(reference.map((plugin) => [plugin.name, plugin]));
  const [blog, categories, notes] = [byName.get('blog'), byName.get('categories'), byName.get('notes')];
  if (!blog || !categories || !notes) {
    log('languages: skipped (blog, categories and notes must all be built; notes needs the Rust toolchain)');
    return [];
  }
  const results: CaseResult[] = [];
  for (const [name, plugins, plugin, itemType, baselines] of [
    [AS_CASE, [categories, blog], 'blog', 'blog', undefined],
    [RUST_CASE, [notes], 'notes', 'notes', [AS_CASE]],
  ] as const) {
    log(`languages: ${name}`);
    const kernel = createKernel();
    const report = await kernel.load([...plugins]);
    if (report.plugins.some((p) => p.status !== 'ok')) throw new Error(`${plugin} did not load for the bench: ${JSON.stringify(report.plugins)}`);
    const input = accessInput(itemType);
    const once = await kernel.request(undefined, (session) => session.call(plugin, 'tap_item_access', input));
    if (once.output !== 'Grant') throw new Error(`${plugin} tap_item_access answered ${JSON.stringify(once)}, not "Grant".`);
    results.push({
      name,
      baselines: baselines ? [...baselines] : undefined,
      stats: await measure(() => kernel.request(undefined, (session) => session.call(plugin, 'tap_item_access', input)), { batch: 200, batches: 30 }),
    });
  }
  return results;
}
