import { copyFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { ascFromVendor, assemblyScriptVendor } from './src/build/browser/vite-plugin.js';
import { pageSnapshotBoot } from './src/build/browser/page-snapshot-boot.js';
import { inlineSmallStylesheets } from './src/build/browser/inline-stylesheets.js';

const EMBED_CLIENT = 'embed-client';

export default defineConfig({
  // The playground's compiler is served as static files, not through the dependency pipeline;
  // the site's page shows its last-page snapshot at boot, then preloads its plugin files; small
  // style sheets are written into the built pages.
  plugins: [assemblyScriptVendor(), pageSnapshotBoot(), inlineSmallStylesheets(), notFoundPage()],
  worker: { format: 'es', plugins: () => [ascFromVendor()] },
  build: {
    target: 'es2022',
    rollupOptions: {
      // Three pages (the site, the playground, the embed frame) and the embed client, which
      // documentation pages import from the built site at /embed/client.js.
      input: {
        ...Object.fromEntries(
          ['index.html', 'playground/index.html', 'embed/index.html'].filter((page) => existsSync(new URL(page, import.meta.url))).map((page) => [page.replace(/\/?index\.html$/, '') || 'site', page]),
        ),
        [EMBED_CLIENT]: 'src/embed/client.ts',
      },
      // The client's exports are its API: keep them (pages have none, so this changes nothing else).
      preserveEntrySignatures: 'exports-only',
      output: { entryFileNames: (chunk) => (chunk.name === EMBED_CLIENT ? 'embed/client.js' : 'assets/[name]-[hash].js') },
    },
  },
  // Rust plugins build in .cache/rust-target (thousands of files): nothing there is served.
  server: { watch: { ignored: ['**/.cache/**'] } },
  // Pre-bundled up front: discovering them mid-run makes Vite reload the page under a test.
  optimizeDeps: {
    include: ['@bjorn3/browser_wasi_shim', 'smol-toml', 'comlink', 'idb', 'lit', 'lit/static-html.js', 'lit/directives/unsafe-html.js', 'dompurify', 'fflate', 'wabt', 'fast-check', 'ajv'],
  },
});

/**
 * Static hosts (GitHub Pages and the like) answer unknown paths with 404.html: a copy of the
 * site's index.html there makes deep links (/blog/my-post) boot the site, whose router shows them.
 */
function notFoundPage(): Plugin {
  let outDir = '';
  return {
    name: 'trovato-not-found-page',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const index = join(outDir, 'index.html');
      if (existsSync(index)) copyFileSync(index, join(outDir, '404.html'));
    },
  };
}
