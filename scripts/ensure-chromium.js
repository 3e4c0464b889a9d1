// Runs before `npm test`: the browser tests need Debian's Chromium, and the machines that
// build this project cannot download a browser of Playwright's own.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const path = process.env.TROVATO_CHROMIUM ?? '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  console.error(
    `Chromium is missing at ${path}; the browser tests need it.\n` +
      `Install it with:  sudo apt-get update && sudo apt-get install -y chromium\n` +
      `or point TROVATO_CHROMIUM at another Chromium binary.`,
  );
  process.exit(1);
}
console.error(`Chromium is missing at ${path}: installing Debian's chromium package...`);
try {
  execFileSync('apt-get', ['update'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', 'chromium'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
} catch (error) {
  console.error(`Installing Chromium failed (${error.message}). Run: apt-get install -y chromium`);
  process.exit(1);
}
