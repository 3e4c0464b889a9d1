/**
 * The last-page snapshot on the BUILT site (real IndexedDB in Debian's Chromium): kept once,
 * when the page is left or hidden, of the page shown last (a reload fires pagehide); shown at
 * once on a reload when nothing changed, inert, and replaced by the live page; never shown after
 * a write to the site, nor to another user than the one it was made for. The kernel is held back
 * (its plugin files delayed) so that what shows before it answers can be looked at.
 */
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright';
import { useE2eSite, userSwitcher } from '../support/e2e-site.js';
import { SNAPSHOT_MARK, SNAPSHOT_WITHDRAWN_MARK, snapshotKey, type PageSnapshot } from '../../src/ui/page-snapshot.js';
import { mirrorKey } from '../../src/ui/data-version-mirror.js';
import { userChoiceKey } from '../../src/ui/user-choice.js';
import { CRON_LAST_RUN_SETTING } from '../../src/site/cron-schedule.js';
import { EARLY_FIRST_PAGE_MARK } from '../../src/ui/worker-page-source.js';

const SITE = 'trovato-site';
const USER_KEY = userChoiceKey(SITE);

const WAIT = 90_000;
const ADMIN_ID = '00000000-0000-4000-8000-0000000000ad';
const EDITOR_ID = '00000000-0000-4000-8000-00000000ed17';

const e2e = useE2eSite();

/** A fresh context whose plugin files can be held back with `hold()` until `release()`. */
async function newContext(): Promise<{ context: BrowserContext; page: Page; errors: string[]; hold: () => Promise<void>; release: () => void }> {
  const { context, page, errors } = await e2e.newPage({ timeoutMs: WAIT });
  let gate: Promise<void> | null = null;
  let open = (): void => undefined;
  await context.route('**/plugins/**', async (route) => {
    await gate;
    await route.continue();
  });
  return {
    context,
    page,
    errors,
    hold: async () => {
      gate = new Promise((resolve) => (open = resolve));
    },
    release: () => open(),
  };
}

/** The live site has shown its page (the user switcher is up and the main column has settled). */
async function live(page: Page): Promise<void> {
  await page.locator('trovato-site main[aria-busy="false"]').waitFor();
}

/**
 * Opens `path` in a fresh browser: a first visit, whose first page the worker's early boot
 * built, and whose cron run is due at once. Resolves once that run has been recorded, so nothing
 * of the first visit is still being written when a test goes on.
 */
async function firstVisit(page: Page, path: string): Promise<void> {
  await page.goto(e2e.url(path));
  await live(page);
  await page.waitForFunction(
    ({ database, setting }) =>
      new Promise<boolean>((resolve) => {
        const request = indexedDB.open(database);
        request.onsuccess = () => {
          const db = request.result;
          const get = db.transaction('site', 'readonly').objectStore('site').get(setting);
          get.onsuccess = () => {
            resolve(get.result !== undefined);
            db.close();
          };
          get.onerror = () => resolve(false);
        };
        request.onerror = () => resolve(false);
      }),
    { database: SITE, setting: CRON_LAST_RUN_SETTING },
    { polling: 100, timeout: WAIT },
  );
}

/** The snapshot kept in this browser for `user` ('' for no pick), or null. */
function keptSnapshot(page: Page, user: string): Promise<PageSnapshot | null> {
  return page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? 'null') as PageSnapshot | null, snapshotKey(SITE, user));
}

/** The site database's data version now. */
function dataVersion(page: Page): Promise<unknown> {
  return accessDataVersion(page, false);
}

/**
 * Replaces the data version in IndexedDB only, as a write does whose announcement no page heard
 * (the page that made it closed as it committed): the mirror still holds the version before.
 */
async function writeUnannounced(page: Page): Promise<void> {
  await accessDataVersion(page, true);
}

/** The site database's data version, after replacing it with a new token when `replace` is set. */
function accessDataVersion(page: Page, replace: boolean): Promise<unknown> {
  return page.evaluate(
    ({ database, replace }) =>
      new Promise<unknown>((resolve, reject) => {
        const request = indexedDB.open(database);
        request.onsuccess = () => {
          const db = request.result;
          const store = db.transaction('meta', replace ? 'readwrite' : 'readonly').objectStore('meta');
          const token = crypto.randomUUID();
          const done = replace ? store.put(token, 'data-version') : store.get('data-version');
          done.onsuccess = () => {
            // A put's transaction is committed once this request's transaction completes.
            done.transaction!.oncomplete = () => {
              resolve(replace ? token : done.result);
              db.close();
            };
          };
          done.onerror = () => reject(done.error);
        };
        request.onerror = () => reject(request.error);
      }),
    { database: SITE, replace },
  );
}

/** The data version the site's pages last heard announced (data-version-mirror.ts), or null. */
function mirroredVersion(page: Page): Promise<string | null> {
  return page.evaluate((key) => localStorage.getItem(key), mirrorKey(SITE));
}

/** Lets the page's thread go idle twice and then wait 500 ms: whatever a page left for later has run. */
function settle(page: Page): Promise<void> {
  return page.evaluate(async () => {
    for (let i = 0; i < 2; i++) await new Promise((resolve) => requestIdleCallback(resolve, { timeout: 5000 }));
    await new Promise((resolve) => setTimeout(resolve, 500));
  });
}

/**
 * Hides the page as a switch to another tab does (`visibilitychange`, the state read as hidden),
 * then shows it again. Headless Chromium keeps every page visible, so the state is overridden
 * for the moment of the event.
 */
function hideAndShow(page: Page): Promise<void> {
  return page.evaluate(() => {
    for (const state of ['hidden', 'visible']) {
      Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    }
    // Back to the browser's own answer.
    delete (document as { visibilityState?: unknown }).visibilityState;
  });
}

function snapshotHost(page: Page) {
  return page.locator('#trovato-snapshot');
}

/** Whether this page load showed a snapshot (its User Timing mark), asked once the live page is up. */
function snapshotWasShown(page: Page): Promise<boolean> {
  return page.evaluate((mark) => performance.getEntriesByName(mark).length > 0, SNAPSHOT_MARK);
}

/** Picks `userId` (as the switcher does) and shows /blog to them live: leaving it keeps it as their snapshot. */
async function blogShownTo(page: Page, userId: string): Promise<void> {
  await firstVisit(page, '/blog');
  await pickUser(page, userId);
  await page.reload();
  await live(page);
}

/** Picks `userId` for the next load, as the user switcher does. */
function pickUser(page: Page, userId: string): Promise<void> {
  return page.evaluate(([key, id]) => localStorage.setItem(key, id), [USER_KEY, userId] as const);
}

describe('the last-page snapshot', { timeout: 300_000 }, () => {
  it('shows the last page at once on a reload, inert, and the live page replaces it', async () => {
    const { page, errors, hold, release } = await newContext();
    await firstVisit(page, '/blog');
    // Leaving the page keeps it; shown live again, it is kept again on the next reload.
    await page.reload();
    await live(page);

    await hold();
    await page.reload();
    const host = snapshotHost(page);
    await host.waitFor();
    expect(await host.evaluate((element) => (element as HTMLElement).inert)).toBe(true);
    expect(await page.locator('trovato-site').isVisible()).toBe(false);
    // The mirrored data version vouched for it, so it went in while the page was still being
    // parsed, as a static page's content would, not once the whole document was in.
    const [shownAt, parsedAt] = await page.evaluate(() => [
      performance.getEntriesByName('trovato:snapshot')[0].startTime,
      (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domInteractive,
    ]);
    expect(shownAt).toBeLessThan(parsedAt);
    const link = host.locator('a', { hasText: 'A first post, written by a plugin' });
    await link.waitFor();
    // Inert: a click on its link does not reach it (hit testing passes over inert content), so
    // nothing in the snapshot can act on stale state.
    const reached = page.evaluate(
      () =>
        new Promise<boolean>((resolve) => {
          const snapshot = document.getElementById('trovato-snapshot');
          document.addEventListener('click', (event) => resolve(snapshot !== null && event.composedPath().includes(snapshot)), { capture: true, once: true });
        }),
    );
    const box = (await link.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    expect(await reached).toBe(false);
    expect(new URL(page.url()).pathname).toBe('/blog');
    expect(await page.evaluate(() => performance.getEntriesByName('trovato:first-page').length)).toBe(0);

    release();
    await live(page);
    expect(await host.count()).toBe(0);
    expect(await page.locator('trovato-site').isVisible()).toBe(true);
    // The plugin files were asked for once each, by the boot script's preloads, and only once the
    // snapshot was in (as tags in the HTML they were handled while the page was parsed, before
    // it): the page's own fetches took those responses.
    const requests = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((entry) => new URL(entry.name).pathname.startsWith('/plugins/'))
        .map((entry) => ({ path: new URL(entry.name).pathname, initiator: (entry as PerformanceResourceTiming).initiatorType, start: entry.startTime })),
    );
    expect(requests.map((request) => request.path)).toContain('/plugins/plugins.json');
    expect(new Set(requests.map((request) => request.path)).size).toBe(requests.length);
    expect(requests.filter((request) => request.initiator !== 'link')).toEqual([]);
    expect(Math.min(...requests.map((request) => request.start))).toBeGreaterThanOrEqual(shownAt);
    // The live page is the one that answers.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Hello', exact: true }).click();
    await page.getByRole('heading', { name: 'Hello, world!', exact: true }).waitFor();
    expect(errors).toEqual([]);
  });

  it('is not shown after a write to the site', async () => {
    const { page, errors, hold, release } = await newContext();
    await blogShownTo(page, ADMIN_ID);

    // An admin page is never kept: /blog stays the last page. Nothing written: the snapshot shows.
    await page.goto(e2e.url('/admin/plugins'));
    await live(page);
    await page.goto(e2e.url('/blog'));
    await live(page);
    expect(await snapshotWasShown(page)).toBe(true);

    await page.goto(e2e.url('/admin/plugins'));
    await live(page);
    await page.getByRole('button', { name: 'Disable hello' }).click();
    await page.getByRole('button', { name: 'Enable hello' }).waitFor();
    // The worker announced the write's data version, and the page keeps it for the next boot.
    const written = await dataVersion(page);
    await expect.poll(() => mirroredVersion(page), { timeout: WAIT }).toBe(written);
    await hold();
    await page.goto(e2e.url('/blog'));
    await page.locator('trovato-site').waitFor({ state: 'attached' });
    release();
    await live(page);
    expect(await snapshotWasShown(page)).toBe(false);
    // Hello is disabled: the live menu has no link to it.
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Hello', exact: true }).count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('is never shown to another user than the one it was made for', async () => {
    const { page, errors } = await newContext();
    await blogShownTo(page, ADMIN_ID);

    // Another user picked (as the switcher does): the admin's snapshot is not theirs.
    await pickUser(page, EDITOR_ID);
    await page.reload();
    await live(page);
    expect(await snapshotWasShown(page)).toBe(false);
    expect(await userSwitcher(page).locator('option:checked').innerText()).toBe('Edna Editor');

    // The switcher: the live page is shown as the new user, and a reload shows that user's own snapshot.
    await userSwitcher(page).selectOption({ label: 'Anonymous' });
    await live(page);
    await page.reload();
    await live(page);
    expect(await snapshotWasShown(page)).toBe(true);
    expect(await userSwitcher(page).locator('option:checked').innerText()).toBe('Anonymous');
    expect(errors).toEqual([]);
  });

  it("keeps a first visit's first page (the worker built it before the page could read the data version): the first reload shows it", async () => {
    const { page, errors, hold, release } = await newContext();
    await firstVisit(page, '/hello');
    expect(await page.evaluate((mark) => performance.getEntriesByName(mark).length, EARLY_FIRST_PAGE_MARK)).toBe(1);

    await hold();
    await page.reload();
    await snapshotHost(page).getByRole('heading', { name: 'Hello, world!', exact: true }).waitFor();
    release();
    await live(page);
    expect(await snapshotWasShown(page)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('is not written while the visitor navigates; leaving keeps the page shown last', async () => {
    const { page, errors, hold, release } = await newContext();
    await firstVisit(page, '/blog');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Hello', exact: true }).click();
    await page.getByRole('heading', { name: 'Hello, world!', exact: true }).waitFor();
    await live(page);
    await settle(page);
    // Two pages shown, the page idle since: nothing serialized, nothing written.
    expect(await keptSnapshot(page, '')).toBeNull();

    await hold();
    await page.reload();
    const host = snapshotHost(page);
    await host.getByRole('heading', { name: 'Hello, world!', exact: true }).waitFor();
    expect(await page.evaluate((mark) => (performance.getEntriesByName(mark)[0] as PerformanceMark).detail, SNAPSHOT_MARK)).toBe('/hello');
    release();
    await live(page);
    expect(await host.count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('hidden, shown again and navigated: the page left is kept, not the one hidden', async () => {
    const { page, errors, hold, release } = await newContext();
    await firstVisit(page, '/blog');
    await page.reload();
    await live(page);
    await hideAndShow(page);
    // Hidden: the page shown is kept at once (a mobile browser may never fire pagehide).
    expect((await keptSnapshot(page, ''))?.location).toBe('/blog');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Hello', exact: true }).click();
    await page.getByRole('heading', { name: 'Hello, world!', exact: true }).waitFor();
    await live(page);
    await hold();
    await page.reload();
    await snapshotHost(page).getByRole('heading', { name: 'Hello, world!', exact: true }).waitFor();
    release();
    await live(page);
    expect((await keptSnapshot(page, ''))?.location).toBe('/hello');

    // Back at /blog, whose snapshot was kept while hidden: it is not the last page any more.
    await page.goto(e2e.url('/blog'));
    await live(page);
    expect(await snapshotWasShown(page)).toBe(false);
    expect(errors).toEqual([]);
  });

  it('a write after the page was shown keeps its snapshot from showing', async () => {
    const { context, page, errors, hold, release } = await newContext();
    await firstVisit(page, '/blog');
    await page.reload();
    await live(page);
    const shownAt = await dataVersion(page);

    // Another tab, as the admin, writes to the same site while /blog is shown here.
    // The pick is shared by the tabs (localStorage); this tab's site read its own at its start.
    await pickUser(page, ADMIN_ID);
    const other = await context.newPage();
    await other.goto(e2e.url('/admin/plugins'));
    await live(other);
    await other.getByRole('button', { name: 'Disable hello' }).click();
    await other.getByRole('button', { name: 'Enable hello' }).waitFor();
    await other.close();
    await page.evaluate((key) => localStorage.removeItem(key), USER_KEY);

    await hold();
    await page.reload();
    await page.locator('trovato-site').waitFor({ state: 'attached' });
    release();
    await live(page);
    // Kept on leaving, with the data version it was shown from, which is no longer the current one.
    const kept = await keptSnapshot(page, '');
    expect(kept?.location).toBe('/blog');
    expect(kept?.dataVersion).toBe(shownAt);
    expect(await dataVersion(page)).not.toBe(shownAt);
    expect(await snapshotWasShown(page)).toBe(false);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Hello', exact: true }).count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it("shows on the mirrored data version before IndexedDB answers, and withdraws it when IndexedDB holds a newer one", async () => {
    const { page, errors, hold, release } = await newContext();
    await firstVisit(page, '/blog');
    await page.reload();
    await live(page);
    // Every write of the first visit was announced: the mirror holds the database's version.
    expect(await mirroredVersion(page)).toBe(await dataVersion(page));

    await writeUnannounced(page);
    const current = await dataVersion(page);
    expect(await mirroredVersion(page)).not.toBe(current);
    await hold();
    await page.reload();
    // Withdrawn on IndexedDB's answer, while the kernel is still held back.
    await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, SNAPSHOT_WITHDRAWN_MARK, { timeout: WAIT });
    expect(await snapshotWasShown(page)).toBe(true);
    expect(await snapshotHost(page).count()).toBe(0);
    expect(await page.locator('trovato-site').evaluate((site) => (site as HTMLElement).style.display)).toBe('');
    // And the boot set the mirror right: the next boot waits for no withdrawal.
    expect(await mirroredVersion(page)).toBe(current);
    release();
    await live(page);
    expect(errors).toEqual([]);
  });
});
