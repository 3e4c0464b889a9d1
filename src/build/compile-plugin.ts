/**
 * AssemblyScript -> wasm for plugins, over an in-memory file map, so the same function runs in
 * Node (the CLI, tests) and in a browser worker (the playground). Nothing here touches a file
 * system: the caller supplies every source, including the SDK's.
 */
import { nextTask } from './next-task.js';

/** One compiler message, with a position when it has one (line and column are 1-based; 0 = unknown). */
export interface Diagnostic {
  severity: 'error' | 'warning' | 'info';
  message: string;
  file: string;
  line: number;
  column: number;
  /** The AssemblyScript diagnostic code (TS-style), when there is one. */
  code?: number;
}

export interface CompileOptions {
  /** Source path -> text, with '/' separators relative to a common root (e.g. `plugins/hello/index.ts`, `sdk/json.ts`). */
  files: Record<string, string>;
  /** The entry file's path in `files`; its exports become the module's exports. */
  entry: string;
  /** Optimize for speed and size (`-O3s`-like). Default true. */
  optimize?: boolean;
  /**
   * Cancels the compile at the next source file it reads (the compiler cannot be interrupted
   * elsewhere): it then ends with a 'cancelled' error. With a signal, every read first lets the
   * thread's other tasks run, so that a message that aborts it can arrive. The playground's
   * warm-up compiles use it, so the user's compile need not wait for one (compile-scheduler.ts).
   */
  signal?: AbortSignal;
}

/** The message of a compile cancelled through `CompileOptions.signal`. */
export const CANCELLED_MESSAGE = 'The compile was cancelled.';


export type CompileResult =
  | { ok: true; wasm: Uint8Array; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/**
 * The compiler flags every plugin is built with. `--runtime stub` is a bump allocator with no
 * garbage collector: instantiation does no allocator set-up, and a plugin instance is reset
 * after every call, so there is nothing worth collecting (see docs/writing-plugins.md).
 * Four initial pages (256 KiB, zero until touched) let a typical call's allocations fit without
 * `memory.grow`: the kernel's instance pool must drop an instance whose memory grew.
 */
export const PLUGIN_COMPILER_FLAGS: readonly string[] = ['--runtime', 'stub', '--initialMemory', '4'];

const OUTPUT_FILE = 'plugin.wasm';

// AssemblyScript's DiagnosticCategory: 0 pedantic, 1 info, 2 warning, 3 error.
const SEVERITY: Record<number, Diagnostic['severity']> = { 0: 'info', 1: 'info', 2: 'warning', 3: 'error' };

/** Minimal shape of what asc passes to `reportDiagnostic` (its published type is narrower than the object). */
interface AscDiagnostic {
  code: number;
  category: number;
  message: string;
  range: { start: number; source: { normalizedPath: string } } | null;
}

/**
 * Compiles one plugin.
 *
 * @example
 * const result = await compilePlugin({ files: { 'plugins/hello/index.ts': src, ...sdkFiles }, entry: 'plugins/hello/index.ts' });
 * if (!result.ok) console.error(result.diagnostics.map(formatDiagnostic).join('\n'));
 */
export async function compilePlugin(options: CompileOptions): Promise<CompileResult> {
  const files = new Map<string, string>();
  for (const [path, text] of Object.entries(options.files)) files.set(normalize(path), text);
  const entry = normalize(options.entry);
  if (!files.has(entry)) {
    return {
      ok: false,
      diagnostics: [
        { severity: 'error', message: `The entry file ${entry} is not among the sources given to the compiler.`, file: entry, line: 0, column: 0 },
      ],
    };
  }

  // Loaded lazily: the compiler is large, and importing this module should not pull it in.
  const { default: asc } = await import('assemblyscript/asc');
  const diagnostics: Diagnostic[] = [];
  let wasm: Uint8Array | null = null;
  let stderrText = '';
  const optimize = options.optimize ?? true;
  const argv = [entry, '--outFile', OUTPUT_FILE, ...PLUGIN_COMPILER_FLAGS];
  if (optimize) argv.push('--optimizeLevel', '3', '--shrinkLevel', '1');

  const read = (name: string, baseDir: string): string | null => files.get(normalize(join(baseDir, name))) ?? null;
  const { signal } = options;
  const result = await asc.main(argv, {
    // A missing file makes asc stop after parsing, with a diagnostic that is replaced below.
    readFile: signal ? async (name: string, baseDir: string) => (await nextTask(), signal.aborted ? null : read(name, baseDir)) : read,
    writeFile: (name: string, contents: Uint8Array | string) => {
      if (normalize(name) === OUTPUT_FILE && typeof contents !== 'string') wasm = contents;
    },
    listFiles: () => [],
    stdout: { write: () => undefined },
    stderr: {
      write: (chunk: Uint8Array | string) => {
        stderrText += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
      },
    },
    reportDiagnostic: (raw) => diagnostics.push(toDiagnostic(raw as unknown as AscDiagnostic, files)),
  });

  if (signal?.aborted) return { ok: false, diagnostics: [{ severity: 'error', message: CANCELLED_MESSAGE, file: entry, line: 0, column: 0 }] };
  reduceToSyntaxErrors(diagnostics);
  const hasError = diagnostics.some((d) => d.severity === 'error');
  if (result.error && !hasError) {
    // A failure without a diagnostic (a crash inside the compiler): keep what it printed.
    diagnostics.push({
      severity: 'error',
      message: `${result.error.message}${stderrText ? `\n${stripAnsi(stderrText).trim()}` : ''}`,
      file: entry,
      line: 0,
      column: 0,
    });
  }
  if (result.error || hasError || wasm === null) {
    if (!diagnostics.some((d) => d.severity === 'error')) {
      diagnostics.push({ severity: 'error', message: 'The compiler produced no wasm output.', file: entry, line: 0, column: 0 });
    }
    return { ok: false, diagnostics };
  }
  return { ok: true, wasm, diagnostics };
}

/**
 * Loads the compiler and compiles a one-line module, so the next real compile in this process
 * (`trovato dev`'s first rebuild) finds the compiler loaded and its code already optimised by
 * the JavaScript engine.
 */
export async function warmCompiler(): Promise<void> {
  const entry = 'warm.ts';
  await compilePlugin({ files: { [entry]: 'export function warm(a: i32): i32 { return a + 1; }' }, entry });
}

/** `file:line:column: severity: message`, the form editors and terminals link to. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? (d.column > 0 ? `${d.file}:${d.line}:${d.column}` : `${d.file}:${d.line}`) : d.file;
  return `${where}: ${d.severity}: ${d.message}`;
}

// TypeScript's numbering, which AssemblyScript keeps: 1000-1999 are syntax errors.
const isSyntaxError = (d: Diagnostic): boolean => d.severity === 'error' && d.code !== undefined && d.code >= 1000 && d.code < 2000;

/**
 * After a syntax error the compiler goes on and reports what follows from it: the parser
 * recovers badly, so a missing ")" or type also yields "a 'return' statement can only be used
 * within a function body", "function implementation is missing", or the same place twice. One
 * mistake should give one message: when there is a syntax error, only the first one is kept
 * (fixing it and compiling again, which takes a second, shows any other).
 */
function reduceToSyntaxErrors(diagnostics: Diagnostic[]): void {
  const first = diagnostics.find(isSyntaxError);
  if (first === undefined) return;
  diagnostics.splice(0, diagnostics.length, first);
}

function toDiagnostic(raw: AscDiagnostic, files: Map<string, string>): Diagnostic {
  const severity = SEVERITY[raw.category] ?? 'error';
  const base = { severity, message: raw.message, code: raw.code };
  if (!raw.range) return { ...base, file: '', line: 0, column: 0 };
  const file = raw.range.source.normalizedPath;
  const text = files.get(normalize(file));
  if (text === undefined) return { ...base, file, line: 0, column: 0 };
  const { line, column } = position(text, raw.range.start);
  return { ...base, file, line, column };
}

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

function join(baseDir: string, name: string): string {
  if (!baseDir || baseDir === '.' || name.startsWith('/')) return name;
  return `${baseDir}/${name}`;
}

/** Forward slashes, no leading `./` or `/`, `a/../b` folded: the form asc and callers agree on. */
function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
