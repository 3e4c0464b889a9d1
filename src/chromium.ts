/**
 * How every headless Chromium of this project is started: tests, benchmarks and the CLI.
 * Debian's Chromium, because build machines reach no browser download, and flags that keep
 * it from calling home on a closed network.
 */
export const CHROMIUM_PATH = process.env.TROVATO_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  // Lets memory tests collect garbage before they read the heap (test/hostile/kernel-soak).
  '--js-flags=--expose-gc',
];
