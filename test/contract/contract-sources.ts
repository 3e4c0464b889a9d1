/**
 * Readers for the places the plugin contract is written down: the tables of `docs/abi.md`, the
 * AssemblyScript SDK's `@external` declarations and the Rust SDK's `extern` blocks. Each turns
 * its text into the same shape (module, name, wasm signature) so the contract test can compare
 * them with the kernel's import table and with each other.
 */
import type { FunctionSignature, ValueType } from '../../src/kernel/contract/signature.js';

/** One function of the contract: an import (module, name) or an export (module ''). */
export interface ContractFunction {
  readonly module: string;
  readonly name: string;
  readonly signature: FunctionSignature;
  /** Where it was read, for messages: `docs/abi.md:212`, `sdk/host.ts:17`. */
  readonly where: string;
}

/** `(i32, i64) -> i32`, `() -> ()`, `(i32) -> (i32, i64)` as the document writes them. */
export function parseSignature(text: string): FunctionSignature | null {
  const match = /^\(([^)]*)\)\s*->\s*(\(\s*[^)]*\)|[a-z0-9]+)$/.exec(text.trim());
  if (!match) return null;
  const list = (s: string): ValueType[] =>
    s
      .replace(/^\(|\)$/g, '')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '') as ValueType[];
  return { params: list(match[1]), results: list(match[2]) };
}

export function formatSignature(sig: FunctionSignature): string {
  const results = sig.results.length === 1 ? sig.results[0] : `(${sig.results.join(', ')})`;
  return `(${sig.params.join(', ')}) -> ${results}`;
}

/** The lines of one `## n.` section of the document (heading excluded), with line numbers. */
export function section(doc: string, number: number): Array<{ line: number; text: string }> {
  const lines = doc.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`## ${number}.`));
  if (start < 0) return [];
  const out: Array<{ line: number; text: string }> = [];
  for (let i = start + 1; i < lines.length && !lines[i].startsWith('## '); i++) out.push({ line: i + 1, text: lines[i] });
  return out;
}

/** The cells of a Markdown table row, or null for a line that is not a row or is a rule. */
export function tableCells(line: string): string[] | null {
  const text = line.trim();
  if (!text.startsWith('|') || /^\|[\s:|-]+\|$/.test(text)) return null;
  return text.slice(1, text.endsWith('|') ? -1 : undefined).split('|').map((c) => c.trim());
}

const CODE = /^`([^`]+)`$/;

/**
 * §4's tables: under each `### ` heading naming an import module in backticks
 * (`trovato:kernel/db`, `env`, `wasi_snapshot_preview1`), each row whose first cell is a
 * function name in backticks and second a signature in backticks.
 */
export function documentedImports(doc: string): ContractFunction[] {
  const found: ContractFunction[] = [];
  let module: string | null = null;
  for (const { line, text } of section(doc, 4)) {
    if (text.startsWith('### ')) {
      module = /`(trovato:kernel\/[a-z-]+|env|wasi_snapshot_preview1)`/.exec(text)?.[1] ?? null;
      continue;
    }
    const cells = tableCells(text);
    if (!module || !cells || cells.length < 2) continue;
    const name = CODE.exec(cells[0])?.[1];
    const sigText = CODE.exec(cells[1])?.[1];
    if (!name || !sigText) continue;
    const signature = parseSignature(sigText);
    if (!signature) throw new Error(`docs/abi.md:${line}: the signature ${cells[1]} of ${name} does not parse; write it as \`(i32, i32) -> i32\`.`);
    found.push({ module, name, signature, where: `docs/abi.md:${line}` });
  }
  return found;
}

/** §2's table: rows whose first cell is an export name in backticks and second a signature. */
export function documentedExports(doc: string): ContractFunction[] {
  const found: ContractFunction[] = [];
  for (const { line, text } of section(doc, 2)) {
    const cells = tableCells(text);
    if (!cells || cells.length < 2) continue;
    const sigText = CODE.exec(cells[1])?.[1];
    const signature = sigText ? parseSignature(sigText) : null;
    if (!signature) continue;
    // "each tap in `[taps] implements`" and "each route callback" describe many exports.
    const name = CODE.exec(cells[0])?.[1] ?? cells[0];
    found.push({ module: '', name, signature, where: `docs/abi.md:${line}` });
  }
  return found;
}

/** §5's tap names: the first cell of table rows that is a `tap_…` name in backticks. */
export function documentedTaps(doc: string): string[] {
  const taps: string[] = [];
  for (const { text } of section(doc, 5)) {
    const first = tableCells(text)?.[0];
    const name = first ? /^`(tap_[a-z_]+)`$/.exec(first)?.[1] : undefined;
    if (name && !taps.includes(name)) taps.push(name);
  }
  return taps;
}

/**
 * The wasm type of a scalar source type, the same in AssemblyScript and Rust's wasm32 FFI
 * (`bool` and the narrow integers are i32; `usize`/`isize` are 32-bit on wasm32).
 */
const SCALAR_WASM_TYPES: Readonly<Record<string, ValueType>> = {
  i32: 'i32', u32: 'i32', usize: 'i32', isize: 'i32', bool: 'i32', i8: 'i32', u8: 'i32', i16: 'i32', u16: 'i32',
  i64: 'i64', u64: 'i64',
  f32: 'f32',
  f64: 'f64',
};

/** The wasm type of a scalar parameter or result type (AssemblyScript's, or Rust's without pointers). */
function scalarWasmType(type: string): ValueType | null {
  return Object.hasOwn(SCALAR_WASM_TYPES, type.trim()) ? SCALAR_WASM_TYPES[type.trim()] : null;
}

/** Every `@external("module", "name") declare function f(a: i32, …): i32;` in one file. */
export function assemblyScriptImports(source: string, file: string): ContractFunction[] {
  const found: ContractFunction[] = [];
  const pattern = /@external\(\s*"([^"]+)"\s*,\s*"([^"]+)"\s*\)\s*(?:export\s+)?declare\s+function\s+\w+\s*\(([^)]*)\)\s*:\s*(\w+)/g;
  for (const match of source.matchAll(pattern)) {
    const line = source.slice(0, match.index).split('\n').length;
    const params = match[3]
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '')
      .map((p) => typed(p.split(':')[1] ?? '', scalarWasmType, `${file}:${line}`));
    const results = match[4] === 'void' ? [] : [typed(match[4], scalarWasmType, `${file}:${line}`)];
    found.push({ module: match[1], name: match[2], signature: { params, results }, where: `${file}:${line}` });
  }
  return found;
}

/** Rust's wasm32 type for an FFI parameter or result type: a raw pointer is an i32. */
function rustType(type: string): ValueType | null {
  return /^\*(const|mut)\s/.test(type.trim()) ? 'i32' : scalarWasmType(type);
}

/**
 * Every function in `#[link(wasm_import_module = "…")] extern "C" { … }` blocks of one Rust
 * file, named by its `#[link_name = "…"]` when it has one.
 */
export function rustImports(source: string, file: string): ContractFunction[] {
  const found: ContractFunction[] = [];
  const block = /#\[link\(\s*wasm_import_module\s*=\s*"([^"]+)"\s*\)\]\s*(?:unsafe\s+)?extern\s+"C"\s*\{([\s\S]*?)\n\}/g;
  for (const match of source.matchAll(block)) {
    const module = match[1];
    const bodyStart = (match.index ?? 0) + match[0].indexOf('{') + 1;
    const fn = /(?:#\[link_name\s*=\s*"([^"]+)"\]\s*)?(?:pub(?:\([^)]*\))?\s+)?(?:safe\s+|unsafe\s+)?fn\s+(\w+)\s*\(([^)]*)\)\s*(?:->\s*([^;{]+))?;/g;
    for (const f of match[2].matchAll(fn)) {
      const line = source.slice(0, bodyStart + (f.index ?? 0)).split('\n').length + (f[0].startsWith('\n') ? 1 : 0);
      const where = `${file}:${line}`;
      const params = f[3]
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== '')
        .map((p) => typed(p.slice(p.indexOf(':') + 1), rustType, where));
      const results = f[4] === undefined || f[4].trim() === '()' ? [] : [typed(f[4], rustType, where)];
      found.push({ module, name: f[1] ?? f[2], signature: { params, results }, where });
    }
  }
  return found;
}

function typed(type: string, map: (t: string) => ValueType | null, where: string): ValueType {
  const value = map(type);
  if (value === null) throw new Error(`${where}: the type "${type.trim()}" has no wasm value type the contract test knows; use i32, i64, f32 or f64.`);
  return value;
}

/** `module.name` for messages and set keys. */
export function keyOf(f: Pick<ContractFunction, 'module' | 'name'>): string {
  return `${f.module}.${f.name}`;
}
