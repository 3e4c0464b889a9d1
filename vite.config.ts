import { defineConfig } from 'vite';

export default defineConfig({
  worker: { format: 'es' },
  build: { target: 'es2022' },
  // Pre-bundled up front: discovering them mid-run makes Vite reload the page under a test.
  optimizeDeps: {
    include: ['@bjorn3/browser_wasi_shim', 'smol-toml', 'comlink', 'idb', 'lit', 'lit/static-html.js', 'lit/directives/unsafe-html.js', 'dompurify', 'fflate', 'wabt', 'fast-check'],
  },
});
