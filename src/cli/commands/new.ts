/**
 * `trovato new <name> [--dir plugins] [--out public/plugins]`: a plugin folder that works from
 * the first minute: a manifest, an AssemblyScript source with one route and one permission,
 * and a test that renders the route through the CLI. It is built and checked at once, so what
 * the author sees first is a plugin the site loads.
 */
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildPluginDir, describeBuild, updatePluginIndex } from '../../build/build-plugins.js';
import { UsageError } from '../command.js';
import { checkBuilt, printBuild } from '../build-output.js';
import { colour } from '../format.js';
import { MACHINE_NAME } from '../../kernel/common/machine-name.js';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { dir: { type: 'string', default: 'plugins' }, out: { type: 'string', default: 'public/plugins' } },
  });
  const name = positionals[0];
  if (!name) throw new UsageError('new needs the plugin\'s machine name, such as "events".');
  if (!MACHINE_NAME.test(name)) {
    throw new UsageError(`"${name}" is not a machine name: use 1 to 64 lowercase letters, digits and underscores, starting with a letter.`);
  }
  const folder = join(values.dir, name);
  if (await access(folder).then(() => true, () => false)) {
    throw new UsageError(`${folder} already exists; choose another name or remove the folder.`);
  }
  await mkdir(folder, { recursive: true });
  // The build maps the SDK to ../../sdk from any plugin folder, wherever the folders really are.
  const sdk = '../../sdk';
  await writeFile(join(folder, `${name}.info.toml`), manifest(name));
  await writeFile(join(folder, 'index.ts'), source(name, sdk));
  await writeFile(join(folder, `${name}.test.ts`), test(name, values.out));
  console.log(`created ${folder}/ (${name}.info.toml, index.ts, ${name}.test.ts)`);

  const result = await buildPluginDir(folder, values.out);
  printBuild(describeBuild(result), result.status === 'failed');
  if (result.status === 'failed' || !(await checkBuilt(values.out, [name]))) return 1;
  await updatePluginIndex(values.out, [name]);
  console.log(`\n${colour.green('ok')} ${name} builds and loads. Next:`);
  const next = [
    [`npx trovato route /${name} --plugins ${values.out} --render`, 'the page, as text'],
    [`npx vitest run ${folder}/${name}.test.ts`, 'its test'],
    [`npx trovato dev`, `the site; /${name} is rebuilt and reloaded on save`],
  ];
  const width = Math.max(...next.map(([command]) => command.length));
  for (const [command, what] of next) console.log(`  ${command.padEnd(width)}  ${colour.dim(`# ${what}`)}`);
  return 0;
}

function manifest(name: string): string {
  return `name = "${name}"
description = "The ${name} plugin."
version = "0.1.0"

[taps]
implements = ["tap_menu", "tap_perm"]
`;
}

function source(name: string, sdk: string): string {
  return `// ${name}: one route (/${name}) and one permission. Every tap and route callback is an export
// with the signature (ptr: i32, len: i32) => i64 that hands its JSON input to \`tap\`.
import {
  JsonValue, tap, menu, permission, jsonList, MenuDefinition, PermissionDefinition,
  container, markup, RouteRequest,
} from "${sdk}";

// The kernel calls these to pass tap input into this plugin's memory.
export { alloc, dealloc } from "${sdk}";

export function tap_menu(ptr: i32, len: i32): i64 {
  return tap(ptr, len, routes);
}

function routes(input: JsonValue): JsonValue {
  return jsonList<MenuDefinition>([menu("/${name}", "${title(name)}", "${name}_page")]);
}

export function tap_perm(ptr: i32, len: i32): i64 {
  return tap(ptr, len, perms);
}

function perms(input: JsonValue): JsonValue {
  return jsonList<PermissionDefinition>([permission("administer ${name}", "Change the settings of ${name}.")]);
}

// The route callback: input {path, params, query}, output a RenderElement tree.
export function ${name}_page(ptr: i32, len: i32): i64 {
  return tap(ptr, len, page);
}

function page(input: JsonValue): JsonValue {
  const request = RouteRequest.fromJson(input);
  return container()
    .child("title", markup("h1", "${title(name)}"))
    .child("path", markup("p", "This page is " + request.path + "."))
    .toJson();
}
`;
}

function test(name: string, out: string): string {
  return `// Runs the built plugin the way the site does: the CLI loads ${out}, runs /${name} and prints
// the page as text. Rebuild first: npx trovato build plugins/${name}
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function trovato(...args: string[]): string {
  return execFileSync(process.execPath, ['bin/trovato.js', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

describe('${name}', () => {
  it('renders its page at /${name}', () => {
    const page = trovato('route', '/${name}', '--plugins', '${out}', '--render');
    expect(page).toContain('# ${title(name)}');
    expect(page).toContain('This page is /${name}.');
  }, 60_000);
});
`;
}

function title(name: string): string {
  return name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}
