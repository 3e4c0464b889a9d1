/**
 * `trovato build <plugin-dir> [--out <dir>] [--force]` and
 * `trovato build-all <plugins-src-dir> <out-dir> [--force]`: plugin folders (AssemblyScript, or
 * Rust when the folder has a Cargo.toml) to the layout the kernel loads. Errors print as `file:line:column: message`. Returns the exit
 * code: 0 built (or up to date), 1 a build failed, 2 a usage error.
 */
import { parseArgs } from 'node:util';
import { buildAll, buildPluginDir, describeBuild } from '../build/build-plugins.js';

const USAGE_BUILD = 'Usage: trovato build <plugin-dir> [--out <dir>] [--force]   (default --out public/plugins)';
const USAGE_BUILD_ALL = 'Usage: trovato build-all <plugins-src-dir> <out-dir> [--force]';

export async function runBuild(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string', default: 'public/plugins' }, force: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) {
    console.error(USAGE_BUILD);
    return 2;
  }
  const result = await buildPluginDir(positionals[0], values.out, { force: values.force });
  // A Rust plugin without the toolchain to build it is a failure when asked for by name.
  const failed = result.status === 'failed' || result.status === 'skipped';
  print(describeBuild(result), failed);
  return failed ? 1 : 0;
}

export async function runBuildAll(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { force: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 2) {
    console.error(USAGE_BUILD_ALL);
    return 2;
  }
  const result = await buildAll(positionals[0], positionals[1], { force: values.force });
  for (const r of result.results) print(describeBuild(r), r.status === 'failed');
  console.log(`plugins.json: ${JSON.stringify(result.enabled)}`);
  return result.ok ? 0 : 1;
}

function print(lines: string[], failed: boolean): void {
  for (const line of lines) (failed ? console.error : console.log)(line);
}
