/**
 * The folder of this package (the one holding `package.json` and `sdk/`), found from this
 * module's own location: the same answer whether the code runs from `src/` (tests, tsx) or
 * from the CLI bundle in `dist-cli/`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'sdk', 'index.ts'))) return dir;
    if (dirname(dir) === dir) throw new Error(`Cannot find the trovato package (a folder with package.json and sdk/) above ${start}.`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
