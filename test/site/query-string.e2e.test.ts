/**
 * Query strings on the BUILT site (Debian's Chromium, served as a static host serves it): a
 * query whose keys look like comlink's internals (`value`) or like JavaScript's (`__proto__`)
 * reaches the plugin as plain data. Before the fix, the kernel's error transfer handler took
 * any object with a `value` key for a thrown error: `/blog?value=1` stayed on "Loading…" with
 * an uncaught error, and the supervisor restarted the worker for the wrong reason.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { useE2eSite, userSwitcher } from '../support/e2e-site.js';

/** Booting compiles the plugins in a worker: slow on a busy two-core machine. */
const WAIT = 90_000;

const e2e = useE2eSite();

/** Opens `path` in a fresh context; returns the page and the uncaught errors it collects. */
async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const { page, errors } = await e2e.newPage({ timeoutMs: WAIT });
  await page.goto(e2e.url(path));
  await userSwitcher(page).waitFor();
  await page.locator('main[aria-busy="false"]').waitFor();
  return { page, errors };
}

describe('query strings on the built site', { timeout: 240_000 }, () => {
  it('/blog?value=1 shows the blog, and the site keeps answering', async () => {
    const { page, errors } = await open('/blog?value=1');
    await page.getByRole('heading', { name: 'Blog', exact: true }).waitFor();
    await page.getByRole('link', { name: 'A first post, written by a plugin' }).waitFor();
    // The same kernel serves the next page: nothing was restarted.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Hello', exact: true }).click();
    await page.getByRole('heading', { name: 'Hello, world!', exact: true }).waitFor();
    expect(errors).toEqual([]);
  });

  it('?value= and ?__proto__= reach the plugin as plain query values', async () => {
    const { page, errors } = await open('/hello?value=1&__proto__=1&name=Quota');
    await page.getByRole('heading', { name: 'Hello, Quota!', exact: true }).waitFor();
    const blog = await open('/blog?__proto__=1');
    await blog.page.getByRole('heading', { name: 'Blog', exact: true }).waitFor();
    expect(errors).toEqual([]);
    expect(blog.errors).toEqual([]);
  });
});
