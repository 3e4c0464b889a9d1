/**
 * KernelError across a real comlink channel (a Node MessageChannel, the same protocol as the
 * worker's): thrown errors keep their code, and values that merely have a `value` key (a
 * route's query `?value=1`) are not mistaken for thrown ones.
 */
import { MessageChannel } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { KernelError, kernelErrorTransferHandler } from './errors.js';

Comlink.transferHandlers.set('throw', kernelErrorTransferHandler);

const api = {
  echo: (value: unknown) => value,
  fail: (): never => {
    throw new KernelError('ROUTE_NOT_FOUND', 'No page lives at /nowhere.', { key: 'path' });
  },
  failPlainly: (): never => {
    throw new TypeError('not a kernel error');
  },
};

const ports: Array<{ close(): void }> = [];
afterEach(() => {
  for (const port of ports.splice(0)) port.close();
});

function connect(): Comlink.Remote<typeof api> {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  Comlink.expose(api, port1 as unknown as Comlink.Endpoint);
  return Comlink.wrap<typeof api>(port2 as unknown as Comlink.Endpoint);
}

describe('kernelErrorTransferHandler', () => {
  it('brings a thrown KernelError across with its code and location', async () => {
    const remote = connect();
    const error = await (remote.fail() as Promise<unknown>).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KernelError);
    expect(error).toMatchObject({ code: 'ROUTE_NOT_FOUND', message: 'No page lives at /nowhere.', location: { key: 'path' } });
  });

  it('brings other thrown errors across as errors with their name', async () => {
    const error = await (connect().failPlainly() as Promise<unknown>).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'TypeError', message: 'not a kernel error' });
  });

  it('leaves arguments and results with a "value" or "__proto__" key alone', async () => {
    const remote = connect();
    const query = JSON.parse('{"value":"1","__proto__":"1","name":"x"}') as Record<string, string>;
    const back = (await remote.echo(query)) as Record<string, string>;
    expect(Object.hasOwn(back, '__proto__')).toBe(true);
    expect(back).toEqual(query);
    expect(await remote.echo({ value: { value: 2 } })).toEqual({ value: { value: 2 } });
  });

  it('claims nothing but comlink\'s thrown wrapper', () => {
    expect(kernelErrorTransferHandler.canHandle({ value: 1 })).toBe(false);
    expect(kernelErrorTransferHandler.canHandle({ value: 1, [Symbol('other')]: 0 })).toBe(false);
    expect(kernelErrorTransferHandler.canHandle(null)).toBe(false);
    expect(kernelErrorTransferHandler.canHandle({ value: 1, [Symbol('Comlink.thrown')]: 0 })).toBe(true);
  });
});
