/**
 * What the benchmark calls in the page (see bench.ts): cold and warm compiles of the templates,
 * each cold one in a new compile worker (download from the HTTP cache, compiler start-up, compile),
 * and the length of each template's share link.
 */
import { PlaygroundCompiler } from './compiler.js';
import { encodeState } from './share-link.js';
import { stateFromTemplate, TEMPLATES, type TemplateName } from './templates.js';

/** Milliseconds, measured in the page around the whole round trip to the compile worker. */
export interface CompileTiming {
  template: TemplateName;
  coldMs: number;
  warmMs: number;
  /** Bytes of the wasm built. */
  wasmBytes: number;
  /** Characters of the template's share link on this page's origin. */
  linkChars: number;
}

async function measureCompiles(): Promise<CompileTiming[]> {
  const timings: CompileTiming[] = [];
  for (const template of Object.keys(TEMPLATES) as TemplateName[]) {
    const compiler = new PlaygroundCompiler();
    const { source } = TEMPLATES[template];
    try {
      let started = performance.now();
      await compiler.compile(template, source);
      const coldMs = performance.now() - started;
      started = performance.now();
      const warm = await compiler.compile(template, source);
      const warmMs = performance.now() - started;
      if (!warm.result.ok) throw new Error(`The ${template} template did not compile: ${warm.result.diagnostics.map((d) => d.message).join('; ')}`);
      const link = `${location.origin}${location.pathname}#${encodeState(stateFromTemplate(template))}`;
      timings.push({ template, coldMs, warmMs, wasmBytes: warm.result.wasm.length, linkChars: link.length });
    } finally {
      compiler.dispose();
    }
  }
  return timings;
}

declare global {
  interface Window {
    trovatoPlaygroundBench?: { measureCompiles: () => Promise<CompileTiming[]> };
  }
}

window.trovatoPlaygroundBench = { measureCompiles };
