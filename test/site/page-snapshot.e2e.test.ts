/**
 * The last-page snapshot on the BUILT site (real IndexedDB in Debian's Chromium): shown at once
 * on a reload when nothing changed, inert, and replaced by the live page; never shown after a
 * write to the site, nor to another user than the one it was made for. The kernel is held back
 * (its plugin files delayed) so that what shows before it answers can be looked at.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { useE2eSite, userSwitcher } from '../support/e2e-site.js';
import { SNAPSHOT_MARK, snapshotKey } from '../../src/ui/page-snapshot.js';
import { userChoiceKey } from '../../src/ui/user-choice.js';

const SITE = 'trovato-site';
const USER_KEY = userChoiceKey(SITE);

const WAIT = 90_000;
const ADMIN_ID = '00000000-0000-4000-8000-0000000000ad';
const EDITOR_ID = '00000000-0000-4000-8000-00000000ed17';

const e2e = useE2eSite();

/** A fresh context whose plugin files can be held back with `hold()` until `release()`. */
async function newContext(): Promise<{ page: Page; errors: string[]; hold: () => Promise<void>; release: () => void }> {
  const { context, page, errors } = await e2e.newPage({ timeoutMs: WAIT });
  let gate: Promise<void> | null = null;
  let open = (): void => undefined;
  await context.route('**/plugins/**', async (route) => {
    await gate;
    await route.continue();
  });
  return {
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

/** Waits until the page has kept its snapshot of `path` for `user` ('' for no pick) at the site's current data version. */
async function snapshotKept(page: Page, path: string, user: string): Promise<void> {
  await page.waitForFunction(
    async ({ path, key, database }) => {
      const version = await new Promise<unknown>((resolve) => {
        const request = indexedDB.open(database);
        request.onsuccess = () => {
          const db = request.result;
          const get = db.transaction('meta', 'readonly').objectStore('meta').get('data-version');
          get.onsuccess = () => {
            resolve(get.result);
            db.close();
          };
        };
        request.onerror = () => resolve(undefined);
      });
      const kept = JSON.parse(localStorage.getItem(key) ?? 'null') as { location: string; dataVersion: string } | null;
      return kept !== null && kept.location === path && kept.dataVersion === version;
    },
    { path, key: snapshotKey(SITE, user), database: SITE },
    { polling: 100, timeout: WAIT },
  );
}

function snapshotHost(page: Page) {
  return page.locator('#trovato-snapshot');
}

/** Whether this page load showed a snapshot (its User Timing mark), asked once the live page is up. */
function snapshotWasShown(page: Page): Promise<boolean> {
  return page.evaluate((mark) => performance.getEntriesByName(mark).length > 0, SNAPSHOT_MARK);
}

/** Picks `userId` (as the switcher does) and reloads /blog until its snapshot is kept for them. */
async function blogKeptFor(page: Page, userId: string): Promise<void> {
  await page.goto(e2e.url('/blog'));
  await live(page);
  await pickUser(page, userId);
  await page.reload();
  await live(page);
  await snapshotKept(page, '/blog', userId);
}

/** Picks `userId` for the next load, as the user switcher does. */
function pickUser(page: Page, userId: string): Promise<void> {
  return page.evaluate(([key, id]) => localStorage.setItem(key, id), [USER_KEY, userId] as const);
}

describe('the last-page snapshot', { timeout: 300_000 }, () => {
  it('shows the last page at once on a reload, inert, and the live page replaces it', async () => {
    const { page, errors, hold, release } = await newContext();
    await page.goto(e2e.url('/blog'));
    await live(page);
    // The first visit creates the database while it boots: the page it shows next is kept.
    await page.reload();
    await live(page);
    await snapshotKept(page, '/blog', '');

    await hold();
    await page.reload();
    const host = snapshotHost(page);
    await host.waitFor();
    expect(await host.evaluate((element) => (element as HTMLElement).inert)).toBe(true);
    expect(await page.locator('trovato-site').isVisible()).toBe(false);
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
    // The live page is the one that answers.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Hello', exact: true }).click();
    await page.getByRole('heading', { name: 'Hello, world!', exact: true }).waitFor();
    expect(errors).toEqual([]);
  });

  it('is not shown after a write to the site', async () => {
    const { page, errors, hold, release } = await newContext();
    await blogKeptFor(page, ADMIN_ID);

    // An admin page is never kept: /blog stays the last page. Nothing written: the snapshot shows.
    await page.goto(e2e.url('/admin/plugins'));
    await live(page);
    await page.goto(e2e.url('/blog'));
    await live(page);
    expect(await snapshotWasShown(page)).toBe(true);
    await snapshotKept(page, '/blog', ADMIN_ID);

    await page.goto(e2e.url('/admin/plugins'));
    await live(page);
    await page.getByRole('button', { name: 'Disable hello' }).click();
    await page.getByRole('button', { name: 'Enable hello' }).waitFor();
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
    await blogKeptFor(page, ADMIN_ID);

    // Another user picked (as the switcher does): the admin's snapshot is not theirs.
    await pickUser(page, EDITOR_ID);
    await page.reload();
    await live(page);
    expect(await snapshotWasShown(page)).toBe(false);
    expect(await userSwitcher(page).locator('option:checked').innerText()).toBe('Edna Editor');

    // The switcher: the live page is shown as the new user, and a reload shows that user's own snapshot.
    await userSwitcher(page).selectOption({ label: 'Anonymous' });
    await live(page);
    const anonymous = await page.evaluate((key) => localStorage.getItem(key) ?? '', USER_KEY);
    await snapshotKept(page, '/blog', anonymous);
    await page.reload();
    await live(page);
    expect(await snapshotWasShown(page)).toBe(true);
    expect(await userSwitcher(page).locator('option:checked').innerText()).toBe('Anonymous');
    expect(errors).toEqual([]);
  });
});
