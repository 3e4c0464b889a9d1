/**
 * What the benchmark calls in the page (see bench.ts): for each template a new compile worker
 * loads the compiler (download from the HTTP cache, start-up: `readyMs`), then compiles it for
 * the first time in that worker (`coldMs`) and again, five times (`warmMs`, their median;
 * `warmFirstMs`, the first of them); and the length of each
 * template's share link. Those workers are never warmed up; in further new workers, as the
 * playground does once a run has settled, the compile after the first follows the warm-up
 * compiles (`nextWarmedMs`), or is asked while one runs (`nextDuringWarmUpMs`).
 */
import { PlaygroundCompiler, type CompilerReady } from '../src/build/browser/compiler.js';
import type { CompileResult } from '../src/build/compile-plugin.js';
import { encodeState } from './share-link.js';
import { stateFromTemplate, TEMPLATES, type TemplateName } from './templates.js';

/** New compile workers timed to the compiler ready, per template (the median is reported). */
const READY_RUNS = 3;
/** Warm compiles per template (the median is reported): one compile alone swings with the machine's load. */
const WARM_RUNS = 5;
/** New compile workers per template for each of the warmed-up measures (the median is reported). */
const WARMED_RUNS = 3;
/** How long after asking for the warm-up `nextDuringWarmUpMs` asks for its compile: a warm-up compile is running by then. */
const INTO_WARM_UP_MS = 50;

/** Milliseconds, measured in the page around the whole round trip to the compile worker. */
export interface CompileTiming {
  template: TemplateName;
  /**
   * A new compile worker to the compiler loaded (from the HTTP cache), measured in the worker:
   * the median of READY_RUNS new workers, and the parts of the median one.
   */
  readyMs: number;
  readyWasmMs: number;
  readyImportMs: number;
  coldMs: number;
  /** The median of WARM_RUNS compiles after the first, in the same worker. */
  warmMs: number;
  /** The first of those: the compile right after the first (all the bench once timed). */
  warmFirstMs: number;
  /** The same warm compile with binaryen's optimizer (what the playground did before it skipped it). */
  warmOptimizedMs: number;
  /**
   * The compile after the first in a worker that then ran the playground's warm-up compiles
   * (as after a run, while the user reads it) of an edited source: what the user waits for
   * on their second compile. Median of WARMED_RUNS new workers.
   */
  nextWarmedMs: number;
  /** The same compile asked INTO_WARM_UP_MS after the warm-up started: it waits for the running warm-up compile. */
  nextDuringWarmUpMs: number;
  /** Milliseconds of each warm-up compile in the median worker of `nextWarmedMs`. */
  warmUpMs: number[];
  /** Bytes of the wasm built. */
  wasmBytes: number;
  /** Characters of the template's share link on this page's origin. */
  linkChars: number;
}

/** Throws, naming `what` and the compiler's messages, unless `result` is a built plugin: a timing of a failed compile means nothing. */
function expectCompiled(what: string, result: CompileResult): asserts result is Extract<CompileResult, { ok: true }> {
  if (!result.ok) throw new Error(`${what} did not compile: ${result.diagnostics.map((d) => d.message).join('; ')}`);
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1];

/** The second compile of `template` (edited, as a user would) in a new worker, after or during the warm-up that follows the first. */
async function nextCompile(template: TemplateName, during: boolean): Promise<{ ms: number; warmUpMs: number[] }> {
  const compiler = new PlaygroundCompiler({ optimize: false });
  const { source } = TEMPLATES[template];
  try {
    await compiler.warmUp();
    await compiler.compile(template, source);
    const warmUp = compiler.warmUpWith(template, source);
    let warmUpMs: number[] = [];
    if (during) await new Promise((resolve) => setTimeout(resolve, INTO_WARM_UP_MS));
    else warmUpMs = (await warmUp).ms;
    const started = performance.now();
    const next = await compiler.compile(template, `${source}\n// edited\n`);
    const ms = performance.now() - started;
    await warmUp;
    expectCompiled(`The edited ${template} template`, next.result);
    return { ms, warmUpMs };
  } finally {
    compiler.dispose();
  }
}

async function measureCompiles(): Promise<CompileTiming[]> {
  const timings: CompileTiming[] = [];
  for (const template of Object.keys(TEMPLATES) as TemplateName[]) {
    const compiler = new PlaygroundCompiler({ optimize: false });
    const { source } = TEMPLATES[template];
    try {
      const readies: CompilerReady[] = [];
      for (let i = 0; i < READY_RUNS - 1; i++) {
        const probe = new PlaygroundCompiler({ optimize: false });
        try {
          readies.push(await probe.warmUp());
        } finally {
          probe.dispose();
        }
      }
      readies.push(await compiler.warmUp());
      const ready = readies.sort((a, b) => a.ms - b.ms)[readies.length >> 1];
      let started = performance.now();
      await compiler.compile(template, source);
      const coldMs = performance.now() - started;
      // The compiles right after the first, as before, only more of them.
      const warmRuns: number[] = [];
      const compileWarm = async () => {
        const at = performance.now();
        const out = await compiler.compile(template, source);
        warmRuns.push(performance.now() - at);
        return out;
      };
      const warm = await compileWarm();
      for (let i = 1; i < WARM_RUNS; i++) await compileWarm();
      const warmFirstMs = warmRuns[0];
      const warmMs = median(warmRuns);
      started = performance.now();
      await compiler.compile(template, source, undefined, true);
      const warmOptimizedMs = performance.now() - started;
      expectCompiled(`The ${template} template`, warm.result);
      const link = `${location.origin}${location.pathname}#${encodeState(stateFromTemplate(template))}`;
      const warmed: Array<{ ms: number; warmUpMs: number[] }> = [];
      const during: number[] = [];
      for (let i = 0; i < WARMED_RUNS; i++) {
        warmed.push(await nextCompile(template, false));
        during.push((await nextCompile(template, true)).ms);
      }
      const nextWarmed = warmed.sort((a, b) => a.ms - b.ms)[WARMED_RUNS >> 1];
      timings.push({
        template,
        readyMs: ready.ms,
        readyWasmMs: ready.wasmCompiledMs,
        readyImportMs: ready.importedMs,
        coldMs,
        warmMs,
        warmFirstMs,
        warmOptimizedMs,
        nextWarmedMs: nextWarmed.ms,
        nextDuringWarmUpMs: median(during),
        warmUpMs: nextWarmed.warmUpMs,
        wasmBytes: warm.result.wasm.length,
        linkChars: link.length,
      });
    } finally {
      compiler.dispose();
    }
  }
  return timings;
}

/**
 * One compile worker driven a step at a time, for bench/profile-compile.ts, which profiles the
 * worker between the steps: `open` loads the compiler, `compile` times one compile of a template.
 */
class SteppedCompiler {
  #compiler: PlaygroundCompiler | null = null;

  async open(): Promise<CompilerReady> {
    this.close();
    this.#compiler = new PlaygroundCompiler({ optimize: false });
    return this.#compiler.warmUp();
  }

  async compile(template: TemplateName): Promise<number> {
    if (this.#compiler === null) throw new Error('Open the compiler first.');
    const started = performance.now();
    const { result } = await this.#compiler.compile(template, TEMPLATES[template].source);
    expectCompiled(`The ${template} template`, result);
    return performance.now() - started;
  }

  close(): void {
    this.#compiler?.dispose();
    this.#compiler = null;
  }
}

declare global {
  interface Window {
    trovatoPlaygroundBench?: { measureCompiles: () => Promise<CompileTiming[]>; stepped: SteppedCompiler };
  }
}

window.trovatoPlaygroundBench = { measureCompiles, stepped: new SteppedCompiler() };
