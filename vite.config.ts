import { existsSync } from 'node:fs';
import { defineConfig } from 'vite';
import { ascFromVendor, assemblyScriptVendor } from './playground/vite-plugin.js';

export default defineConfig({
  // The playground's compiler is served as static files, not through the dependency pipeline.
  plugins: [assemblyScriptVendor()],
  worker: { format: 'es', plugins: () => [ascFromVendor()] },
  build: {
    target: 'es2022',
    // Two pages: the site and the playground (the site's index.html may not exist yet in a checkout being built up).
    rollupOptions: { input: ['index.html', 'playground/index.html'].filter((page) => existsSync(new URL(page, import.meta.url))) },
  },
  // Pre-bundled up front: discovering them mid-run makes Vite reload the page under a test.
  optimizeDeps: {
    include: ['@bjorn3/browser_wasi_shim', 'smol-toml', 'comlink', 'idb', 'lit', 'lit/static-html.js', 'lit/directives/unsafe-html.js', 'dompurify', 'fflate', 'wabt', 'fast-check'],
  },
});
