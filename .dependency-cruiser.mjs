/**
 * The layer check (issue 18): every folder in layers.json may import itself and the folders it
 * lists there, nothing else of the repository, so no layer reaches up and no two folders import
 * each other; and no module is part of an import cycle, not even a type-only one.
 * test/architecture/layers.test.ts runs it with the tests and checks docs/architecture.md's table
 * against layers.json.
 *
 * Alone: `npx depcruise src playground bench test` (this file is dependency-cruiser's default config).
 */
import { readFileSync } from 'node:fs';

/** @typedef {{ folder: string, is: string, mayImport: string[] }} Layer */

/** @type {Layer[]} bottom to top */
export const LAYERS = JSON.parse(readFileSync(new URL('./layers.json', import.meta.url), 'utf8'));

/**
 * Cycles that are known and owned elsewhere, each with the reason it is not fixed here. The
 * check fails on any other cycle, and on one of these once it is gone (so the list stays true).
 */
export const KNOWN_CYCLES = [
  {
    modules: ['src/kernel/storage/read-model.ts', 'src/kernel/storage/unit-of-work.ts'],
    why: 'read-model.ts reads the StoredData type of unit-of-work.ts; storage internals are being reworked on the storage branch',
  },
];

/** The repository's own files: what a layer may not import unless it lists it. */
const REPO_FILE = '^(src|playground|bench|test|scripts|sdk|plugins|embed|bin)/';
/** Tests and test support beside a layer's modules import test helpers and fixtures; nothing imports them. */
const TEST_FILE = '(\\.test\\.ts|\\.test-support\\.ts|-test-harness\\.ts)$';

const escape = (path) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const inFolder = (folder) => `^${escape(folder)}/`;
/** An allowed import names a folder (with the layers inside it) or one file. */
const allowed = (target) => (/\.\w+$/.test(target) ? `^${escape(target)}$` : inFolder(target));

/**
 * The rules for `layers`: one per layer (its own files are its folder's, less those of layers
 * nested in it: src/kernel/host is not src/kernel), and one against cycles.
 * @param {Layer[]} layers
 * @returns {import('dependency-cruiser').IConfiguration}
 */
export function layerConfig(layers) {
  const nested = (folder) => layers.map((layer) => layer.folder).filter((other) => other.startsWith(`${folder}/`));
  return {
    forbidden: [
      ...layers.map((layer) => ({
        name: `layer:${layer.folder}`,
        severity: 'error',
        comment: `${layer.folder} may import ${layer.mayImport.length > 0 ? layer.mayImport.join(', ') : 'nothing of the repository'} (layers.json)`,
        from: { path: inFolder(layer.folder), pathNot: [...nested(layer.folder).map(inFolder), TEST_FILE] },
        to: { path: REPO_FILE, pathNot: [inFolder(layer.folder), ...layer.mayImport.map(allowed)] },
      })),
      {
        name: 'no-cycle',
        severity: 'error',
        comment: 'modules that import each other, if only for a type: one belongs lower, or the shared part in a module of its own',
        from: { path: '^(src|playground)/', pathNot: KNOWN_CYCLES.flatMap((cycle) => cycle.modules.map((module) => `^${escape(module)}$`)) },
        to: { circular: true },
      },
      {
        name: 'no-unresolved',
        severity: 'error',
        comment: 'a relative import the check cannot follow is an edge it cannot judge',
        from: { path: '^(src|playground)/' },
        to: { couldNotResolve: true, path: '^\\.{1,2}/' },
      },
    ],
    options: {
      doNotFollow: { path: 'node_modules' },
      exclude: { path: '(^|/)(node_modules|dist|dist-cli|public|test/fixtures)/' },
      // Type-only imports count: a module that needs another's types depends on it.
      tsPreCompilationDeps: true,
      tsConfig: { fileName: 'tsconfig.json' },
    },
  };
}

export default layerConfig(LAYERS);
