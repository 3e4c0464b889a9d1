/**
 * Where a one-handler dispatch's time goes beyond the warm JSON call (bench/cases.ts), step by
 * step, in Node: `npx tsx bench/dispatch-steps.ts [seconds]` (default 10). Each step S1-S4 adds
 * one part of the kernel's work to the step before, on the real rewritten module and the real
 * pool; S5 is the dispatcher itself and S6 a whole request, as the bench's dispatch case runs
 * it. R0 and R1 price a request's own parts: an await, and a request that dispatches a tap
 * nobody implements. The steps run in turns, round after round; each is printed as its ratio to
 * the warm call of the same round (median and middle half) and as its median step over the one
 * printed before it. Times are the CPU time of this process (process.cpuUsage), so waiting for a
 * core on a shared machine is not counted.
 */
import { createKernel } from '../src/kernel/kernel.js';
import { loadPlugins } from '../src/kernel/plugin/loader.js';
import { pooledInstances } from '../src/kernel/plugin/instance-pool.js';
import { fuelCounter, fuelGauge } from '../src/kernel/plugin/fuel.js';
import { markWritten } from '../src/kernel/plugin/written-range.js';
import { memoryBytes, type PluginInstance } from '../src/kernel/plugin/plugin-instance.js';
import { InputEncoder } from '../src/kernel/tap/input-encoder.js';
import { ECHO, watPlugin } from '../test/support/wat-plugin.js';
import { INPUT } from './cases.js';

const seconds = Number(process.argv[2] ?? 10);
/** Operations per timed batch. */
const BATCH = 300;
/** The echo's fuel: far more than a batch burns; topped up before it could run out. */
const FUEL = 100_000_000;

type EchoExports = { memory: WebAssembly.Memory; alloc(n: number): number; tap_item_view(p: number, l: number): bigint };

const echo = await watPlugin({ name: 'echo', exports: { tap_item_view: ECHO } });

// S0: the bench's baseline, verbatim (bench/cases.ts): the unrewritten module, one warm instance.
const warm = new WebAssembly.Instance(await WebAssembly.compile(echo.wasm as BufferSource), {}).exports as unknown as EchoExports;
const warmPtr = warm.alloc(200);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const warmJson = (): unknown => {
  const { written } = encoder.encodeInto(JSON.stringify(INPUT), new Uint8Array(warm.memory.buffer, warmPtr, 32768 - 64));
  const packed = BigInt.asUintN(64, warm.tap_item_view(warmPtr, written));
  const ptr = Number(packed >> 32n);
  const len = Number(packed & 0xffffffffn);
  return JSON.parse(decoder.decode(new Uint8Array(warm.memory.buffer, ptr, len)));
};

// The module as the kernel runs it (fuel and the written range woven in), in the kernel's pool.
const { order } = await loadPlugins([echo], { maxMemoryPages: 256, fuel: true });
const pool = pooledInstances(order[0].module, {}, (instance) => {
  const counter = fuelCounter(instance.exports);
  if (counter) counter.value = FUEL;
});
const metered = pool.acquire();
const meteredExports = metered.exports as unknown as EchoExports;
const meteredFuel = fuelCounter(metered.exports);
const meteredGauge = fuelGauge(metered.exports);
const meteredHeap = metered.exports.__trovato_global_0;
if (!meteredFuel || !meteredGauge || !(meteredHeap instanceof WebAssembly.Global)) throw new Error('The rewritten echo has no fuel counter or no exported heap pointer.');
const heapAtStart = meteredHeap.value as number;
const meteredPtr = meteredExports.alloc(200);
let calls = 0;
/** Puts the never-reset instance of S1-S3 back where it started, now and then, so it runs forever. */
const topUp = (): void => {
  if ((++calls & 1023) !== 0) return;
  meteredFuel.value = FUEL;
  meteredHeap.value = heapAtStart + 256;
};

// S1: the warm JSON call on the rewritten module: what the metering costs inside wasm.
const meteredJson = (): unknown => {
  topUp();
  const { written } = encoder.encodeInto(JSON.stringify(INPUT), new Uint8Array(meteredExports.memory.buffer, meteredPtr, 32768 - 64));
  const packed = BigInt.asUintN(64, meteredExports.tap_item_view(meteredPtr, written));
  return JSON.parse(decoder.decode(new Uint8Array(meteredExports.memory.buffer, Number(packed >> 32n), Number(packed & 0xffffffffn))));
};

// S2: the dispatcher's input and output: encoded into the kept buffer, alloc, copied in, the
// packed result split through a typed array, decoded strictly.
const inputs = new InputEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const PACKED = new BigUint64Array(1);
const HALVES = new Uint32Array(PACKED.buffer);
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
function callWithIo(instance: PluginInstance): unknown {
  const bytes = inputs.encode(INPUT);
  if (!bytes) throw new Error('The bench input encoded to nothing.');
  try {
    const exports = instance.exports as unknown as EchoExports;
    const ptr = exports.alloc(bytes.length) >>> 0;
    markWritten(instance.written, ptr, ptr + bytes.length);
    memoryBytes(instance).set(bytes, ptr);
    PACKED[0] = exports.tap_item_view(ptr, bytes.length);
    const at = HALVES[1 - LOW];
    return JSON.parse(strictUtf8.decode(memoryBytes(instance).subarray(at, at + HALVES[LOW])));
  } finally {
    inputs.release();
  }
}
const withIo = (): unknown => {
  topUp();
  return callWithIo(metered);
};

// S3: + the fuel set before the call and read after it, as the dispatcher does (fuelGauge).
const withFuel = (): unknown => {
  topUp();
  meteredGauge.set(FUEL);
  const output = callWithIo(metered);
  if (meteredGauge.left() < 0) throw new Error('The echo ran out of fuel.');
  return output;
};
pool.release(metered, { trapped: false });

// S4: + an instance from the pool and its reset (the written range, the globals) after the call.
const KEPT = { trapped: false };
const withReset = (): unknown => {
  const instance = pool.acquire();
  const gauge = instance.fuel ?? fuelGauge(instance.exports);
  if (!gauge) throw new Error('A pooled echo has no fuel counter.');
  gauge.set(FUEL);
  const output = callWithIo(instance);
  if (gauge.left() < 0) throw new Error('The echo ran out of fuel.');
  pool.release(instance, KEPT);
  return output;
};
if (JSON.stringify(withReset()) !== JSON.stringify(INPUT)) throw new Error('The pooled echo did not answer its input.');

const kernel = createKernel();
await kernel.load([echo]);

const clock = (): number => {
  const used = process.cpuUsage();
  return used.user + used.system;
};
const timeSync = (op: () => unknown): number => {
  const start = clock();
  for (let i = 0; i < BATCH; i++) op();
  return (clock() - start) / BATCH;
};
const timeAsync = async (op: () => Promise<unknown>): Promise<number> => {
  const start = clock();
  for (let i = 0; i < BATCH; i++) await op();
  return (clock() - start) / BATCH;
};

const steps: Array<[string, () => number | Promise<number>]> = [
  ['S0 warm JSON call (the bench baseline)', () => timeSync(warmJson)],
  ['S1 the same on the rewritten (metered) module', () => timeSync(meteredJson)],
  ["S2 + the dispatcher's input and output", () => timeSync(withIo)],
  ['S3 + fuel counter set and read', () => timeSync(withFuel)],
  ['S4 + pool acquire and release (reset)', () => timeSync(withReset)],
  [
    `S5 Dispatcher.dispatch (${BATCH} in one request)`,
    async () => {
      const start = clock();
      await kernel.request(undefined, (session) => {
        for (let i = 0; i < BATCH; i++) session.dispatch('tap_item_view', INPUT);
      });
      return (clock() - start) / BATCH;
    },
  ],
  ['S6 kernel.dispatch, awaited (the bench case)', () => timeAsync(() => kernel.dispatch('tap_item_view', INPUT))],
  ['R0 an await of a settled promise', () => timeAsync(() => Promise.resolve(0))],
  ['R1 kernel.dispatch of a tap nobody implements', () => timeAsync(() => kernel.dispatch('tap_nobody_implements', null))],
];

for (const [, run] of steps) await run();
const rounds = steps.map(() => [] as number[]);
const end = performance.now() + seconds * 1000;
while (performance.now() < end) {
  for (let s = 0; s < steps.length; s++) rounds[s].push(await steps[s][1]());
}

const quantile = (values: number[], q: number): number => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) * q)];
console.log(`${rounds[0].length} rounds of ${BATCH} operations per step`);
for (let s = 0; s < steps.length; s++) {
  const ratios = rounds[s].map((time, round) => time / rounds[0][round]);
  const step = s > 0 && s < 7 ? `  step ${quantile(rounds[s].map((time, round) => time - rounds[s - 1][round]), 0.5).toFixed(3)} µs` : '';
  console.log(
    `${steps[s][0].padEnd(48)} ${quantile(rounds[s], 0.5).toFixed(3)} µs  ${quantile(ratios, 0.5).toFixed(2)}x warm (${quantile(ratios, 0.25).toFixed(2)}–${quantile(ratios, 0.75).toFixed(2)})${step}`,
  );
}
