/**
 * The plugin manifest, `<name>.info.toml` (ABI §1): parsed with smol-toml and validated in
 * full, so an author sees every mistake in one go rather than one per reload.
 */
import { parse, TomlDate, TomlError } from 'smol-toml';
import { nearest } from '../common/suggest.js';
import { DEFAULT_CALL_FUEL, MAX_CALL_FUEL } from './fuel.js';
import { isKnownTap, KERNEL_ABI_VERSION, KNOWN_TAPS, type TapName } from '../contract/taps.js';
import { MACHINE_NAME } from '../common/machine-name.js';

/** A manifest that passed validation, with every default applied. */
export interface PluginManifest {
  name: string;
  description: string;
  version: string;
  abi: number;
  dependencies: string[];
  taps: { implements: TapName[]; weight: number };
  /**
   * An addition to ABI §1: `[memory] max_pages` lets a plugin ask for a smaller linear-memory
   * limit (in 64 KiB pages) than the site's. Absent when the manifest does not set it.
   */
  memory?: { maxPages?: number };
  /**
  /**
   * `[limits] fuel`: the plugin's instruction budget per call, instead of the kernel's default
   * (docs/abi.md §7.1), from 1 to MAX_CALL_FUEL. Absent when the manifest does not set it.
   */
  limits?: { fuel?: number };
  /**
   * `[access] bypass_item_access = true` lets the plugin's own host item reads skip item
   * access (tap_item_access and the unpublished rule), e.g. for an indexer (docs/abi.md §1.1).
   * The plugins page shows it; enabling the plugin is the administrator's consent.
   */
  access?: { bypassItemAccess: boolean };
}

/** One thing wrong with a manifest. `message` is a full sentence that already names plugin, file and key. */
export interface ManifestProblem {
  severity: 'error' | 'warning';
  /** The plugin's name, or the file name when the manifest does not give a usable name. */
  plugin: string;
  file: string;
  /** The key path, e.g. `taps.weight`; empty for a syntax error. */
  key: string;
  /** 1-based line in the manifest, when it could be located. */
  line?: number;
  /** 1-based column; set for syntax errors. */
  column?: number;
  message: string;
}

export type ManifestResult =
  | { ok: true; manifest: PluginManifest; warnings: ManifestProblem[] }
  | { ok: false; errors: ManifestProblem[]; warnings: ManifestProblem[] };

export interface ParseManifestOptions {
  /** The file name shown in messages, e.g. `blog.info.toml`. */
  file: string;
  /** The plugin's folder and file name; the manifest's `name` must equal it. */
  expectedName?: string;
}

/** The largest memory a wasm32 module can have: 65536 pages of 64 KiB (4 GiB). */
export const MAX_MEMORY_PAGES = 65536;

// The regular expression semver.org recommends, so pre-release and build metadata are allowed.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/**
 * Problems of one severity reported per manifest; past it, one more problem says how many were
 * left out. A manifest with 10,000 unknown keys gets a readable report, built in linear time.
 */
export const MAX_REPORTED_PROBLEMS = 50;

const TOP_KEYS = ['name', 'description', 'version', 'abi', 'dependencies', 'taps', 'memory', 'limits', 'access'];
const TAPS_KEYS = ['implements', 'weight'];
const MEMORY_KEYS = ['max_pages'];
const LIMITS_KEYS = ['fuel'];
const ACCESS_KEYS = ['bypass_item_access'];

/**
 * Parses and validates a manifest. Never throws: TOML syntax errors and rule violations all
 * come back as problems, every one of them, not just the first.
 *
 * @param text the manifest's TOML source
 * @param options the file name for messages and the name the plugin's folder implies
 * @example
 * const result = parseManifest(text, { file: 'blog.info.toml', expectedName: 'blog' });
 * if (!result.ok) for (const p of result.errors) console.error(formatProblem(p));
 */
export function parseManifest(text: string, options: ParseManifestOptions): ManifestResult {
  const { file } = options;
  let data: Record<string, unknown>;
  try {
    // BigInt integers keep `weight = 1` apart from `weight = 1.0` and catch values past 2^53.
    data = parse(text, { integersAsBigInt: true }) as Record<string, unknown>;
  } catch (error) {
    const who = options.expectedName ?? file;
    const where = options.expectedName ? `${who} (${file})` : file;
    const isToml = error instanceof TomlError;
    const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0].replace(/^Invalid TOML document: /, '');
    const problem: ManifestProblem = {
      severity: 'error',
      plugin: who,
      file,
      key: '',
      message: isToml
        ? `${where}: the file is not valid TOML: ${detail} at line ${error.line}, column ${error.column}; fix the syntax there and reload.`
        : `${where}: the file is not valid TOML: ${detail}.`,
    };
    if (isToml) {
      problem.line = error.line;
      problem.column = error.column;
    }
    return { ok: false, errors: [problem], warnings: [] };
  }

  return new ManifestChecker(text, data, options).check();
}

/** `blog (blog.info.toml): …` as one line, prefixed with its severity. */
export function formatProblem(p: ManifestProblem): string {
  const at = p.line !== undefined ? ` [line ${p.line}${p.column !== undefined ? `:${p.column}` : ''}]` : '';
  return `${p.severity}${at}: ${p.message}`;
}

class ManifestChecker {
  readonly #text: string;
  readonly #data: Record<string, unknown>;
  readonly #file: string;
  readonly #expectedName: string | undefined;
  readonly #errors: ManifestProblem[] = [];
  readonly #warnings: ManifestProblem[] = [];
  /** Problems past MAX_REPORTED_PROBLEMS, counted but not built. */
  readonly #leftOut = { error: 0, warning: 0 };
  #keyLines: KeyLines | undefined;
  #plugin: string;
  #where: string;

  constructor(text: string, data: Record<string, unknown>, options: ParseManifestOptions) {
    this.#text = text;
    this.#data = data;
    this.#file = options.file;
    this.#expectedName = options.expectedName;
    // Messages name the plugin as soon as it is known; the folder name wins because that is
    // what the site's plugin list and the loader call it.
    const declared = typeof data.name === 'string' && MACHINE_NAME.test(data.name) ? data.name : undefined;
    this.#plugin = options.expectedName ?? declared ?? options.file;
    this.#where = (options.expectedName ?? declared) !== undefined ? `${this.#plugin} (${this.#file})` : this.#file;
  }

  check(): ManifestResult {
    this.#unknownKeys(this.#data, '', TOP_KEYS);
    const name = this.#name();
    const description = this.#requiredString('description', 'describe what the plugin does in one sentence');
    const version = this.#version();
    const abi = this.#abi();
    const dependencies = this.#dependencies(name);
    const taps = this.#taps();
    const memory = this.#memory();
    const limits = this.#limits();
    const access = this.#access();
    this.#reportLeftOut('error');
    this.#reportLeftOut('warning');

    if (this.#errors.length > 0 || name === undefined || description === undefined || version === undefined) {
      return { ok: false, errors: this.#errors, warnings: this.#warnings };
    }
    const manifest: PluginManifest = { name, description, version, abi, dependencies, taps };
    if (memory !== undefined) manifest.memory = memory;
    if (limits !== undefined) manifest.limits = limits;
    if (access !== undefined) manifest.access = access;
    return { ok: true, manifest, warnings: this.#warnings };
  }

  #name(): string | undefined {
    const value = this.#data.name;
    const suggested = this.#expectedName ?? 'my_plugin';
    if (value === undefined) {
      this.#error('name', `is required; add name = "${suggested}" at the top of the file.`);
      return undefined;
    }
    if (typeof value !== 'string') {
      this.#typeError('name', 'a string', value);
      return undefined;
    }
    if (!MACHINE_NAME.test(value)) {
      this.#error(
        'name',
        `${JSON.stringify(value)} is not a machine name; use 1 to 64 lowercase letters, digits and underscores, starting with a letter (for example "${toMachineName(value) || suggested}").`,
      );
      return undefined;
    }
    if (this.#expectedName !== undefined && value !== this.#expectedName) {
      this.#error(
        'name',
        `${JSON.stringify(value)} does not match the plugin's folder and file name "${this.#expectedName}"; rename one so they are the same.`,
      );
      return undefined;
    }
    return value;
  }

  #requiredString(key: string, hint: string): string | undefined {
    const value = this.#data[key];
    if (value === undefined) {
      this.#error(key, `is required; ${hint}.`);
      return undefined;
    }
    if (typeof value !== 'string') {
      this.#typeError(key, 'a string', value);
      return undefined;
    }
    if (value.trim() === '') {
      this.#error(key, `is empty; ${hint}.`);
      return undefined;
    }
    return value;
  }

  #version(): string | undefined {
    const value = this.#data.version;
    if (value === undefined) {
      this.#error('version', 'is required; add a semantic version such as version = "1.0.0".');
      return undefined;
    }
    if (typeof value !== 'string') {
      const hint = typeof value === 'number' || typeof value === 'bigint' ? '; write it in quotes as MAJOR.MINOR.PATCH, for example "1.0.0"' : '';
      this.#typeError('version', 'a string', value, hint);
      return undefined;
    }
    if (!SEMVER.test(value)) {
      this.#error('version', `${JSON.stringify(value)} is not a semantic version; write it as MAJOR.MINOR.PATCH, for example "1.0.0".`);
      return undefined;
    }
    return value;
  }

  #abi(): number {
    const value = this.#data.abi;
    if (value === undefined) return KERNEL_ABI_VERSION;
    const abi = this.#integer('abi', value);
    if (abi === undefined) return KERNEL_ABI_VERSION;
    if (abi !== KERNEL_ABI_VERSION) {
      this.#error(
        'abi',
        `the plugin asks for ABI ${abi}, but this kernel implements ABI ${KERNEL_ABI_VERSION}; build the plugin against ABI ${KERNEL_ABI_VERSION} or use a kernel that implements ABI ${abi}.`,
      );
    }
    return abi;
  }

  #dependencies(ownName: string | undefined): string[] {
    const value = this.#data.dependencies;
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.#typeError('dependencies', 'an array of plugin names', value);
      return [];
    }
    const seen = new Set<string>();
    const result: string[] = [];
    value.forEach((entry: unknown, index) => {
      const key = `dependencies[${index}]`;
      if (typeof entry !== 'string') {
        this.#typeError(key, 'a string', entry, '', 'dependencies');
      } else if (!MACHINE_NAME.test(entry)) {
        this.#error(key, `${JSON.stringify(entry)} is not a plugin machine name; use lowercase letters, digits and underscores, starting with a letter.`, 'dependencies');
      } else if (seen.has(entry)) {
        this.#error(key, `"${entry}" is listed more than once; remove the repeat.`, 'dependencies');
      } else if (entry === ownName || entry === this.#expectedName) {
        this.#error(key, `the plugin lists itself ("${entry}") as a dependency; remove it.`, 'dependencies');
      } else {
        seen.add(entry);
        result.push(entry);
      }
    });
    return result;
  }

  #taps(): { implements: TapName[]; weight: number } {
    const taps = { implements: [] as TapName[], weight: 0 };
    const table = this.#data.taps;
    if (table === undefined) return taps;
    if (!isTable(table)) {
      this.#typeError('taps', 'a table ([taps])', table);
      return taps;
    }
    const list = table.implements;
    if (Array.isArray(list)) {
      const seen = new Set<string>();
      list.forEach((entry: unknown, index) => {
        const key = `taps.implements[${index}]`;
        if (typeof entry !== 'string') {
          this.#typeError(key, 'a tap name (string)', entry, '', 'taps.implements');
        } else if (!isKnownTap(entry) && this.#full('error')) {
          this.#leftOut.error++;
        } else if (!isKnownTap(entry)) {
          const guess = nearest(entry, KNOWN_TAPS) ?? (isKnownTap(`tap_${entry}`) ? `tap_${entry}` : undefined);
          const hint = guess !== undefined ? `did you mean \`${guess}\`?` : `the known taps are listed in ABI §1.`;
          this.#error(key, `"${entry}" is not a known tap; ${hint}`, 'taps.implements');
        } else if (seen.has(entry)) {
          this.#error(key, `"${entry}" is listed more than once; remove the repeat.`, 'taps.implements');
        } else {
          seen.add(entry);
          taps.implements.push(entry);
        }
      });
    } else if (list !== undefined) {
      this.#typeError('taps.implements', 'an array of tap names', list);
    }
    if (table.weight !== undefined) {
      taps.weight = this.#integer('taps.weight', table.weight) ?? 0;
    }
    this.#unknownKeys(table, 'taps', TAPS_KEYS);
    return taps;
  }

  #memory(): { maxPages?: number } | undefined {
    const table = this.#data.memory;
    if (table === undefined) return undefined;
    if (!isTable(table)) {
      this.#typeError('memory', 'a table ([memory])', table);
      return undefined;
    }
    this.#unknownKeys(table, 'memory', MEMORY_KEYS);
    if (table.max_pages === undefined) return undefined;
    const pages = this.#integer('memory.max_pages', table.max_pages);
    if (pages === undefined) return undefined;
    if (pages < 1 || pages > MAX_MEMORY_PAGES) {
      this.#error(
        'memory.max_pages',
        `${pages} is out of range; give a number of 64 KiB pages from 1 to ${MAX_MEMORY_PAGES}, or remove the key to use the site's limit.`,
      );
      return undefined;
    }
    return { maxPages: pages };
  }

  #limits(): { fuel?: number } | undefined {
    const table = this.#data.limits;
    if (table === undefined) return undefined;
    if (!isTable(table)) {
      this.#typeError('limits', 'a table ([limits])', table);
      return undefined;
    }
    this.#unknownKeys(table, 'limits', LIMITS_KEYS);
    if (table.fuel === undefined) return undefined;
    const fuel = this.#integer('limits.fuel', table.fuel);
    if (fuel === undefined) return undefined;
    if (fuel < 1 || fuel > MAX_CALL_FUEL) {
      this.#error(
        'limits.fuel',
        `${fuel} is out of range; give a number of instructions per call from 1 to ${MAX_CALL_FUEL}, or remove the key to use the kernel's default of ${DEFAULT_CALL_FUEL}.`,
      );
      return undefined;
    }
    return { fuel };
  }

  #access(): { bypassItemAccess: boolean } | undefined {
    const table = this.#data.access;
    if (table === undefined) return undefined;
    if (!isTable(table)) {
      this.#typeError('access', 'a table ([access])', table);
      return undefined;
    }
    this.#unknownKeys(table, 'access', ACCESS_KEYS);
    const bypass = table.bypass_item_access;
    if (bypass === undefined) return undefined;
    if (typeof bypass !== 'boolean') {
      this.#typeError('access.bypass_item_access', 'true or false', bypass);
      return undefined;
    }
    return { bypassItemAccess: bypass };
  }

  /** A TOML integer that is a safe JavaScript integer, or undefined after reporting why not. */
  #integer(key: string, value: unknown): number | undefined {
    if (typeof value !== 'bigint') {
      const hint = typeof value === 'number' && Number.isInteger(value) ? `; write ${value} without the decimal point` : '';
      this.#typeError(key, 'an integer', value, hint);
      return undefined;
    }
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      this.#error(key, `${value} is too large; use an integer between ${Number.MIN_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}.`);
      return undefined;
    }
    return Number(value);
  }

  #unknownKeys(table: Record<string, unknown>, prefix: string, known: readonly string[]): void {
    for (const key of Object.keys(table)) {
      if (known.includes(key)) continue;
      if (this.#full('warning')) {
        this.#leftOut.warning++;
        continue;
      }
      const path = prefix === '' ? key : `${prefix}.${key}`;
      const guess = nearest(key, known);
      let hint: string;
      if (guess !== undefined) {
        hint = `did you mean \`${prefix === '' ? guess : `${prefix}.${guess}`}\`?`;
      } else if (prefix !== '' && TOP_KEYS.includes(key)) {
        // Keys written after a [table] header belong to that table: the classic TOML slip.
        hint = `it belongs at the top level; move it above the [${prefix}] table.`;
      } else if (prefix === '' && TAPS_KEYS.includes(key)) {
        hint = `did you mean \`taps.${key}\`? Put it under the [taps] table.`;
      } else if (prefix === '' && MEMORY_KEYS.includes(key)) {
        hint = `did you mean \`memory.${key}\`? Put it under the [memory] table.`;
      } else {
        hint = 'the kernel ignores it; remove it if it is a mistake.';
      }
      this.#problem('warning', path, `is not a manifest key; ${hint}`, path);
    }
  }

  #typeError(key: string, expected: string, found: unknown, hint = '', lineKey = key): void {
    this.#error(key, `must be ${expected}, but found ${tomlTypeOf(found)}${hint}.`, lineKey);
  }

  #error(key: string, detail: string, lineKey = key): void {
    this.#problem('error', key, detail, lineKey);
  }

  #full(severity: ManifestProblem['severity']): boolean {
    return (severity === 'error' ? this.#errors : this.#warnings).length >= MAX_REPORTED_PROBLEMS;
  }

  #reportLeftOut(severity: ManifestProblem['severity']): void {
    const count = this.#leftOut[severity];
    if (count === 0) return;
    const kind = severity === 'error' ? 'errors' : 'warnings';
    (severity === 'error' ? this.#errors : this.#warnings).push({
      severity,
      plugin: this.#plugin,
      file: this.#file,
      key: '',
      message: `${this.#where}: ${count} more ${kind} like the ones above were left out of this report (it shows the first ${MAX_REPORTED_PROBLEMS}); fix those and load again.`,
    });
  }

  #problem(severity: ManifestProblem['severity'], key: string, detail: string, lineKey: string): void {
    if (this.#full(severity)) {
      this.#leftOut[severity]++;
      return;
    }
    const problem: ManifestProblem = {
      severity,
      plugin: this.#plugin,
      file: this.#file,
      key,
      // "key "x" is required" but "key "x": "1.0" is not a semantic version".
      message: `${this.#where}: key "${key}"${/^(is|must) /.test(detail) ? ' ' : ': '}${detail}`,
    };
    this.#keyLines ??= indexKeyLines(this.#text);
    const line = this.#keyLines.find(lineKey);
    if (line !== undefined) problem.line = line;
    (severity === 'error' ? this.#errors : this.#warnings).push(problem);
  }
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof TomlDate);
}

/** The TOML name of a parsed value's type, for "expected X, found Y" messages. */
function tomlTypeOf(value: unknown): string {
  if (typeof value === 'string') return `a string (${JSON.stringify(value)})`;
  if (typeof value === 'bigint') return `an integer (${value})`;
  if (typeof value === 'number') return `a float (${Number.isInteger(value) ? value.toFixed(1) : value})`;
  if (typeof value === 'boolean') return `a boolean (${value})`;
  if (value instanceof TomlDate) return 'a date-time';
  if (Array.isArray(value)) return 'an array';
  return 'a table';
}

function toMachineName(value: string): string {
  const cleaned = value
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+$/, '')
    .slice(0, 64);
  return cleaned;
}

/** Where keys are set in a manifest's text, found in one pass (see `indexKeyLines`). */
interface KeyLines {
  /** The 1-based line on which `path` (dotted, e.g. `taps.weight`) is set, or undefined. */
  find(path: string): number | undefined;
}

/**
 * The lines on which keys are set, best effort: smol-toml does not report positions, so this
 * scans for `key =` inside the right `[table]` (or as a dotted key, or for the table header
 * itself), skipping lines inside multi-line strings. The text is scanned once; each lookup then
 * costs the depth of the key, so reporting every key of a large manifest stays linear.
 */
function indexKeyLines(text: string): KeyLines {
  // First line that sets exactly this key (a header or an assignment).
  const exact = new Map<string, number>();
  // First assignment of this key to a value that may hold deeper keys (`a = {b = 1}` sets a.b).
  const prefix = new Map<string, number>();
  // First header of this table, the fallback for a key inside it that was not found.
  const header = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  let table: string[] = [];
  let inMultiline: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    if (inMultiline !== undefined) {
      if (countOccurrences(raw, inMultiline) % 2 === 1) inMultiline = undefined;
      continue;
    }
    const line = raw.trim();
    const headerMatch = /^\[\[?\s*([^\]]+?)\s*\]\]?/.exec(line);
    if (headerMatch) {
      table = headerMatch[1].split('.').map((part) => unquote(part.trim()));
      const key = joinKey(table);
      if (!exact.has(key)) exact.set(key, i + 1);
      if (!header.has(key)) header.set(key, i + 1);
      continue;
    }
    const assignment = /^((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=(.*)$/.exec(line);
    if (assignment) {
      const key = joinKey([...table, ...assignment[1].split('.').map((part) => unquote(part.trim()))]);
      if (!exact.has(key)) exact.set(key, i + 1);
      if (!prefix.has(key)) prefix.set(key, i + 1);
      for (const quote of ['"""', "'''"]) {
        if (countOccurrences(assignment[2], quote) % 2 === 1) inMultiline = quote;
      }
    }
  }
  return {
    find(path: string): number | undefined {
      const parts = path.split('.');
      let best = exact.get(joinKey(parts));
      for (let length = 1; length < parts.length; length++) {
        const line = prefix.get(joinKey(parts.slice(0, length)));
        if (line !== undefined && (best === undefined || line < best)) best = line;
      }
      return best ?? (parts.length > 1 ? header.get(joinKey(parts.slice(0, -1))) : undefined);
    },
  };
}

function joinKey(parts: readonly string[]): string {
  return parts.join('\u0000');
}

function unquote(s: string): string {
  return (s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'")) ? s.slice(1, -1) : s;
}

function countOccurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}
