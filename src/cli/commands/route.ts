/**
 * `trovato route <path> --plugins <dir> [--render [--user …] [--seed items.json] [--json]]`:
 * which route a path matches; with `--render`, the route's callback run on a site in memory
 * (seeded with the given items) and its RenderElement tree printed as text, or as JSON with
 * `--json`.
 */
import { parseArgs } from 'node:util';
import { renderText } from '../../render/render-text.js';
import { UsageError } from '../command.js';
import { colour, table } from '../format.js';
import { bootKernel, parseUser, reportRefusals } from '../session.js';
import { openCliSite, readSeed } from '../site-session.js';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      plugins: { type: 'string' },
      json: { type: 'boolean' },
      render: { type: 'boolean' },
      user: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const target = positionals[0];
  if (!target) throw new UsageError('route needs a path, such as /blog/my-post.');
  if (!values.plugins) throw new UsageError('route needs --plugins <dir>.');
  if (!values.render && (values.user !== undefined || values.seed !== undefined)) {
    throw new UsageError('--user and --seed only apply with --render, which runs the route.');
  }
  const url = new URL(target, 'http://trovato.invalid');
  const path = url.pathname;
  return values.render ? render(path, Object.fromEntries(url.searchParams), values) : match(path, values);
}

async function match(path: string, values: { plugins?: string; json?: boolean }): Promise<number> {
  const { kernel, report, folderProblems } = await bootKernel(values.plugins!);
  reportRefusals(report, folderProblems);
  const found = kernel.route(path);
  if (!found) {
    const known = kernel.routes().map((r) => r.path);
    console.error(`No route matches ${path}. Known routes: ${known.length ? known.join(', ') : 'none (no enabled plugin implements tap_menu)'}.`);
    return 1;
  }
  if (values.json) {
    console.log(JSON.stringify({ route: found.route, params: found.params }));
    return 0;
  }
  console.log(
    table([
      ['route', colour.bold(found.route.path)],
      ['plugin', found.route.plugin],
      ['callback', found.route.callback],
      ['permission', found.route.permission],
      ['params', JSON.stringify(found.params)],
    ]),
  );
  return 0;
}

async function render(
  path: string,
  query: Record<string, string>,
  values: { plugins?: string; json?: boolean; user?: string; seed?: string },
): Promise<number> {
  const user = parseUser(values.user);
  const seed = await readSeed(values.seed);
  const site = await openCliSite(values.plugins!, seed);
  try {
    const response = await site.kernel.callRoute(path, { user, query });
    if (!response) {
      const known = site.kernel.routes().map((r) => r.path);
      console.error(`No route matches ${path}. Known routes: ${known.length ? known.join(', ') : 'none (no enabled plugin implements tap_menu)'}.`);
      return 1;
    }
    const { match, result } = response;
    if (result.error !== undefined) {
      console.error(`${match.route.plugin} ${match.route.callback} (route ${match.route.path}) failed: ${result.error}`);
      return 1;
    }
    if (values.json) console.log(JSON.stringify(result.output, null, 2));
    else console.log(result.output === null ? colour.dim(`(${match.route.callback} returned no answer)`) : renderText(result.output));
    return 0;
  } finally {
    await site.store.close();
  }
}
