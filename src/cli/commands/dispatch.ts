/**
 * `trovato dispatch <tap> --plugins <dir> [--input …] [--user …] [--json]`: every handler of one
 * tap, as the kernel would run them. Exits 1 when a handler fails or when no enabled plugin
 * implements the tap (a typo in the tap name or a refused plugin must not look like success).
 */
import { parseArgs } from 'node:util';
import { isKnownTap, KNOWN_TAPS } from '../../kernel/contract/taps.js';
import { nearest } from '../../kernel/common/suggest.js';
import { UsageError } from '../command.js';
import { colour, preview, table } from '../format.js';
import { bootKernel, parseUser, readInput, reportRefusals } from '../session.js';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { plugins: { type: 'string' }, input: { type: 'string' }, user: { type: 'string' }, json: { type: 'boolean' } },
  });
  const tap = positionals[0];
  if (!tap) throw new UsageError('dispatch needs a tap name, such as tap_item_info.');
  if (!values.plugins) throw new UsageError('dispatch needs --plugins <dir>.');
  const input = await readInput(values.input);
  const user = parseUser(values.user);
  const { kernel, report, folderProblems } = await bootKernel(values.plugins, { printLogs: true });
  reportRefusals(report, folderProblems);
  const result = await kernel.dispatch(tap, input, { user });
  const results = result.results.map((r) => ({
    plugin: r.plugin,
    output: r.output,
    ...(r.error !== undefined ? { error: r.error } : {}),
    // The CLI's kernel times every handler (cli/session.ts).
    ...(r.ms !== undefined ? { ms: Number(r.ms.toFixed(3)) } : {}),
  }));
  if (values.json) console.log(JSON.stringify({ tap, results }));
  if (results.length === 0) {
    const guess = isKnownTap(tap) ? null : nearest(tap, KNOWN_TAPS);
    const why = isKnownTap(tap) ? `no enabled plugin in ${values.plugins} implements ${tap}` : `${tap} is not a known tap${guess ? ` (did you mean ${guess}?)` : ''}`;
    console.error(`trovato: nothing ran: ${why}.`);
    return 1;
  }
  if (!values.json) {
    console.log(
      table(results.map((r) => [colour.bold(r.plugin), r.ms !== undefined ? `${r.ms.toFixed(3)} ms` : '', r.error !== undefined ? colour.red(r.error) : preview(r.output)])),
    );
  }
  return results.some((r) => r.error !== undefined) ? 1 : 0;
}
