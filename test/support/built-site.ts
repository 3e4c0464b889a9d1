/**
 * The BUILT site for end-to-end tests: `vite build` into a temporary folder, served by
 * `vite preview` the way a static host serves it, and Debian's Chromium to drive it.
 *
 * Static hosts (GitHub Pages and the like) answer a path they have no file for with 404.html
 * and status 404; `vite preview` would answer with index.html instead (its SPA fallback) and so
 * hide a broken 404.html. The server here does what the static host does.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { preview, type Plugin } from 'vite';
import { chromium, type Browser } from 'playwright';
import { inject } from 'vitest';
import { buildSite } from './site-build.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../src/chromium.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** A served build and a browser; `close()` stops both and removes the build. */
export interface BuiltSite {
  /** The server's root, ending in `/`. */
  readonly baseUrl: string;
  /** The build folder (temporary, shared by the e2e files): read it, never write to it. */
  readonly outDir: string;
  readonly browser: Browser;
  close(): Promise<void>;
}

/**
 * Serves the site on a free port and starts headless Chromium. In the e2e project the site
 * was built once for all files (test/support/e2e-build.ts); run elsewhere, this builds it into
 * a temporary folder of its own first. Call it from `beforeAll`.
 *
 * @example
 * let site: BuiltSite;
 * beforeAll(async () => { site = await startBuiltSite('site'); }, 120_000);
 * afterAll(() => site?.close());
 */
export async function startBuiltSite(label: string): Promise<BuiltSite> {
  // `npm run bench` uses this outside Vitest too, where inject() throws.
  const shared = process.env.VITEST ? inject('builtSiteDir') : undefined;
  const outDir = shared ?? (await mkdtemp(join(tmpdir(), `trovato-${label}-`)));
  const removeOwnBuild = () => (shared ? Promise.resolve() : rm(outDir, { recursive: true, force: true }));
  try {
    if (!shared) await buildSite(outDir);
    const server = await preview({
      root: ROOT,
      configFile: false,
      logLevel: 'error',
      // 'mpa': existing pages only; unknown paths reach the static-host 404 below.
      appType: 'mpa',
      plugins: [staticHostNotFound(outDir)],
      build: { outDir },
      preview: { port: 0, host: '127.0.0.1', strictPort: false },
    });
    const baseUrl = server.resolvedUrls?.local[0] ?? '';
    if (baseUrl === '') throw new Error('vite preview started but reported no local URL.');
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
    return {
      baseUrl,
      outDir,
      browser,
      async close() {
        await browser.close();
        await new Promise<void>((done) => server.httpServer.close(() => done()));
        await removeOwnBuild();
      },
    };
  } catch (error) {
    await removeOwnBuild();
    throw error;
  }
}

/**
 * A page request for a path with no file gets 404.html with status 404, as on a static host.
 * Runs after Vite's own html lookup (which maps `/playground/` to its index.html).
 */
function staticHostNotFound(outDir: string): Plugin {
  return {
    name: 'trovato-static-host-404',
    configurePreviewServer(server) {
      return () => {
        server.middlewares.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
          const pathname = safeDecode((req.url ?? '/').split(/[?#]/)[0]);
          const wantsPage = (req.method === 'GET' || req.method === 'HEAD') && (req.headers.accept ?? '').includes('text/html');
          if (!wantsPage || pathname === null || (existsSync(join(outDir, pathname)) && !pathname.endsWith('/'))) return next();
          readFile(join(outDir, '404.html')).then(
            (body) => {
              res.statusCode = 404;
              res.setHeader('Content-Type', 'text/html; charset=utf-8');
              res.end(req.method === 'HEAD' ? undefined : body);
            },
            // No 404.html in the build: Vite's plain 404, and the deep-link tests fail as they should.
            () => next(),
          );
        });
      };
    },
  };
}

function safeDecode(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}
