import { beforeAll, describe, expect, it } from 'vitest';
import { CANCELLED_MESSAGE, compilePlugin, type CompileResult } from '../compile-plugin.js';
import { CompileScheduler, type CompileJob } from './compile-scheduler.js';
import { sdkFiles } from '../../../test/sdk/support.js';

const ENTRY = 'plugins/hello/index.ts';
const GOOD = `import { JsonValue, tap } from "../../sdk";
export { alloc, dealloc } from "../../sdk";
export function tap_cron(ptr: i32, len: i32): i64 { return tap(ptr, len, (v: JsonValue): JsonValue | null => null); }
`;
const BROKEN = `export { alloc, dealloc } from "../../sdk";\n\nexport function f(): i32 {\n  let s: string = 5;\n  return 0;\n}\n`;

/** A job that says whose it is, so a test can see the order the compiler ran them in. */
type Job = CompileJob & { label: string };

/** A deferred: a test releases a compile it holds at its start. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => undefined as void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('CompileScheduler', () => {
  let sdk: Record<string, string>;
  beforeAll(async () => {
    sdk = await sdkFiles();
  });
  const job = (label: string, source: string): Job => ({ label, files: { ...sdk, [ENTRY]: source }, entry: ENTRY, optimize: false });

  /** The real compiler, recording what it started, holding the first warm-up compile until `held` opens. */
  function compiler(held = gate(), options: { failWarmUps?: boolean } = {}) {
    const started: string[] = [];
    const results: Array<{ label: string; result: CompileResult }> = [];
    let heldOnce = false;
    const running = gate();
    const compile = async (j: Job, signal?: AbortSignal): Promise<CompileResult> => {
      started.push(j.label);
      if (j.label === 'warm-up' && !heldOnce) {
        heldOnce = true;
        running.open();
        await held.opened;
      }
      if (j.label === 'warm-up' && options.failWarmUps) throw new Error('binaryen aborted');
      const result = await compilePlugin({ ...j, signal });
      results.push({ label: j.label, result });
      return result;
    };
    return { compile, started, results, held, warmUpRunning: running.opened };
  }

  it('answers a compile asked while a warm-up compile runs with its own result and diagnostics, cancelling that compile at its next file read and the rest of the warm-up', async () => {
    const c = compiler();
    const scheduler = new CompileScheduler<Job>(c.compile);
    const warmUp = scheduler.warmUp(job('warm-up', GOOD), 3);
    await c.warmUpRunning;
    const asked = scheduler.compile(job('user', BROKEN));
    c.held.open();
    const { result } = await asked;
    expect(result.ok).toBe(false);
    expect(result.diagnostics.find((d) => d.severity === 'error')).toMatchObject({ file: ENTRY, line: 4, column: 19 });
    // The warm-up compile stopped at its first read: it counts for nothing.
    expect(await warmUp).toEqual({ ran: 0, ms: [] });
    expect(c.started).toEqual(['warm-up', 'user']);
    expect(c.results[0]).toMatchObject({ label: 'warm-up', result: { ok: false, diagnostics: [{ message: CANCELLED_MESSAGE }] } });
  }, 180_000);

  it('runs a compile that arrives before the next warm-up compile starts first, and no warm-up after it', async () => {
    const c = compiler();
    c.held.open();
    let scheduler: CompileScheduler<Job> | undefined;
    let asked: Promise<{ result: CompileResult }> | undefined;
    // The page's message arrives while the worker yields before its first warm-up compile.
    const yieldToMessages = async (): Promise<void> => {
      asked ??= scheduler?.compile(job('user', GOOD));
    };
    scheduler = new CompileScheduler<Job>(c.compile, { yieldToMessages });
    const warmUp = await scheduler.warmUp(job('warm-up', GOOD), 3);
    expect(warmUp.ran).toBe(0);
    const { result } = await (asked as Promise<{ result: CompileResult }>);
    expect(result.ok).toBe(true);
    expect(c.started).toEqual(['user']);
  }, 180_000);

  it('runs warm-ups only within the worker\'s budget', async () => {
    const c = compiler();
    c.held.open();
    const scheduler = new CompileScheduler<Job>(c.compile, { budget: 2 });
    const first = await scheduler.warmUp(job('warm-up', GOOD), 5);
    expect(first.ran).toBe(2);
    expect(first.ms).toHaveLength(2);
    // A warm-up's compile reads its files a task apart (it gets a signal), and still builds the plugin.
    expect(c.results.map((r) => r.result.ok)).toEqual([true, true]);
    expect((await scheduler.warmUp(job('warm-up', GOOD), 5)).ran).toBe(0);
    expect(c.started).toEqual(['warm-up', 'warm-up']);
  }, 180_000);

  it('rejects a warm-up whose compile throws, with the compiler\'s error, and still runs the next compile', async () => {
    const c = compiler(gate(), { failWarmUps: true });
    c.held.open();
    const scheduler = new CompileScheduler<Job>(c.compile);
    await expect(scheduler.warmUp(job('warm-up', GOOD), 3)).rejects.toThrow('binaryen aborted');
    expect(c.started).toEqual(['warm-up']);
    const { result } = await scheduler.compile(job('user', GOOD));
    expect(result.ok).toBe(true);
  }, 180_000);

  it('lets a newer warm-up replace an older one, whose running compile is cancelled', async () => {
    const c = compiler();
    const scheduler = new CompileScheduler<Job>(c.compile);
    const older = scheduler.warmUp(job('warm-up', GOOD), 3);
    await c.warmUpRunning;
    const newer = scheduler.warmUp(job('newer', GOOD), 1);
    c.held.open();
    expect(await older).toMatchObject({ ran: 0 });
    expect(await newer).toMatchObject({ ran: 1 });
    expect(c.results.map((r) => r.result.ok)).toEqual([false, true]);
    expect(c.started).toEqual(['warm-up', 'newer']);
  }, 180_000);
});
