/**
 * The contract cannot drift: `docs/abi.md` is read and compared with what the kernel provides
 * and checks, and with what each SDK links against. A function added to the kernel, an SDK or
 * the document alone fails here, naming the function and where each side declares it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { providedImports } from '../../src/kernel/contract/imports.js';
import { PLUGIN_EXPORT_SIGNATURES, TAP_SIGNATURE } from '../../src/kernel/plugin/module-check.js';
import { KERNEL_ABI_VERSION, KNOWN_TAPS } from '../../src/kernel/contract/taps.js';
import { HostCode } from '../../src/kernel/contract/host-codes.js';
import { RENDER_TYPES } from '../../src/render/render-element.js';
import { ALLOWED_TAGS } from '../../src/render/tags.js';
import {
  assemblyScriptImports,
  documentedExports,
  documentedImports,
  documentedTaps,
  formatSignature,
  keyOf,
  rustImports,
  section,
  tableCells,
  type ContractFunction,
} from './contract-sources.js';

const ROOT = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(ROOT, 'docs/abi.md'), 'utf8');
const documented = documentedImports(doc);
const documentedByKey = new Map(documented.map((f) => [keyOf(f), f]));

function filesUnder(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (entry === 'target' || entry === 'node_modules') continue;
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, ext));
    else if (entry.endsWith(ext)) out.push(path);
  }
  return out;
}

/** Each SDK import that the document lacks or types differently, as one line per problem. */
function disagreements(imports: ContractFunction[]): string[] {
  const problems: string[] = [];
  for (const f of imports) {
    const doc = documentedByKey.get(keyOf(f));
    if (!doc) problems.push(`${f.where}: ${keyOf(f)} is imported but docs/abi.md §4 does not list it.`);
    else if (formatSignature(doc.signature) !== formatSignature(f.signature)) {
      problems.push(`${f.where}: ${keyOf(f)} is ${formatSignature(f.signature)}, but ${doc.where} says ${formatSignature(doc.signature)}.`);
    }
  }
  return problems;
}

/** The `trovato:kernel/*` functions of the document that `imports` does not declare. */
function missingKernelFunctions(imports: ContractFunction[]): string[] {
  const declared = new Set(imports.map(keyOf));
  return documented.filter((f) => f.module.startsWith('trovato:kernel/') && !declared.has(keyOf(f))).map(keyOf);
}

describe('docs/abi.md against the kernel', () => {
  it('states the ABI version the kernel implements', () => {
    expect(doc).toMatch(new RegExp(`^# .*\\(ABI version ${KERNEL_ABI_VERSION}\\)`, 'm'));
    expect(doc).toContain(`**ABI version: ${KERNEL_ABI_VERSION}.**`);
  });

  it('§4 lists exactly the imports the kernel provides, with the same signatures', () => {
    const provided = providedImports().map((p) => ({ key: `${p.module}.${p.name}`, signature: formatSignature(p.signature) }));
    const fromDoc = documented.map((f) => ({ key: keyOf(f), signature: formatSignature(f.signature) }));
    const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
    expect(fromDoc.length).toBeGreaterThan(40);
    expect(fromDoc.sort(byKey)).toEqual(provided.sort(byKey));
  });

  it('§4 lists each function once', () => {
    const keys = documented.map(keyOf);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('§2 gives the export signatures the module checker enforces', () => {
    const exports = documentedExports(doc);
    const signatureOf = (name: string) => {
      const found = exports.find((e) => e.name === name);
      return found ? formatSignature(found.signature) : `${name} missing from §2`;
    };
    for (const [name, signature] of Object.entries(PLUGIN_EXPORT_SIGNATURES)) {
      expect(signatureOf(name), name).toBe(formatSignature(signature));
    }
    const entryPoints = exports.filter((e) => /tap|callback/.test(e.name) && !(e.name in PLUGIN_EXPORT_SIGNATURES));
    expect(entryPoints.map((e) => e.name)).toEqual(['each tap in `[taps] implements`', 'each route callback']);
    for (const e of entryPoints) expect(formatSignature(e.signature), e.where).toBe(formatSignature(TAP_SIGNATURE));
  });

  it('§5 lists exactly the known taps', () => {
    expect([...documentedTaps(doc)].sort()).toEqual([...KNOWN_TAPS].sort());
  });
});

describe('docs/abi.md §6 and §8 against the renderer and the host codes', () => {
  const firstCells = (n: number) =>
    section(doc, n)
      .map(({ text }) => tableCells(text)?.[0])
      .filter((cell): cell is string => cell !== undefined && /^`[^`]+`$/.test(cell))
      .map((cell) => cell.slice(1, -1));

  it('§6 describes exactly the #types the renderer knows', () => {
    const types = firstCells(6).filter((name) => !name.startsWith('#'));
    expect([...types].sort()).toEqual([...RENDER_TYPES].sort());
  });

  it('§6 lists the #tag allow-list of the renderer', () => {
    const line = section(doc, 6).find(({ text }) => text.includes('`#tag` allow-list'));
    const paragraph = section(doc, 6)
      .filter(({ line: n }) => line !== undefined && n >= line.line && n < line.line + 3)
      .map(({ text }) => text)
      .join(' ');
    const listed = /allow-list: `([^`]+)`/.exec(paragraph.replace(/\s+/g, ' '))?.[1].split(' ');
    expect(listed).toEqual([...ALLOWED_TAGS]);
  });

  it('§8.1 lists every host error code with its number', () => {
    const codes = firstCells(8).filter((cell) => /^-\d+$/.test(cell)).map(Number);
    expect(codes.sort()).toEqual(Object.values(HostCode).sort());
  });
});

describe('the AssemblyScript SDK (sdk/) against docs/abi.md', () => {
  const imports = filesUnder(join(ROOT, 'sdk'), '.ts').flatMap((file) =>
    assemblyScriptImports(readFileSync(file, 'utf8'), relative(ROOT, file)),
  );

  it('declares every trovato:kernel function, each with the documented signature', () => {
    expect(imports.length).toBeGreaterThan(20);
    expect(disagreements(imports)).toEqual([]);
    expect(missingKernelFunctions(imports)).toEqual([]);
  });
});

const RUST_SDK = join(ROOT, 'sdk-rust');

describe('the Rust SDK (sdk-rust/) against docs/abi.md', () => {
  it(
    'declares every trovato:kernel function, each with the documented signature',
    () => {
      const imports = filesUnder(RUST_SDK, '.rs').flatMap((file) => rustImports(readFileSync(file, 'utf8'), relative(ROOT, file)));
      expect(imports.length).toBeGreaterThan(20);
      expect(disagreements(imports)).toEqual([]);
      expect(missingKernelFunctions(imports)).toEqual([]);
    },
  );
});

describe('the readers the contract test relies on', () => {
  it('read a Rust extern block with link names, pointers and a function without a result', () => {
    const source = [
      '#[link(wasm_import_module = "trovato:kernel/errors")]',
      'extern "C" {',
      '    #[link_name = "last-error"] pub fn last_error(out_ptr: *mut u8, out_max: usize) -> i32;',
      '    pub fn plain(a: i64, b: f64);',
      '}',
    ].join('\n');
    expect(rustImports(source, 'ffi.rs')).toEqual([
      { module: 'trovato:kernel/errors', name: 'last-error', signature: { params: ['i32', 'i32'], results: ['i32'] }, where: 'ffi.rs:3' },
      { module: 'trovato:kernel/errors', name: 'plain', signature: { params: ['i64', 'f64'], results: [] }, where: 'ffi.rs:4' },
    ]);
  });

  it('read an AssemblyScript declaration across lines', () => {
    const source = '@external("trovato:kernel/db", "delete")\ndeclare function rawDbDelete(p0: i32, l0: i32, p1: usize, l1: i32): i32;';
    expect(assemblyScriptImports(source, 'host.ts')).toEqual([
      { module: 'trovato:kernel/db', name: 'delete', signature: { params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'] }, where: 'host.ts:1' },
    ]);
  });

  it('find a signature the document changed', () => {
    const changed = doc.replace('| `get-item` | `(i32, i32, i32, i32) -> i32`', '| `get-item` | `(i32, i32, i32) -> i32`');
    const entry = documentedImports(changed).find((f) => f.name === 'get-item');
    expect(entry && formatSignature(entry.signature)).toBe('(i32, i32, i32) -> i32');
  });
});
