/**
 * Property tests for the two places where a plugin hands the kernel raw numbers: the packed
 * i64 a tap returns (read back out of its memory) and the (ptr, len) arguments of host calls.
 * Whatever the numbers and the memory hold, nothing throws out of the kernel: a tap's result is
 * parsed JSON or an error naming plugin and tap; a host call returns its code.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Dispatcher } from '../../src/kernel/tap/dispatcher.js';
import { TapRegistry } from '../../src/kernel/tap/registry.js';
import { CallStack, adaptHostFunction, type ActiveCall } from '../../src/kernel/host/abi.js';
import { HostCode, HostFailure } from '../../src/kernel/contract/host-codes.js';
import { HOST_FUNCTIONS, type HostFunctionSpec } from '../../src/kernel/contract/imports.js';
import { createRequestState } from '../../src/kernel/request/request-state.js';
import { anonymousUser } from '../../src/kernel/common/users.js';
import type { InstanceSource, PluginInstance } from '../../src/kernel/plugin/plugin-instance.js';

const PAGE = 65536;
const utf8 = new TextEncoder();

/** Memory contents: random bytes, JSON text, or deep brackets, placed at an offset. */
const contents = fc.oneof(
  fc.uint8Array({ maxLength: 512 }),
  fc.jsonValue().map((value) => utf8.encode(JSON.stringify(value))),
  fc.string({ unit: 'binary', maxLength: 200 }).map((text) => utf8.encode(text)),
  fc.integer({ min: 1, max: 30_000 }).map((depth) => utf8.encode('['.repeat(depth) + ']'.repeat(depth))),
);

/** Packed results: anything in 64 bits, or a (ptr, len) near the contents, or not a bigint at all. */
function packedFor(offset: number, length: number): fc.Arbitrary<unknown> {
  const near = fc.tuple(fc.integer({ min: -8, max: 8 }), fc.integer({ min: -8, max: 8 })).map(([dp, dl]) => {
    const ptr = BigInt(Math.max(0, offset + dp));
    const len = BigInt(Math.max(0, length + dl));
    return (ptr << 32n) | len;
  });
  return fc.oneof(
    { weight: 4, arbitrary: near },
    { weight: 1, arbitrary: fc.constant(BigInt(offset) << 32n | BigInt(length)) },
    { weight: 2, arbitrary: fc.bigInt({ min: -(1n << 63n), max: (1n << 64n) - 1n }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, 0, 1.5, 'x', null) },
  );
}

function fakeSource(memory: WebAssembly.Memory, result: () => unknown): InstanceSource {
  const instance = { exports: { memory, alloc: () => 60_000, tap_cron: () => result() } } as unknown as PluginInstance;
  return { acquire: () => instance, release: () => undefined };
}

describe('the ABI §3 output decoder under arbitrary results', () => {
  it('never throws out of the dispatcher; answers JSON or an error naming plugin and tap', { timeout: 120_000 }, () => {
    const sample = fc
      .tuple(contents, fc.integer({ min: 0, max: PAGE - 1 }))
      .chain(([bytes, at]) => {
        const offset = Math.min(at, PAGE - bytes.length);
        return fc.tuple(fc.constant(bytes), fc.constant(offset), packedFor(offset, bytes.length), fc.boolean());
      });
    fc.assert(
      fc.property(sample, ([bytes, offset, packed, withInput]) => {
        const memory = new WebAssembly.Memory({ initial: 1 });
        new Uint8Array(memory.buffer).set(bytes, offset);
        const dispatcher = new Dispatcher(new TapRegistry(), new CallStack(), { instances: () => fakeSource(memory, () => packed) });
        const request = createRequestState(anonymousUser());
        const result = dispatcher.call('fuzzed', 'tap_cron', withInput ? utf8.encode('{"a":1}') : null, request);
        expect(result.plugin).toBe('fuzzed');
        if (result.error === undefined) {
          // Success only for a bigint whose (ptr, len) lies in memory and holds JSON (or len 0).
          expect(typeof packed).toBe('bigint');
          const bits = BigInt.asUintN(64, packed as bigint);
          const ptr = Number(bits >> 32n);
          const len = Number(bits & 0xffffffffn);
          const expected = len === 0 ? null : JSON.parse(new TextDecoder().decode(new Uint8Array(memory.buffer, ptr, len)));
          expect(result.output).toEqual(expected);
        } else {
          expect(result.output).toBeNull();
          expect(result.error.startsWith('fuzzed tap_cron')).toBe(true);
          expect(['PLUGIN_OUTPUT_INVALID', 'PLUGIN_REPORTED_ERROR']).toContain(result.errorCode);
        }
        // Whatever came back can cross to the page.
        expect(() => structuredClone(result)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
    // Sized by run count: on a busy two-core machine 2000 runs take longer than the default 5 s.
  });
});

describe('host-call argument decoding under arbitrary pointers', () => {
  const specs = Object.entries(HOST_FUNCTIONS).flatMap(([iface, functions]) =>
    Object.entries(functions as Record<string, HostFunctionSpec>).map(([name, spec]) => ({ name: `${iface}.${name}`, spec })),
  );
  const raw32 = fc.oneof(
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    fc.integer({ min: 0, max: PAGE + 16 }),
    fc.constantFrom(0, 1, PAGE - 1, PAGE, 2 ** 31 - 1, -1, -(2 ** 31)),
  );
  /** What the implementation does with the decoded arguments. */
  const behaviour = fc.oneof(
    fc.string({ maxLength: 300 }).map((text) => () => text),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => () => bytes),
    fc.integer().map((n) => () => n),
    fc.constantFrom(HostCode.notFound, HostCode.permissionDenied, HostCode.limitExceeded).map((code) => () => {
      throw new HostFailure(code, 'refused');
    }),
    fc.constant(() => {
      throw new RangeError('Maximum call stack size exceeded');
    }),
  );

  it('never throws out of adaptHostFunction; returns a count, a status or an ABI error code with last-error set', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...specs),
        fc.array(raw32, { minLength: 10, maxLength: 10 }),
        behaviour,
        fc.uint8Array({ maxLength: 2048 }),
        ({ name, spec }, args, impl, bytes) => {
          const memory = new WebAssembly.Memory({ initial: 1 });
          new Uint8Array(memory.buffer).set(bytes, 128);
          const calls = new CallStack();
          const call: ActiveCall = { plugin: 'fuzzed', memory, request: createRequestState(anonymousUser()), lastError: '', pending: null };
          calls.push(call);
          const fn = adaptHostFunction(calls, name, spec, impl);
          const params = spec.signature.params.length;
          let code: number;
          expect(() => {
            code = fn(...args.slice(0, params));
          }).not.toThrow();
          expect(typeof code!).toBe('number');
          if (code! < 0 && call.lastError !== '') {
            expect(call.lastError.startsWith(`${name}`)).toBe(true);
          }
          if (spec.returnsData && code! < 0) {
            expect(Object.values(HostCode)).toContain(code!);
            expect(call.lastError).not.toBe('');
          }
        },
      ),
      { numRuns: 3000 },
    );
    // Sized by run count, like the test above: a generous timeout instead of fewer runs.
  });
});
