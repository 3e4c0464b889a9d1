/**
 * The folders keep their layers (layers.json, docs/architecture.md): dependency-cruiser reads
 * every import of the repository, types included, and no folder may import one above it or
 * beside it that it does not list, and no modules may import each other. A failure lists the
 * offending imports.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IConfiguration, type IViolation } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { beforeAll, describe, expect, it } from 'vitest';
import config, { KNOWN_CYCLES, LAYERS, layerConfig, type Layer } from '../../.dependency-cruiser.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CRUISED = ['src', 'playground', 'bench', 'test'];
/** Files of src/ in no layer: the site's entry and two constants modules that any layer above the kernel may read. */
const OUTSIDE_LAYERS = ['src/main.ts', 'src/served-main.ts', 'src/chromium.ts', 'src/dev-protocol.ts'];

async function check(configuration: IConfiguration): Promise<ICruiseResult> {
  const { output } = await cruise(
    CRUISED,
    { ...configuration.options, ruleSet: { forbidden: configuration.forbidden }, validate: true, baseDir: ROOT },
    {},
    { tsConfig: extractTSConfig(join(ROOT, 'tsconfig.json')) },
  );
  if (typeof output === 'string') throw new Error('dependency-cruiser answered text instead of a result');
  return output;
}

function describeViolation(violation: IViolation): string {
  const path = violation.cycle ? [violation.from, ...violation.cycle.map((step) => step.name)].join(' -> ') : `${violation.from} -> ${violation.to}`;
  return `${violation.rule.name}: ${path}`;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(ts|mjs)$/.test(file) && !/\.(test|browser\.test|e2e\.test)\.ts$/.test(file))
    .map((file) => join(dir, file));
}

const layerOf = (file: string): Layer | undefined =>
  LAYERS.filter((layer) => file.startsWith(`${layer.folder}/`)).sort((a, b) => b.folder.length - a.folder.length)[0];

describe('the layers', () => {
  let result: ICruiseResult;
  beforeAll(async () => {
    result = await check(config);
  });

  it('hold: no import reaches above its layer, none forms a cycle, none is left unresolved', () => {
    const offending = result.summary.violations.map(describeViolation);
    expect(offending, `Imports against layers.json (see docs/architecture.md, "Layers"):\n${offending.join('\n')}\n`).toEqual([]);
  });

  it('were checked on the whole tree, with the kernel reached through its real imports', () => {
    const cruised = new Set(result.modules.map((module) => module.source));
    const missing = [...sourceFiles('src'), ...sourceFiles('playground')].filter((file) => !cruised.has(file));
    expect(missing, 'source files dependency-cruiser did not read').toEqual([]);
    const kernel = result.modules.find((module) => module.source === 'src/kernel/kernel.ts');
    expect(kernel?.dependencies.map((dependency) => dependency.resolved)).toContain('src/kernel/tap/dispatcher.ts');
  });

  it('cover every source file but the named few', () => {
    const unplaced = [...sourceFiles('src'), ...sourceFiles('playground')].filter((file) => layerOf(file) === undefined);
    expect(unplaced.sort()).toEqual([...OUTSIDE_LAYERS].sort());
  });

  it('catch an upward import: with the host layer allowed nothing, its real imports are reported', async () => {
    const strict = LAYERS.map((layer) => (layer.folder === 'src/kernel/host' ? { ...layer, mayImport: [] } : layer));
    const reported = (await check(layerConfig(strict))).summary.violations.map(describeViolation);
    expect(reported).toContain('layer:src/kernel/host: src/kernel/host/abi.ts -> src/kernel/contract/host-codes.ts');
  });

  it('list only cycles that still exist, each with its reason', () => {
    for (const cycle of KNOWN_CYCLES) {
      expect(cycle.why.length).toBeGreaterThan(0);
      const [first, second] = cycle.modules;
      const importsOf = (source: string | undefined) => result.modules.find((module) => module.source === source)?.dependencies.map((dependency) => dependency.resolved) ?? [];
      expect(importsOf(first), `${first} no longer imports ${second}: drop the cycle from KNOWN_CYCLES`).toContain(second);
      expect(importsOf(second), `${second} no longer imports ${first}: drop the cycle from KNOWN_CYCLES`).toContain(first);
    }
  });
});

describe('docs/architecture.md', () => {
  it('has the layer table of layers.json: each folder, bottom to top, with what it may import', () => {
    const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `([^`]+)` \|[^|]*\| ([^|]*) \|$/gm)].map(([, folder, imports]) => ({
      folder,
      mayImport: [...imports.matchAll(/`([^`]+)`/g)].map(([, target]) => target),
    }));
    expect(rows).toEqual(LAYERS.map(({ folder, mayImport }) => ({ folder, mayImport })));
  });

  it('names only files and folders that exist', () => {
    const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
    const named = [...doc.matchAll(/`((?:src|playground|test|bench|sdk|plugins)\/[\w./-]+)`/g)].map(([, path]) => path);
    const missing = named.filter((path) => !existsSync(join(ROOT, path)));
    expect(missing, 'paths in docs/architecture.md that do not exist').toEqual([]);
  });
});
