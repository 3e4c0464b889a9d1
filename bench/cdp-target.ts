/**
 * What the profiling scripts share to reach a worker through CDP: a session on a target by its
 * id, through the browser's session (Playwright's own sessions cannot address a worker's), and
 * the shape of a CPU profile it returns.
 */
import type { CDPSession } from 'playwright';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A target's CDP session, through the browser's (non-flat: Playwright's sessions take no session id). */
export function targetSession(browser: CDPSession, sessionId: string): <T>(method: string, params?: Record<string, unknown>) => Promise<T> {
  let next = 1;
  const waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  browser.on('Target.receivedMessageFromTarget', (event: { sessionId: string; message: string }) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string } };
    const pending = message.id === undefined ? undefined : waiting.get(message.id);
    if (pending === undefined || message.id === undefined) return;
    waiting.delete(message.id);
    if (message.error) pending.reject(new Error(message.error.message));
    else pending.resolve(message.result);
  });
  return <T>(method: string, params: Record<string, unknown> = {}) =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve: resolve as (result: unknown) => void, reject });
      browser.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
    });
}
