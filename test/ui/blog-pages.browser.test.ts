/**
 * The reference blog with 1,000 posts in the real site (Chromium, real IndexedDB, the kernel in
 * its Web Worker at the default fuel): /blog shows its newest 20 and a pager, whose Next link
 * moves to page 2 inside the page.
 */
import { afterEach, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { openSiteStore } from '../../src/kernel/storage/site-store.js';
import '../../src/ui/trovato-site.js';
import { seedPublishedPosts } from '../support/blog-posts.js';

const POSTS = 1000;
const BOOT = { timeout: 90_000 };
const name = `trovato-blog-pages-${crypto.randomUUID()}`;
const startUrl = location.href;

afterEach(async () => {
  document.querySelector('trovato-site')?.remove();
  history.replaceState(null, '', startUrl);
  await new Promise<void>((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
});

it('lists 1,000 posts 20 a page within the default fuel, with a pager that navigates in the page', async () => {
  // Written straight into the site's database before the site opens (one kernel per database).
  const store = await openSiteStore({ name, indexedDB });
  await seedPublishedPosts(store, POSTS);
  await store.close();

  history.replaceState(null, '', '/blog');
  const site = document.createElement('trovato-site');
  site.siteName = name;
  document.body.append(site);

  await expect.element(page.getByRole('link', { name: 'Post number 999', exact: true }), BOOT).toBeVisible();
  await expect.element(page.getByRole('link', { name: 'Post number 980', exact: true })).toBeVisible();
  expect(page.getByRole('link', { name: 'Post number 979', exact: true }).elements()).toHaveLength(0);
  await expect.element(page.getByText('Page 1', { exact: true })).toBeVisible();

  await userEvent.click(page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Next' }));
  await expect.element(page.getByRole('link', { name: 'Post number 979', exact: true })).toBeVisible();
  await expect.element(page.getByText('Page 2', { exact: true })).toBeVisible();
  expect(location.pathname + location.search).toBe('/blog?page=2');
  expect(page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Previous' }).element().getAttribute('rel')).toBe('prev');
});
