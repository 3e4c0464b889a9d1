/**
 * The served site's script, /assets/site.js (src/served-main.ts bundled for the browser): the
 * bundled CLI carries it beside itself (scripts/cli-bundle.js builds it with the CLI); run from
 * the sources (tests), it is bundled here on first use, with the same esbuild.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const BUNDLED = new URL('./site-client.js', import.meta.url);
const ENTRY = new URL('../served-main.ts', import.meta.url);

let script: Promise<string> | null = null;

/** The script's text, read or built once per process. A failed build is retried on the next call. */
export function clientScript(): Promise<string> {
  script ??= (existsSync(BUNDLED) ? readFile(BUNDLED, 'utf8') : bundleFromSources()).catch((error: unknown) => {
    script = null;
    throw error;
  });
  return script;
}

async function bundleFromSources(): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [fileURLToPath(ENTRY)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    logLevel: 'warning',
  });
  return result.outputFiles[0].text;
}
