import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './src/chromium.js';

/**
 * Timeouts that hold on a busy two-core machine (the CI box, or a laptop running four test
 * suites): a test is failed by what it checks, never by Vitest's 5 s default. Property tests
 * are sized by their run count (`numRuns`), not by a clock.
 */
const SLOW_MACHINE = {
  testTimeout: 120_000,
  hookTimeout: 180_000,
  // expect.poll and expect.element (browser mode) give up after 1 s by default: a page that
  // answers in 3 s on a loaded machine is not a failure.
  expect: { poll: { timeout: 30_000 } },
};

export default defineConfig({
  test: {
    // Vitest's default on two cores is ONE worker, so the whole suite ran file after file while
    // the e2e files mostly wait on Chromium and on compiles in the page. Three workers let that
    // waiting overlap with the unit tests; nothing here asserts a time, so sharing cores is safe.
    maxWorkers: 3,
    projects: [
      {
        extends: './vite.config.ts',
        test: {
          name: 'node',
          environment: 'node',
          ...SLOW_MACHINE,
          // Files share their worker's modules instead of a fresh process each: the compiler,
          // binaryen, wabt and fake-indexeddb load once per worker, not once per file (the
          // project's CPU time fell by about a third, 103 s to 71 s). So a test leaves nothing global behind:
          // it names its databases uniquely (fake-indexeddb is one per worker) and restores any
          // environment variable or prototype it patches.
          isolate: false,
          // plugins/<name>/<name>.test.ts: the test `trovato new` writes beside a plugin.
          include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'plugins/**/*.test.ts'],
          exclude: ['**/*.browser.test.ts', '**/*.e2e.test.ts', 'node_modules/**'],
        },
      },
      {
        extends: './vite.config.ts',
        test: {
          name: 'browser',
          ...SLOW_MACHINE,
          include: ['src/**/*.browser.test.ts', 'test/**/*.browser.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        // The built site driven by Playwright from Node: slow (a build, a browser, compiles in
        // the page), so it is its own project: `npx vitest run --project e2e`.
        extends: './vite.config.ts',
        test: {
          name: 'e2e',
          environment: 'node',
          ...SLOW_MACHINE,
          include: ['test/**/*.e2e.test.ts'],
          // One e2e file at a time: they drive one Chromium and several load the 15 MB
          // compiler at once; side by side on two cores they starved each other's frames past
          // any sensible wait. In one Vitest process such a project runs only after all the
          // others, so `npm test` runs it in a second process beside them (scripts/test.js).
          fileParallelism: false,
          // One build of the site, one static server and one Chromium for every file
          // (test/support/e2e-build.ts); each file connects to them (test/support/e2e-site.ts).
          globalSetup: ['./test/support/e2e-build.ts'],
        },
      },
    ],
  },
});
