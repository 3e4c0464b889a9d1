/**
 * `trovato`: check, dispatch to and route through a directory of plugins from the command
 * line, and build plugins from AssemblyScript. Exit codes: 0 success, 1 a refusal or failure
 * the command reports, 2 a usage error.
 */
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { createKernel, type Kernel, type LoadReport } from '../kernel/kernel.js';
import type { UserSpec } from '../kernel/users.js';
import { readPluginFolder, type FolderProblem } from './plugin-folder.js';
import { colour, preview, table } from './format.js';
import { createNodeStorage } from './node-storage.js';

const USAGE = `Usage:
  trovato check <plugins-dir> [--json]
  trovato dispatch <tap> --plugins <dir> [--input <json> | --input @<file> | --input -] [--user <json>] [--json]
  trovato route <path> --plugins <dir> [--json]
  trovato build <plugin-dir> [--out <dir>]
  trovato build-all <plugins-src-dir> <out-dir>
  trovato bench [--node-only] [--no-pages]
  trovato serve --plugins <dir> [--database <file.db> | --database postgres://...] [--port 8080] [--host 127.0.0.1] [--threads 2] [--timeout 10]
  trovato export --database <file.db | postgres://...> [--out site.json]
  trovato import --database <file.db | postgres://...> <site.json>`;

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return await check(rest);
      case 'dispatch':
        return await dispatch(rest);
      case 'route':
        return await route(rest);
      case 'build':
        return await (await import('./build-command.js')).runBuild(rest);
      case 'build-all':
        return await (await import('./build-command.js')).runBuildAll(rest);
      case 'export':
        return await (await import('./commands/site-dump.js')).runExport(rest);
      case 'import':
        return await (await import('./commands/site-dump.js')).runImport(rest);
      case 'serve':
        return await (await import('./commands/serve.js')).runServe(rest);
      case 'bench':
        return await (await import('../../bench/run.js')).runBench(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      console.error(`trovato: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`trovato: ${(error as Error).message ?? String(error)}`);
    return 1;
  }
}

async function bootKernel(dir: string): Promise<{ kernel: Kernel; report: LoadReport; folderProblems: FolderProblem[] }> {
  const { sources, problems } = await readPluginFolder(dir);
  const kernel = createKernel({ storage: await createNodeStorage() });
  const report = await kernel.load(sources);
  return { kernel, report, folderProblems: problems };
}

async function check(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
  const dir = positionals[0];
  if (!dir) throw new UsageError('check needs the plugins directory.');
  const { report, folderProblems } = await bootKernel(dir);
  const missing = folderProblems.map(({ name, message }) => ({ name, version: '', status: 'refused' as const, errors: [message], warnings: [] }));
  const plugins = [
    ...report.plugins.map((p) => ({ name: p.name, version: p.version, status: p.status, errors: p.errors, warnings: p.warnings })),
    ...missing,
  ];
  for (const problem of report.routeProblems) {
    plugins.find((p) => p.name === problem.plugin)?.warnings.push(problem.message);
  }
  const failed = plugins.some((p) => p.status === 'refused');
  if (values.json) {
    console.log(JSON.stringify({ plugins, order: report.order }, null, 2));
    return failed ? 1 : 0;
  }
  const rows = plugins.map((p) => [
    p.status === 'ok' ? colour.green('ok') : colour.red('refused'),
    colour.bold(p.name),
    p.version,
    p.status === 'ok' ? colour.dim(`#${report.order.indexOf(p.name) + 1} in load order`) : '',
  ]);
  console.log(table(rows));
  for (const p of plugins) {
    for (const e of p.errors) console.log(`  ${colour.red('error')}    ${e}`);
    for (const w of p.warnings) console.log(`  ${colour.yellow('warning')}  ${w}`);
  }
  console.log(`\n${report.order.length} loaded, ${plugins.length - report.order.length} refused.`);
  return failed ? 1 : 0;
}

async function readInput(spec: string | undefined): Promise<unknown> {
  if (spec === undefined) return null;
  let text: string;
  let where: string;
  if (spec === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    text = Buffer.concat(chunks).toString('utf8');
    where = 'standard input';
  } else if (spec.startsWith('@')) {
    where = spec.slice(1);
    text = await readFile(where, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`Cannot read the input file ${where}: ${error.code ?? error.message}.`);
    });
  } else {
    text = spec;
    where = '--input';
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`The input from ${where} is not JSON: ${(error as Error).message}`);
  }
}

function parseUser(text: string | undefined): UserSpec | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--user is not JSON: ${(error as Error).message}. Example: --user '{"id":"u1","roles":["editor"]}'`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`--user must be a JSON object such as {"id":"u1","roles":["editor"]}.`);
  }
  return value as UserSpec;
}

function reportRefusals(report: LoadReport, folderProblems: FolderProblem[]): void {
  for (const { message } of folderProblems) console.error(`${colour.yellow('skipped')} ${message}`);
  for (const p of report.plugins.filter((p) => p.status === 'refused')) {
    console.error(`${colour.yellow('skipped')} ${p.name} was refused: ${p.errors.join(' ')}`);
  }
}

async function dispatch(args: string[]): Promise<number> {
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
  const { kernel, report, folderProblems } = await bootKernel(values.plugins);
  reportRefusals(report, folderProblems);
  const result = await kernel.dispatch(tap, input, { user });
  const results = result.results.map((r) => ({
    plugin: r.plugin,
    output: r.output,
    ...(r.error !== undefined ? { error: r.error } : {}),
    ms: Number(r.ms.toFixed(3)),
  }));
  if (values.json) {
    console.log(JSON.stringify({ tap, results }));
  } else if (results.length === 0) {
    console.log(`No enabled plugin implements ${tap}.`);
  } else {
    console.log(
      table(results.map((r) => [colour.bold(r.plugin), `${r.ms.toFixed(3)} ms`, r.error !== undefined ? colour.red(r.error) : preview(r.output)])),
    );
  }
  return results.some((r) => r.error !== undefined) ? 1 : 0;
}

async function route(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { plugins: { type: 'string' }, json: { type: 'boolean' } } });
  const path = positionals[0];
  if (!path) throw new UsageError('route needs a path, such as /blog/my-post.');
  if (!values.plugins) throw new UsageError('route needs --plugins <dir>.');
  const { kernel, report, folderProblems } = await bootKernel(values.plugins);
  reportRefusals(report, folderProblems);
  const match = kernel.route(path);
  if (!match) {
    const known = kernel.routes().map((r) => r.path);
    console.error(`No route matches ${path}. Known routes: ${known.length ? known.join(', ') : 'none (no enabled plugin implements tap_menu)'}.`);
    return 1;
  }
  if (values.json) {
    console.log(JSON.stringify({ route: match.route, params: match.params }));
  } else {
    console.log(
      table([
        ['route', colour.bold(match.route.path)],
        ['plugin', match.route.plugin],
        ['callback', match.route.callback],
        ['permission', match.route.permission],
        ['params', JSON.stringify(match.params)],
      ]),
    );
  }
  return 0;
}
