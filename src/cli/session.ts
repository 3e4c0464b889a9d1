/**
 * What the kernel-running commands share: booting a kernel or a site over a plugins folder in
 * memory, and reading `--input` and `--user`.
 */
import { readFile } from 'node:fs/promises';
import { createKernel, type Kernel, type LoadReport, type LogEntry } from '../kernel/index.js';
import type { UserSpec } from '../kernel/common/users.js';
import { DEMO_USERS } from '../site/roles.js';
import { colour } from './format.js';
import { UsageError } from './command.js';
import { createNodeStorage } from './node-storage.js';
import { readPluginFolder, type FolderProblem } from '../build/plugin-folder.js';

export interface BootedKernel {
  kernel: Kernel;
  report: LoadReport;
  folderProblems: FolderProblem[];
}

/**
 * A kernel with every plugin of `dir` loaded, over empty in-memory storage. With `printLogs`,
 * every log line a request records (logging.log, stdout/stderr, the kernel's warnings) is
 * printed to stderr as it happens, leaving stdout to the command's answer.
 */
export async function bootKernel(dir: string, { printLogs = false } = {}): Promise<BootedKernel> {
  const { sources, problems } = await readPluginFolder(dir);
  const kernel = createKernel({ storage: await createNodeStorage(), timeHandlers: true, ...(printLogs ? { onLog: printLogLine } : {}) });
  const report = await kernel.load(sources);
  return { kernel, report, folderProblems: problems };
}

/** One log line on stderr: `log <plugin> <level>: <message>`, naming a claimed plugin too. */
export function printLogLine(entry: LogEntry): void {
  const claimed = entry.claimed === undefined ? '' : colour.dim(` (claimed to be ${entry.claimed})`);
  const source = entry.source === 'log' ? '' : ` ${entry.source}`;
  console.error(`${colour.dim('log')} ${entry.plugin} ${entry.level}${source}: ${entry.message}${claimed}`);
}

/** Tells stderr which plugins were not loaded and why, so a missing answer is explained. */
export function reportRefusals(report: LoadReport, folderProblems: readonly FolderProblem[]): void {
  for (const { message } of folderProblems) console.error(`${colour.yellow('skipped')} ${message}`);
  for (const p of report.plugins.filter((p) => p.status === 'refused')) {
    console.error(`${colour.yellow('skipped')} ${p.name} was refused: ${p.errors.join(' ')}`);
  }
}

/** `--input`: JSON text, `@file`, or `-` for standard input; absent is null. */
export async function readInput(spec: string | undefined): Promise<unknown> {
  if (spec === undefined) return null;
  const { text, where } = await readJsonText(spec, '--input');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`The input from ${where} is not JSON: ${(error as Error).message}`);
  }
}

/** JSON text from an argument, `@file` or `-` (standard input), with where it came from. */
export async function readJsonText(spec: string, option: string): Promise<{ text: string; where: string }> {
  if (spec === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return { text: Buffer.concat(chunks).toString('utf8'), where: 'standard input' };
  }
  if (spec.startsWith('@')) {
    const where = spec.slice(1);
    const text = await readFile(where, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`Cannot read the ${option} file ${where}: ${error.code ?? error.message}.`);
    });
    return { text, where };
  }
  return { text: spec, where: option };
}

const USER_EXAMPLE = `--user '{"id":"u1","roles":["editor"]}'`;

/** `--user`: a JSON user spec, or a demo user by role: anonymous, editor, administrator. */
export function parseUser(text: string | undefined): UserSpec | undefined {
  if (text === undefined) return undefined;
  const demo = DEMO_USERS.find((u) => u.roles.includes(text));
  if (demo) return { id: demo.id, name: demo.name, roles: [...demo.roles] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--user is not JSON: ${(error as Error).message}. Example: ${USER_EXAMPLE}, or a role name such as --user editor.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`--user must be a JSON object such as {"id":"u1","roles":["editor"]}, or a role name such as editor.`);
  }
  return value as UserSpec;
}
