/**
 * The check of ABI §2 before a plugin is enabled: the module exports its memory, `alloc`, the
 * optional `dealloc`/`_initialize` and every declared tap with the right signatures, imports
 * nothing the kernel lacks, and asks for no more memory than the limit. Every problem is
 * reported at once, so an author fixes them in one pass rather than one per reload.
 */
import type { KernelErrorCode } from '../common/errors.js';
import type { ProvidedImport } from '../contract/imports.js';
import type { FunctionSignature } from '../contract/signature.js';
import { nearest } from '../common/suggest.js';
import { readModuleShape, type MemoryLimits, type ModuleExport, type ModuleShape } from './wasm-sections.js';

/** The signature of every tap and route callback: `(ptr, len) -> (out_ptr << 32) | out_len`. */
export const TAP_SIGNATURE: FunctionSignature = { params: ['i32', 'i32'], results: ['i64'] };

const ALLOC_SIGNATURE: FunctionSignature = { params: ['i32'], results: ['i32'] };
const DEALLOC_SIGNATURE: FunctionSignature = { params: ['i32', 'i32'], results: [] };
const INITIALIZE_SIGNATURE: FunctionSignature = { params: [], results: [] };

/** The fixed function exports of ABI §2 and their signatures (docs/abi.md §2 is checked against it). */
export const PLUGIN_EXPORT_SIGNATURES: Readonly<Record<'alloc' | 'dealloc' | '_initialize', FunctionSignature>> = {
  alloc: ALLOC_SIGNATURE,
  dealloc: DEALLOC_SIGNATURE,
  _initialize: INITIALIZE_SIGNATURE,
};

const PAGE_BYTES = 65536;
const MEMORY64_PROBLEM = 'memory is 64-bit (memory64), but plugins must be built for wasm32.';
const INVALID_HINT = 'is this file a .wasm built for wasm32?';

export interface ModuleCheckOptions {
  /** The plugin's machine name, for messages. */
  plugin: string;
  /** The module's file name, for messages (e.g. `blog.wasm`). */
  file: string;
  /** The taps the manifest declares. */
  taps: readonly string[];
  /** Route callbacks, when already known; they follow the tap signature rule. */
  callbacks?: readonly string[];
  /** Every import the kernel provides (`providedImports()` from `contract/imports.ts`). */
  provided: readonly ProvidedImport[];
  /** An initial size or a declared maximum above this many 64 KiB pages is refused. */
  maxMemoryPages: number;
}

export interface ModuleCheckProblem {
  code: Extract<KernelErrorCode, 'MODULE_INVALID' | 'MEMORY_LIMIT'>;
  /** A full sentence naming plugin and file. */
  message: string;
  /** The export concerned, if any. */
  export?: string;
  /** The import concerned, if any. Module names contain `/` and `.`, so the two stay apart. */
  import?: { module: string; name: string };
}

export interface ModuleCheckResult {
  ok: boolean;
  problems: ModuleCheckProblem[];
  /** Present whenever the binary could be read, even if a rule failed. */
  shape?: ModuleShape;
}

/**
 * Checks a plugin's wasm binary against ABI §2 and the kernel's imports and memory limit.
 * Never throws on malformed bytes: they are one `MODULE_INVALID` problem with the byte offset.
 *
 * @example
 * const check = checkModule(bytes, { plugin: 'blog', file: 'blog.wasm', taps: ['tap_menu'],
 *   provided: providedImports(), maxMemoryPages: 256 });
 * if (!check.ok) for (const p of check.problems) console.error(p.message);
 */
export function checkModule(bytes: Uint8Array, options: ModuleCheckOptions): ModuleCheckResult {
  const where = `${options.plugin} (${options.file})`;
  const valid = isValid(bytes);
  // The reader runs either way: it gives the byte offset that `validate` does not.
  const read = readModuleShape(bytes);
  if (!valid) {
    if (read.ok && read.shape.memories.some((m) => m.memory64)) {
      // Engines without memory64 refuse the limits flags with a cryptic message; say why instead.
      return { ok: false, problems: [{ code: 'MODULE_INVALID', message: `${where}: ${MEMORY64_PROBLEM}` }] };
    }
    const reason = read.ok ? engineReason(bytes) : `${read.message} at byte ${read.offset}`;
    const problem = `${where}: the file is not a valid WebAssembly module: ${reason} (${INVALID_HINT})`;
    return { ok: false, problems: [{ code: 'MODULE_INVALID', message: problem }] };
  }
  if (!read.ok) {
    // The engine accepts it, so it is not broken: it uses something the reader does not know.
    const problem = `${where}: the module uses a feature the kernel cannot check: ${read.message} at byte ${read.offset}.`;
    return { ok: false, problems: [{ code: 'MODULE_INVALID', message: problem }] };
  }

  const shape = read.shape;
  const problems: ModuleCheckProblem[] = [];
  const invalid = (message: string, extra: Partial<ModuleCheckProblem> = {}): void => {
    problems.push({ code: 'MODULE_INVALID', message: `${where}: ${message}`, ...extra });
  };

  checkImports(shape, options.provided, invalid);

  const memory = findExport(shape, 'memory');
  if (!memory) {
    invalid('does not export "memory"; a plugin must export its linear memory under that name (ABI §2).', { export: 'memory' });
  } else if (memory.kind !== 'memory') {
    invalid(`exports "memory" as ${article(memory.kind)}, but it must be the plugin's linear memory (ABI §2).`, { export: 'memory' });
  }
  checkMemories(shape.memories, options.maxMemoryPages, (code, message) => {
    problems.push({ code, message: `${where}: ${message}` });
  });

  /** `purpose` is said when the export is missing; an export without one is optional. */
  const wanted = (name: string, expected: FunctionSignature, purpose?: string): void => {
    const mismatch = exportMismatch(shape, name, expected);
    if (!mismatch) return;
    if (mismatch.kind !== 'missing') {
      invalid(`${describeMismatch(name, mismatch, 'it')} (ABI §2).`, { export: name });
    } else if (purpose) {
      invalid(`does not export "${name}" ${formatSignature(expected)}, ${purpose} (ABI §2).`, { export: name });
    }
  };
  wanted('alloc', ALLOC_SIGNATURE, 'which the kernel calls to pass input to taps');
  wanted('dealloc', DEALLOC_SIGNATURE);
  wanted('_initialize', INITIALIZE_SIGNATURE);

  const entryPoints = (names: readonly string[], label: string, plural: string): void => {
    for (const name of new Set(names)) {
      const mismatch = exportMismatch(shape, name, TAP_SIGNATURE);
      if (!mismatch) continue;
      if (mismatch.kind === 'missing') {
        const guess = nearest(name, functionExportNames(shape));
        const hint = guess ? ` (did you mean "${guess}"?)` : '';
        invalid(`${label} "${name}" is declared but not exported by ${options.file}${hint}.`, { export: name });
      } else {
        invalid(`${label} ${describeMismatch(name, mismatch, plural)}.`, { export: name });
      }
    }
  };
  entryPoints(options.taps, 'tap', 'taps');
  entryPoints(options.callbacks ?? [], 'route callback', 'route callbacks');

  return { ok: problems.length === 0, problems, shape };
}

/**
 * Whether `name` is exported as a function with exactly the `expected` signature. Returns
 * `null` when it is, else a sentence to put after the plugin and route, e.g.
 * `"view_post" is exported with signature (i32) -> i64, but it must be (i32, i32) -> i64.`
 */
export function checkExportSignature(shape: ModuleShape, name: string, expected: FunctionSignature): string | null {
  const mismatch = exportMismatch(shape, name, expected);
  if (!mismatch) return null;
  if (mismatch.kind === 'missing') {
    const guess = nearest(name, functionExportNames(shape));
    return `"${name}" is not exported by the module${guess ? ` (did you mean "${guess}"?)` : ''}.`;
  }
  return `${describeMismatch(name, mismatch, 'it')}.`;
}

/** A signature as messages show it: `(i32, i32) -> i64`, `() -> ()`, `(i32) -> (i32, i64)`. */
export function formatSignature(sig: FunctionSignature): string {
  const results = sig.results.length === 1 ? sig.results[0] : `(${sig.results.join(', ')})`;
  return `(${sig.params.join(', ')}) -> ${results}`;
}

type Mismatch =
  | { kind: 'missing' }
  | { kind: 'not-function'; actual: ModuleExport['kind'] }
  | { kind: 'signature'; actual: FunctionSignature; expected: FunctionSignature };

function exportMismatch(shape: ModuleShape, name: string, expected: FunctionSignature): Mismatch | null {
  const found = findExport(shape, name);
  if (!found) return { kind: 'missing' };
  if (found.kind !== 'function' || !found.signature) return { kind: 'not-function', actual: found.kind };
  if (!sameSignature(found.signature, expected)) return { kind: 'signature', actual: found.signature, expected };
  return null;
}

/** `subject` completes "but ___ must be": `it`, `taps`, `route callbacks`. */
function describeMismatch(name: string, mismatch: Exclude<Mismatch, { kind: 'missing' }>, subject: string): string {
  if (mismatch.kind === 'not-function') {
    return `"${name}" is exported as ${article(mismatch.actual)}, but ${subject} must be a function`;
  }
  return (
    `"${name}" is exported with signature ${formatSignature(mismatch.actual)}, ` +
    `but ${subject} must be ${formatSignature(mismatch.expected)}`
  );
}

function checkImports(
  shape: ModuleShape,
  provided: readonly ProvidedImport[],
  invalid: (message: string, extra: Partial<ModuleCheckProblem>) => void,
): void {
  const byModule = new Map<string, Map<string, FunctionSignature>>();
  for (const p of provided) {
    let fields = byModule.get(p.module);
    if (!fields) byModule.set(p.module, (fields = new Map()));
    fields.set(p.name, p.signature);
  }
  const moduleNames = [...byModule.keys()].sort();

  for (const imp of shape.imports) {
    const what = `"${imp.module}"."${imp.name}"`;
    const extra = { import: { module: imp.module, name: imp.name } };
    if (imp.kind !== 'function') {
      const advice =
        imp.kind === 'memory'
          ? 'a plugin defines and exports its own memory (build without --importMemory)'
          : `define the ${imp.kind} inside the module instead`;
      invalid(`imports ${article(imp.kind)} ${what}, but the kernel provides only functions: ${advice}.`, extra);
      continue;
    }
    const fields = byModule.get(imp.module);
    if (!fields) {
      const guess = nearest(imp.module, moduleNames);
      const hint = guess ? ` Did you mean "${guess}"?` : '';
      invalid(
        `imports ${what}, but the kernel provides no module "${imp.module}".${hint} ` +
          `Known modules: ${moduleNames.join(', ')}.`,
        extra,
      );
      continue;
    }
    const expected = fields.get(imp.name);
    if (!expected) {
      const names = [...fields.keys()];
      const guess = nearest(imp.name, names);
      const hint = guess ? ` (did you mean "${guess}"?)` : '';
      invalid(
        `imports ${what}, which the kernel does not provide${hint}. ` +
          `"${imp.module}" provides: ${names.join(', ')}.`,
        extra,
      );
      continue;
    }
    if (imp.signature && !sameSignature(imp.signature, expected)) {
      invalid(
        `imports ${what} with signature ${formatSignature(imp.signature)}, ` +
          `but the kernel provides it as ${formatSignature(expected)}.`,
        extra,
      );
    }
  }
}

function checkMemories(
  memories: readonly MemoryLimits[],
  maxPages: number,
  report: (code: ModuleCheckProblem['code'], message: string) => void,
): void {
  memories.forEach((memory, index) => {
    const name = memories.length > 1 ? `memory ${index}` : 'memory';
    if (memory.memory64) {
      report('MODULE_INVALID', MEMORY64_PROBLEM.replace('memory', name));
      return; // its page counts are meaningless here
    }
    if (memory.shared) {
      report('MODULE_INVALID', `${name} is shared (threads); the kernel has no SharedArrayBuffer to give it. Build without shared memory.`);
    }
    const limit = `the limit of ${pages(maxPages)}`;
    if (memory.initialPages > maxPages) {
      report(
        'MEMORY_LIMIT',
        `${name} starts at ${pages(memory.initialPages)}, above ${limit}. ` +
          'Lower the initial memory (AssemblyScript: --initialMemory) or raise the limit.',
      );
    }
    if (memory.maximumPages !== undefined && memory.maximumPages > maxPages) {
      report(
        'MEMORY_LIMIT',
        `${name} declares a maximum of ${pages(memory.maximumPages)}, above ${limit}. ` +
          'Lower the maximum (AssemblyScript: --maximumMemory) or declare none: growth is limited at run time.',
      );
    }
  });
}

function pages(count: number): string {
  const mib = (count * PAGE_BYTES) / (1024 * 1024);
  return `${count} page${count === 1 ? '' : 's'} (${Number(mib.toFixed(2))} MiB)`;
}

function isValid(bytes: Uint8Array): boolean {
  try {
    return WebAssembly.validate(bytes as BufferSource);
  } catch {
    return false;
  }
}

/**
 * The engine's own reason for refusing a module the reader could parse (an invalid function
 * body, say). `validate` gives only a boolean; the synchronous compile gives the message, and on
 * an invalid module it stops at the first error.
 */
function engineReason(bytes: Uint8Array): string {
  try {
    new WebAssembly.Module(bytes as BufferSource);
  } catch (error) {
    if (error instanceof Error) return error.message;
  }
  return 'the engine refuses it';
}

// Exports by name, built once per module: routes and taps look up thousands of names.
const exportIndex = new WeakMap<ModuleShape, Map<string, ModuleExport>>();

function findExport(shape: ModuleShape, name: string): ModuleExport | undefined {
  let index = exportIndex.get(shape);
  if (!index) {
    index = new Map();
    // Export names are unique in a valid module; the first wins should a reader see a repeat.
    for (const entry of shape.exports) if (!index.has(entry.name)) index.set(entry.name, entry);
    exportIndex.set(shape, index);
  }
  return index.get(name);
}

function functionExportNames(shape: ModuleShape): string[] {
  return shape.exports.filter((e) => e.kind === 'function').map((e) => e.name);
}

function sameSignature(a: FunctionSignature, b: FunctionSignature): boolean {
  const same = (x: readonly string[], y: readonly string[]): boolean =>
    x.length === y.length && x.every((t, i) => t === y[i]);
  return same(a.params, b.params) && same(a.results, b.results);
}

function article(kind: string): string {
  return kind === 'function' ? 'a function' : kind === 'memory' ? 'a memory' : kind === 'tag' ? 'an exception tag' : `a ${kind}`;
}
