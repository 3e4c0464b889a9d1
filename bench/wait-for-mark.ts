/**
 * Waits for a User Timing mark in a page without running Playwright's own scripts in it.
 *
 * `page.waitForFunction` first evaluates Playwright's injected script in the page: 12–25 ms of
 * the page's main thread (traced), in the middle of a boot that is still waiting for its worker
 * and its render. A static page's mark is set before that, the site's live page after it, so
 * the bench's wait slowed the very thing it timed. Here the page runs one small promise (a
 * PerformanceObserver) through the DevTools protocol, as no visitor's browser would run any.
 */
import type { CDPSession, Page } from 'playwright';

const sessions = new WeakMap<Page, Promise<CDPSession>>();

function sessionOf(page: Page): Promise<CDPSession> {
  let session = sessions.get(page);
  if (session === undefined) {
    session = page.context().newCDPSession(page);
    sessions.set(page, session);
  }
  return session;
}

/**
 * Resolves once the page's current document has a mark `name` set after `after` (the page's
 * `performance.now()`; by default any), at once if it has one already; to that mark's time.
 */
export async function waitForMark(page: Page, name: string, { after = -Infinity, timeoutMs = 60_000 }: { after?: number; timeoutMs?: number } = {}): Promise<number> {
  const session = await sessionOf(page);
  const mark = JSON.stringify(name);
  const since = Number.isFinite(after) ? String(after) : '-Infinity';
  // Checked and observed in one task of the page: the mark cannot fall between the two.
  const expression = `new Promise((resolve) => {
    const seen = () => performance.getEntriesByName(${mark}, 'mark').find((entry) => entry.startTime > ${since})?.startTime;
    if (seen() !== undefined) return resolve(seen());
    const observer = new PerformanceObserver(() => { const time = seen(); if (time !== undefined) { observer.disconnect(); resolve(time); } });
    observer.observe({ type: 'mark' });
  })`;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${page.url()} set no "${name}" mark within ${timeoutMs} ms: open it in a browser to see why.`)), timeoutMs);
  });
  try {
    const answer = await Promise.race([session.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }), timedOut]);
    if (answer.exceptionDetails !== undefined) throw new Error(`Waiting for the "${name}" mark in ${page.url()} failed: ${answer.exceptionDetails.text}`);
    return answer.result.value as number;
  } finally {
    clearTimeout(timer);
  }
}
