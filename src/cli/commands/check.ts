/** `trovato check <plugins-dir> [--json]`: load every plugin folder; exit 1 if any is refused. */
import { parseArgs } from 'node:util';
import { UsageError } from '../command.js';
import { colour, table } from '../format.js';
import { checkPlugins, type CheckedPlugin } from '../plugin-check.js';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
  const dir = positionals[0];
  if (!dir) throw new UsageError('check needs the plugins directory.');
  const { plugins, order } = await checkPlugins(dir);
  const failed = plugins.some((p) => p.status === 'refused');
  if (values.json) {
    console.log(JSON.stringify({ plugins, order }, null, 2));
    return failed ? 1 : 0;
  }
  printChecked(plugins, order);
  console.log(`\n${order.length} loaded, ${plugins.length - order.length} refused.`);
  return failed ? 1 : 0;
}

/** The check's table: status, name, version, load position; then each error and warning. */
export function printChecked(plugins: readonly CheckedPlugin[], order: readonly string[]): void {
  const rows = plugins.map((p) => [
    p.status === 'ok' ? colour.green('ok') : colour.red('refused'),
    colour.bold(p.name),
    p.version,
    p.status === 'ok' ? colour.dim(`#${order.indexOf(p.name) + 1} in load order`) : '',
  ]);
  console.log(table(rows));
  for (const p of plugins) {
    for (const e of p.errors) console.log(`  ${colour.red('error')}    ${e}`);
    for (const w of p.warnings) console.log(`  ${colour.yellow('warning')}  ${w}`);
  }
}
