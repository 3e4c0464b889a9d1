import { describe, expect, it } from 'vitest';
import { createWorkerSupervision } from './supervision.js';

/** The messages posted to the supervisor's end of a fresh channel; `settle` waits until all posted so far arrived. */
function watched(supervision: ReturnType<typeof createWorkerSupervision>): { received: unknown[]; settle: () => Promise<void>; close: () => void } {
  const channel = new MessageChannel();
  const received: unknown[] = [];
  let ponged: (() => void) | null = null;
  channel.port1.onmessage = (event: MessageEvent) => {
    if (event.data === 'pong') ponged?.();
    else received.push(event.data);
  };
  void supervision.api.watchCalls(channel.port2);
  return {
    received,
    // The pong comes after every message the worker's side posted before the ping arrived.
    settle: () =>
      new Promise((resolve) => {
        ponged = resolve;
        channel.port1.postMessage('ping');
      }),
    close: () => channel.port1.close(),
  };
}

describe("the worker's half of supervision", () => {
  it('posts each call start, but not the same call again in a row; a new port hears the current call again', async () => {
    const supervision = createWorkerSupervision(() => []);
    const { onCallStart } = supervision.kernelOptions();
    if (onCallStart === undefined) throw new Error('The supervision gives no onCallStart.');
    const first = watched(supervision);
    onCallStart('blog', 'tap_item_access');
    onCallStart('blog', 'tap_item_access');
    onCallStart('notes', 'tap_item_access');
    onCallStart('blog', 'tap_item_access');
    onCallStart('blog', 'blog_page');
    onCallStart('blog', 'blog_page');
    await first.settle();
    expect(first.received).toEqual([
      ['blog', 'tap_item_access'],
      ['notes', 'tap_item_access'],
      ['blog', 'tap_item_access'],
      ['blog', 'blog_page'],
    ]);
    // After a restart the supervisor knows nothing of the last worker's calls.
    const second = watched(supervision);
    onCallStart('blog', 'blog_page');
    await second.settle();
    expect(second.received).toEqual([['blog', 'blog_page']]);
    first.close();
    second.close();
  });

  it('tells a port that arrives during a plugin call which call is running (a boot started before the page watched it)', async () => {
    const supervision = createWorkerSupervision(() => []);
    const { onCallStart } = supervision.kernelOptions();
    if (onCallStart === undefined) throw new Error('The supervision gives no onCallStart.');
    onCallStart('blog', 'tap_menu');
    onCallStart('notes', 'tap_install');
    const late = watched(supervision);
    await late.settle();
    expect(late.received).toEqual([['notes', 'tap_install']]);
    late.close();
  });
});
