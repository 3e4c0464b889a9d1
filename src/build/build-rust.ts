/**
 * Builds Rust plugin folders (a `Cargo.toml` beside `<name>.info.toml`) with Debian's
 * toolchain, offline: `/usr/bin/cargo` and `/usr/bin/rustc` (never a rustup toolchain that may
 * come first on PATH), the `wasm32-unknown-unknown` standard library of
 * `libstd-rust-dev-wasm32`, and crates only from Debian's registry folder
 * (`/usr/share/cargo/registry`) through a cargo directory source. Node only.
 *
 * Every plugin shares one target folder (`.cache/rust-target` in this package), so serde and
 * the SDK compile once for all of them.
 */
import { shrinkWasm } from './shrink-wasm.js';
import rustPackages from '../../scripts/rust-packages.json' with { type: 'json' };
import { PACKAGE_ROOT } from './package-root.js';
import { spawn } from 'node:child_process';
import { access, copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseToml } from 'smol-toml';
import { formatProblem, parseManifest } from '../kernel/plugin/manifest.js';
import type { Diagnostic } from './compile-plugin.js';
import type { BuildOptions, PluginBuildResult } from './build-result.js';


/** The Rust SDK shipped with this package (plugins depend on it by path). */
export const RUST_SDK_DIR = join(PACKAGE_ROOT, 'sdk-rust');

/** The Debian packages `scripts/ensure-rust.js` installs (one list, in scripts/rust-packages.json). */
export const RUST_PACKAGES: readonly string[] = rustPackages;

/** The command that installs them, for messages. */
export const RUST_INSTALL_COMMAND = `sudo apt-get install -y ${RUST_PACKAGES.join(' ')}`;

/** The wasm target plugins are built for: no WASI imports, the smallest modules. */
export const RUST_TARGET = 'wasm32-unknown-unknown';

/** Where the toolchain is; each can be moved with an environment variable. */
export interface RustToolchain {
  cargo: string;
  rustc: string;
  /** Debian's crate registry folder, used as a cargo directory source. */
  crates: string;
  /** The folder of the wasm target's standard library. */
  targetLibrary: string;
}

export function rustToolchain(env: NodeJS.ProcessEnv = process.env): RustToolchain {
  return {
    cargo: env.TROVATO_CARGO ?? '/usr/bin/cargo',
    rustc: env.TROVATO_RUSTC ?? '/usr/bin/rustc',
    crates: env.TROVATO_RUST_CRATES ?? '/usr/share/cargo/registry',
    targetLibrary: env.TROVATO_RUST_TARGET_LIBRARY ?? `/usr/lib/rustlib/${RUST_TARGET}/lib`,
  };
}

/** What is missing of the toolchain (empty when a Rust plugin can be built). */
export async function missingRustToolchain(toolchain: RustToolchain = rustToolchain()): Promise<string[]> {
  const missing: string[] = [];
  if (!(await isExecutable(toolchain.cargo))) missing.push(`cargo (${toolchain.cargo})`);
  if (!(await isExecutable(toolchain.rustc))) missing.push(`rustc (${toolchain.rustc})`);
  if (!(await exists(toolchain.targetLibrary))) missing.push(`the ${RUST_TARGET} standard library (${toolchain.targetLibrary})`);
  for (const crate of ['serde', 'serde_derive', 'serde_json', 'syn', 'quote', 'proc-macro2']) {
    if (!(await hasCrate(toolchain.crates, crate))) missing.push(`the ${crate} crate (in ${toolchain.crates})`);
  }
  return missing;
}

/** Whether `dir` holds a Rust plugin (a Cargo.toml). */
export async function isRustPluginDir(dir: string): Promise<boolean> {
  return exists(join(dir, 'Cargo.toml'));
}

/** The cargo command line that builds one plugin: offline, release, size-optimised. */
export function cargoBuildArgs(manifestPath: string, toolchain: RustToolchain): string[] {
  return [
    'build',
    '--release',
    '--offline',
    '--target',
    RUST_TARGET,
    '--message-format',
    'short',
    '--manifest-path',
    manifestPath,
    // Crates come from Debian's registry folder and nowhere else.
    '--config',
    'source.crates-io.replace-with="debian-packages"',
    '--config',
    `source.debian-packages.directory=${JSON.stringify(toolchain.crates)}`,
    // Small modules: the kernel compiles every plugin at load, in the page.
    '--config',
    'profile.release.opt-level="z"',
    '--config',
    'profile.release.lto=true',
    '--config',
    'profile.release.codegen-units=1',
    '--config',
    'profile.release.panic="abort"',
    '--config',
    'profile.release.strip=true',
    // A 256 KiB stack (not 1 MiB) and 1 MiB of memory from the start: calls find their heap
    // already there, and the instance pool only reuses instances whose memory did not grow.
    '--config',
    `target.${RUST_TARGET}.rustflags=["-C", "link-arg=-z", "-C", "link-arg=stack-size=262144", "-C", "link-arg=--initial-memory=1048576"]`,
  ];
}

/**
 * Builds one Rust plugin folder into `<outDir>/<name>/` (`<name>.wasm` beside the copied
 * `<name>.info.toml`). Skips cargo when the wasm is newer than every source of the plugin and
 * the SDK; reports `skipped` with the install command when the toolchain is missing.
 */
export async function buildRustPluginDir(dir: string, outDir: string, options: BuildOptions = {}): Promise<PluginBuildResult> {
  const name = basename(resolve(dir));
  const manifestFile = `${name}.info.toml`;
  const manifestPath = join(dir, manifestFile);
  const cargoPath = join(dir, 'Cargo.toml');
  const failed = (diagnostics: Diagnostic[]): PluginBuildResult => ({ name, status: 'failed', diagnostics });

  const manifestText = await readFile(manifestPath, 'utf8').catch(() => null);
  if (manifestText === null) {
    return failed([error(manifestPath, `${name}: the plugin folder has no manifest ${manifestFile}; every plugin needs one (name, description, version, [taps] implements).`)]);
  }
  const manifest = parseManifest(manifestText, { file: manifestFile, expectedName: name });
  if (!manifest.ok) {
    return failed(manifest.errors.map((p) => ({ ...error(manifestPath, formatProblem(p)), line: p.line ?? 0, column: p.column ?? 0 })));
  }
  const crate = await readCrate(cargoPath, name);
  if ('problem' in crate) return failed([error(cargoPath, crate.problem)]);

  const toolchain = rustToolchain();
  const missing = await missingRustToolchain(toolchain);
  if (missing.length > 0) {
    return {
      name,
      status: 'skipped',
      diagnostics: [
        {
          severity: 'warning',
          file: cargoPath,
          line: 0,
          column: 0,
          message: `${name} is a Rust plugin and Debian's Rust toolchain is missing (${missing.join('; ')}). Install it with:  ${RUST_INSTALL_COMMAND}`,
        },
      ],
    };
  }

  const targetDir = join(outDir, name);
  const wasmPath = join(targetDir, `${name}.wasm`);
  await mkdir(targetDir, { recursive: true });
  await copyFile(manifestPath, join(targetDir, manifestFile));
  const outputTime = await mtime(wasmPath);
  const newestInput = Math.max(await newestSource(dir), await newestSource(RUST_SDK_DIR), (await mtime(fileURLToPath(import.meta.url))) ?? 0);
  if (!options.force && outputTime !== null && outputTime > newestInput) {
    return { name, status: 'up-to-date', diagnostics: [], wasmPath };
  }

  const cargoTarget = process.env.CARGO_TARGET_DIR ?? join(PACKAGE_ROOT, '.cache', 'rust-target');
  const run = await runCargo(toolchain, cargoBuildArgs(resolve(cargoPath), toolchain), {
    ...process.env,
    RUSTC: toolchain.rustc,
    CARGO_TARGET_DIR: cargoTarget,
    // A CARGO_HOME of our own: no user config (another registry, another rustc) leaks in.
    CARGO_HOME: join(cargoTarget, 'cargo-home'),
    CARGO_TERM_COLOR: 'never',
  });
  const diagnostics = parseCargoOutput(run.output, dir);
  if (run.code !== 0) {
    if (!diagnostics.some((d) => d.severity === 'error')) {
      diagnostics.push(error(cargoPath, `${name}: cargo failed (exit ${run.code}):\n${run.output.trim()}`));
    }
    return failed(diagnostics);
  }

  const built = join(cargoTarget, RUST_TARGET, 'release', `${crate.libName}.wasm`);
  const wasm = await readFile(built).catch(() => null);
  if (wasm === null) {
    return failed([...diagnostics, error(cargoPath, `${name}: cargo built no ${built}; the crate needs [lib] crate-type = ["cdylib"].`)]);
  }
  const exported = new Set(WebAssembly.Module.exports(new WebAssembly.Module(wasm)).map((e) => e.name));
  const missingExports: string[] = manifest.manifest.taps.implements.filter((tap) => !exported.has(tap));
  for (const required of ['alloc', 'memory']) if (!exported.has(required)) missingExports.push(required);
  if (missingExports.length > 0) {
    return failed([
      ...diagnostics,
      error(
        join(dir, 'src', 'lib.rs'),
        `${name}: the module does not export ${missingExports.join(', ')}; ${manifestFile} declares the taps, and the kernel needs alloc and memory. ` +
          `Mark each tap function with #[plugin_tap] (its name is the export's), and depend on trovato-sdk, which exports alloc and dealloc.`,
      ),
    ]);
  }
  const shrunk = await shrinkWasm(wasm);
  if (shrunk instanceof Error) {
    diagnostics.push({ severity: 'warning', file: cargoPath, line: 0, column: 0, message: `${name}: the size optimisation was skipped (${shrunk.message}); the module is used as cargo built it.` });
  }
  await writeFile(wasmPath, shrunk instanceof Error ? wasm : shrunk);
  return { name, status: 'built', diagnostics, wasmPath };
}

/** The crate's library name (the wasm file cargo writes), checked for what a plugin needs. */
async function readCrate(cargoPath: string, name: string): Promise<{ libName: string } | { problem: string }> {
  let cargo: Record<string, unknown>;
  try {
    cargo = parseToml(await readFile(cargoPath, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    return { problem: `${name}: Cargo.toml could not be read: ${(e as Error).message}` };
  }
  const pkg = cargo.package as { name?: unknown } | undefined;
  const lib = cargo.lib as { name?: unknown; 'crate-type'?: unknown } | undefined;
  if (typeof pkg?.name !== 'string') return { problem: `${name}: Cargo.toml has no [package] name.` };
  const crateTypes = Array.isArray(lib?.['crate-type']) ? lib['crate-type'] : [];
  if (!crateTypes.includes('cdylib')) {
    return { problem: `${name}: Cargo.toml must say [lib] crate-type = ["cdylib"]: a plugin is a wasm module, which cargo only writes for a cdylib.` };
  }
  const libName = typeof lib?.name === 'string' ? lib.name : pkg.name;
  return { libName: libName.replace(/-/g, '_') };
}

/** Runs cargo; stdout and stderr together, in order. */
function runCargo(toolchain: RustToolchain, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(toolchain.cargo, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? 1, output }));
  });
}

// `--message-format short`: `src/lib.rs:12:5: error[E0308]: mismatched types`.
const SHORT_DIAGNOSTIC = /^(.+?):(\d+):(\d+): (error|warning)(?:\[\w+\])?: (.*)$/;

/** Compiler diagnostics from cargo's short output, with paths made relative to the cwd. */
export function parseCargoOutput(output: string, dir: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const line of output.split('\n')) {
    const match = SHORT_DIAGNOSTIC.exec(line.trim());
    if (match) {
      const [, file, lineNo, column, severity, message] = match;
      diagnostics.push({ severity: severity as 'error' | 'warning', message, file: file.startsWith('/') ? file : join(dir, file), line: Number(lineNo), column: Number(column) });
    } else if (/^error(\[\w+\])?: /.test(line) && !/^error: could not compile/.test(line)) {
      diagnostics.push({ severity: 'error', message: line.replace(/^error(\[\w+\])?: /, ''), file: join(dir, 'Cargo.toml'), line: 0, column: 0 });
    }
  }
  return diagnostics;
}

function error(file: string, message: string): Diagnostic {
  return { severity: 'error', message, file, line: 0, column: 0 };
}

async function exists(path: string): Promise<boolean> {
  return (await mtime(path)) !== null;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function hasCrate(registry: string, crate: string): Promise<boolean> {
  const entries = await readdir(registry).catch(() => [] as string[]);
  const prefix = `${crate}-`;
  return entries.some((entry) => entry.startsWith(prefix) && /^\d/.test(entry.slice(prefix.length)));
}

async function mtime(path: string): Promise<number | null> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return null;
  }
}

/** The newest mtime of the sources of a crate folder (not its build output or lock file). */
async function newestSource(root: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(root, { withFileTypes: true }).catch(() => [])) {
    if (entry.name.startsWith('.') || entry.name === 'target' || entry.name === 'Cargo.lock') continue;
    const path = join(root, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestSource(path));
    else if (entry.isFile()) newest = Math.max(newest, (await mtime(path)) ?? 0);
  }
  return newest;
}
