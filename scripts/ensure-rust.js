// Runs before the plugins are built (`npm run build:plugins`, so `npm start` and `npm test`):
// Rust plugins are built with Debian's toolchain and Debian's crates, offline. As root it
// installs the packages; otherwise it says what to install and lets the build go on (the Rust
// plugins are then skipped, with the same advice). The package list is scripts/rust-packages.json,
// which src/build/build-rust.ts reads too. Recommends stay on: the wasm linker (lld) is one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const PACKAGES = JSON.parse(readFileSync(new URL('./rust-packages.json', import.meta.url), 'utf8'));

const cargo = process.env.TROVATO_CARGO ?? '/usr/bin/cargo';
const rustc = process.env.TROVATO_RUSTC ?? '/usr/bin/rustc';
const crates = process.env.TROVATO_RUST_CRATES ?? '/usr/share/cargo/registry';
const targetLibrary = process.env.TROVATO_RUST_TARGET_LIBRARY ?? '/usr/lib/rustlib/wasm32-unknown-unknown/lib';

function hasCrate(name) {
  try {
    return readdirSync(crates).some((entry) => entry.startsWith(`${name}-`) && /^\d/.test(entry.slice(name.length + 1)));
  } catch {
    return false;
  }
}

const present = () =>
  existsSync(cargo) && existsSync(rustc) && existsSync(targetLibrary) && ['serde', 'serde_derive', 'serde_json', 'syn', 'quote', 'proc-macro2'].every(hasCrate);

if (present()) process.exit(0);

const command = `apt-get install -y ${PACKAGES.join(' ')}`;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || process.env.TROVATO_NO_APT) {
  console.warn(
    `Debian's Rust toolchain is missing, so the Rust plugins (plugins/notes, the Rust test probe) will not be built.\n` +
      `Install it with:  sudo apt-get update && sudo ${command}`,
  );
  process.exit(0);
}
console.error(`Debian's Rust toolchain is missing: installing ${PACKAGES.join(' ')}...`);
try {
  execFileSync('apt-get', ['update'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', ...PACKAGES], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
} catch (error) {
  console.error(`Installing the Rust toolchain failed (${error.message}). Run: ${command}`);
  process.exit(1);
}
if (!present()) {
  console.error(`The Rust toolchain is still incomplete after apt-get. Check: ${command}`);
  process.exit(1);
}
