/**
 * The load checks of `trovato check`, as data: every plugin folder of a directory loaded by a
 * real kernel, refused or not, with its errors and warnings. `build` runs the same checks on
 * what it built, so a plugin that builds is a plugin the site loads.
 */
import { bootKernel } from './session.js';

export interface CheckedPlugin {
  name: string;
  version: string;
  status: 'ok' | 'refused';
  errors: string[];
  warnings: string[];
}

export interface CheckReport {
  plugins: CheckedPlugin[];
  /** The plugins that loaded, in load order. */
  order: string[];
}

/** Loads every plugin folder of `dir` (ABI §1.2) and reports each one. */
export async function checkPlugins(dir: string): Promise<CheckReport> {
  const { report, folderProblems } = await bootKernel(dir);
  const missing: CheckedPlugin[] = folderProblems.map(({ name, message }) => ({ name, version: '', status: 'refused', errors: [message], warnings: [] }));
  const plugins: CheckedPlugin[] = [
    ...report.plugins.map((p) => ({ name: p.name, version: p.version, status: p.status, errors: [...p.errors], warnings: [...p.warnings] })),
    ...missing,
  ];
  for (const problem of [...report.routeProblems, ...(report.tapProblems ?? [])]) {
    plugins.find((p) => p.name === problem.plugin)?.warnings.push(problem.message);
  }
  return { plugins, order: [...report.order] };
}
