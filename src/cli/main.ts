/**
 * `trovato`: check, dispatch to, route through, build and create plugins from the command line.
 * Each command is one module under `commands/`, registered with one line below and loaded only
 * when it runs, so `trovato --help` loads none of them. Exit codes: 0 success, 1 a refusal or
 * failure the command reports, 2 a usage error.
 */
import { UsageError, type CommandEntry, type CommandModule } from './command.js';

const command = (name: string, usage: string, summary: string, load: () => Promise<CommandModule>): CommandEntry => ({ name, usage, summary, load });

/** Every command, in the order `--help` lists them. Add a command here, in one line. */
export const COMMANDS: readonly CommandEntry[] = [
  command('new', '<name> [--dir plugins] [--out public/plugins]', 'create a plugin folder (manifest, source, test), built and checked', () => import('./commands/new.js')),
  command('build', '<plugin-dir> [--out public/plugins] [--force]', 'compile one AssemblyScript plugin, then run the load checks', () => import('./commands/build.js')),
  command('build-all', '<plugins-src-dir> <out-dir> [--force]', 'compile every plugin folder with one compiler, then check', () => import('./commands/build-all.js')),
  command('dev', '[--port 5173] [--plugins plugins] [--public public]', 'the site with plugins rebuilt and reloaded on save', () => import('./commands/dev.js')),
  command('check', '<plugins-dir> [--json]', 'load every plugin folder; exit 1 if any is refused', () => import('./commands/check.js')),
  command('dispatch', "<tap> --plugins <dir> [--input <json> | --input @<file> | --input -] [--user <json|role>] [--json]", 'run every handler of a tap', () => import('./commands/dispatch.js')),
  command('cron', '--plugins <dir> [--runs <n>] [--json]', "run the site's scheduled work: tap_cron and the queues", () => import('./commands/cron.js')),
  command('route', '<path> --plugins <dir> [--render [--user <json|role>] [--seed items.json]] [--json]', 'match a path; with --render, run it and print the page', () => import('./commands/route.js')),
  command('serve', '--plugins <dir> [--database <file.db> | --database postgres://...] [--port 8080] [--host 127.0.0.1] [--threads 2] [--timeout 10] [--request-fuel <instructions>]', 'serve the site over HTTP, pages rendered on the server', () => import('./commands/serve.js')),
  command('export', '--database <file.db | postgres://...> [--out site.zip]', "write a served site's export (the zip /admin/site downloads)", () => import('./commands/export.js')),
  command('import', '--database <file.db | postgres://...> <site.zip>', 'load a site export into a served site\'s empty database', () => import('./commands/import.js')),
];

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  trovato ${c.name.padEnd(width)}  ${c.usage}\n  ${' '.repeat(width + 10)}${c.summary}`);
  return `Usage:\n${lines.join('\n')}\n\n--user takes a JSON user ({"id":"u1","roles":["editor"]}) or a demo user's role: anonymous, editor, administrator.`;
}

/** Runs `argv` (without node and the script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  try {
    if (!entry) throw new UsageError(`Unknown command "${name}".`);
    const module = await entry.load();
    return await module.run(rest);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (error instanceof UsageError || code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const line = entry ? `Usage: trovato ${entry.name} ${entry.usage}` : usage();
      console.error(`trovato: ${(error as Error).message}\n\n${line}`);
      return 2;
    }
    console.error(`trovato: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
