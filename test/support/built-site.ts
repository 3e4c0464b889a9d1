/**
 * The BUILT site for end-to-end tests and the benchmark: `vite build` into a temporary folder,
 * served by `vite preview` the way a static host serves it, and Debian's Chromium to drive it.
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
import { buildSite } from './site-build.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../src/chromium.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** A served build: `close()` stops the server (the build folder stays). */
export interface ServedSite {
  /** The server's root, ending in `/`. */
  readonly baseUrl: string;
  close(): Promise<void>;
}

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
 * Builds the site into a temporary folder of its own, serves it on a free port and starts
 * headless Chromium (the benchmark's page cases). The e2e files share one build, server and
 * browser instead (test/support/e2e-site.ts).
 *
 * @example
 * const site = await startBuiltSite('bench');
 * try { await site.browser.newPage(); } finally { await site.close(); }
 */
export async function startBuiltSite(label: string): Promise<BuiltSite> {
  const outDir = await mkdtemp(join(tmpdir(), `trovato-${label}-`));
  const removeBuild = () => rm(outDir, { recursive: true, force: true });
  try {
    await buildSite(outDir);
    const server = await serveBuiltSite(outDir);
    try {
      const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
      return {
        baseUrl: server.baseUrl,
        outDir,
        browser,
        async close() {
          await browser.close();
          await server.close();
          await removeBuild();
        },
      };
    } catch (error) {
      await server.close();
      throw error;
    }
  } catch (error) {
    await removeBuild();
    throw error;
  }
}

/**
 * Serves a build folder on a free port as a static host does (unknown paths get 404.html with
 * status 404). Files are revalidated with their ETag on every load (`Cache-Control: no-cache`,
 * as `vite preview` sends), so a browser context keeps them, and the compiled code of
 * binaryen.wasm, in its caches and a rebuilt file is never served stale.
 */
export async function serveBuiltSite(outDir: string): Promise<ServedSite> {
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
  const close = () => new Promise<void>((done) => server.httpServer.close(() => done()));
  const baseUrl = server.resolvedUrls?.local[0] ?? '';
  if (baseUrl === '') {
    await close();
    throw new Error('vite preview started but reported no local URL.');
  }
  return { baseUrl, close };
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
