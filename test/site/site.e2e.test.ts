/**
 * The site end to end, on the BUILT site in Debian's Chromium, served as a static host serves it
 * (deep links get 404.html): an editor tags and publishes a post through the generated forms, a
 * visitor reads it, drafts stay hidden, pages a user may not see are refused, and the plugin
 * admin refuses to disable a plugin another one needs; on a narrow screen the navigation folds
 * behind its Menu button. Every scenario opens a fresh browser context, so it starts on an empty
 * IndexedDB (the blog plugin's welcome post only).
 */
import { describe, expect, it } from 'vitest';
import type { Locator, Page, Response } from 'playwright';
import { useE2eSite, userSwitcher } from '../support/e2e-site.js';
import { EARLY_FIRST_PAGE_MARK } from '../../src/ui/worker-page-source.js';
import { siteQuarantineKey } from '../../src/supervisor/quarantine-store.js';

/** Booting compiles four plugins in a worker: slow on a two-core CI machine, so waits are long. */
const WAIT = 90_000;

const e2e = useE2eSite();

interface Visit {
  page: Page;
  /** Uncaught errors on the page; a scenario ends by checking there were none. */
  errors: string[];
}

/** A new browser context (empty storage), opened at `path` (relative to the site's root). */
async function openSite(path = ''): Promise<Visit & { response: Response | null }> {
  const { page, errors } = await e2e.newPage({ viewport: { width: 1200, height: 900 }, timeoutMs: WAIT });
  const response = await page.goto(e2e.url(path));
  await booted(page);
  return { page, errors, response };
}

/** The site's path of the page now shown. */
function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

/** The user switcher appears once the kernel is up; then the first page is loaded. */
async function booted(page: Page): Promise<void> {
  await userSwitcher(page).waitFor();
  await settled(page);
}

/** The main column has finished loading its page (it is aria-busy while it loads). */
async function settled(page: Page): Promise<void> {
  await page.locator('main[aria-busy="false"]').waitFor();
}

/** Runs the next requests as one of the demo users, and waits for the page to load again as them. */
async function actAs(page: Page, name: 'Anonymous' | 'Edna Editor' | 'Ada Administrator'): Promise<void> {
  await userSwitcher(page).selectOption({ label: name });
  await settled(page);
}

function nav(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Main' });
}

function heading(page: Page, name: string): Locator {
  return page.getByRole('heading', { name, exact: true });
}

/** Goes to /admin/content through the navigation and follows its "Add <type>" link. */
async function openAddForm(page: Page, label: string): Promise<void> {
  await nav(page).getByRole('link', { name: 'Content', exact: true }).click();
  await heading(page, 'Content').waitFor();
  await page.getByRole('link', { name: `Add ${label}`, exact: true }).click();
  await heading(page, `Add ${label}`).waitFor();
}

/** Adds a tag through the generated category term form; returns its id (from the saved item's URL). */
async function addTerm(page: Page, name: string, description: string): Promise<string> {
  await openAddForm(page, 'category term');
  await page.getByRole('textbox', { name: 'Title', exact: true }).fill(name);
  await page.getByRole('textbox', { name: 'Description' }).fill(description);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: `Saved “${name}”.` }).waitFor();
  return idFromItemUrl(page);
}

interface PostInput {
  title: string;
  slug: string;
  body: string;
  tags?: string[];
  published?: boolean;
}

/** Adds a blog post through the generated form; returns its id. */
async function addPost(page: Page, post: PostInput): Promise<string> {
  await openAddForm(page, 'blog post');
  await page.getByRole('textbox', { name: 'Title', exact: true }).fill(post.title);
  await page.getByRole('textbox', { name: 'Body' }).fill(post.body);
  await page.getByRole('textbox', { name: 'URL slug' }).fill(post.slug);
  if (post.tags) await page.getByLabel('Tags', { exact: true }).selectOption(post.tags.map((label) => ({ label })));
  if (post.published === false) await page.getByRole('checkbox', { name: 'Published' }).uncheck();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: `Saved “${post.title}”.` }).waitFor();
  await heading(page, post.title).waitFor();
  return idFromItemUrl(page);
}

function idFromItemUrl(page: Page): string {
  const match = /^\/item\/([^/]+)$/.exec(pathOf(page));
  if (match === null) throw new Error(`After saving, the page is ${page.url()}, not an item's page.`);
  return decodeURIComponent(match[1]);
}

/** The links of the rendered "Tags" block, by name (their order is the form's option order). */
async function tagLinks(page: Page): Promise<{ name: string; href: string | null }[]> {
  const links = page.locator('trovato-render div.item').filter({ hasText: 'Tags' }).locator('a');
  const found = await Promise.all((await links.all()).map(async (link) => ({ name: (await link.innerText()).trim(), href: await link.getAttribute('href') })));
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

describe('the site, built', { timeout: 240_000 }, () => {
  it('an editor files a post under new tags; a visitor reads it at /blog and at its address, with tag links, after a reload too', async () => {
    const { page, errors } = await openSite();
    await heading(page, 'Welcome to Trovato').waitFor();

    // Visitors are offered no way to add tags; the editor's role may create category_term items.
    expect(await nav(page).getByRole('link', { name: 'Content', exact: true }).count()).toBe(0);
    await actAs(page, 'Edna Editor');
    const rust = await addTerm(page, 'Rust', 'Posts about Rust.');
    const wasm = await addTerm(page, 'WebAssembly', 'Posts about WebAssembly.');

    const post = { title: 'Tagged from the built site', slug: 'tagged-post', body: 'A body written through the generated form.' };
    await addPost(page, { ...post, tags: ['Rust', 'WebAssembly'] });
    expect(await tagLinks(page)).toEqual([
      { name: 'Rust', href: `/tags/${rust}` },
      { name: 'WebAssembly', href: `/tags/${wasm}` },
    ]);

    await actAs(page, 'Anonymous');
    await nav(page).getByRole('link', { name: 'Blog', exact: true }).click();
    await heading(page, 'Blog').waitFor();
    await page.getByRole('link', { name: post.title }).click();
    await page.getByText(post.body).waitFor();
    expect(pathOf(page)).toBe(`/blog/${post.slug}`);
    expect(await heading(page, post.title).isVisible()).toBe(true);
    // /blog/:slug is a route, not an item view: blog asks categories (invoke) for the tag links.
    expect(await tagLinks(page)).toEqual([
      { name: 'Rust', href: `/tags/${rust}` },
      { name: 'WebAssembly', href: `/tags/${wasm}` },
    ]);

    // The tag link leads to the tag's listing, which links back to the post.
    await page.getByRole('link', { name: 'Rust', exact: true }).click();
    await heading(page, 'Tagged: Rust').waitFor();
    expect(pathOf(page)).toBe(`/tags/${rust}`);
    expect(await page.getByText('Posts about Rust.').isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: post.title }).getAttribute('href')).toBe(`/blog/${post.slug}`);

    // A reload boots a new worker on the same IndexedDB: the post, its tags and the user are kept.
    await page.goto(e2e.url(`/blog/${post.slug}`));
    await booted(page);
    await page.getByText(post.body).waitFor();
    expect(await userSwitcher(page).locator('option:checked').innerText()).toBe('Anonymous');
    expect((await tagLinks(page)).map((link) => link.name)).toEqual(['Rust', 'WebAssembly']);
    await page.reload();
    await booted(page);
    await nav(page).getByRole('link', { name: 'Blog', exact: true }).click();
    await heading(page, 'Blog').waitFor();
    await page.getByRole('link', { name: post.title }).waitFor();
    expect(await page.getByRole('link', { name: 'A first post, written by a plugin' }).isVisible()).toBe(true);
    expect(errors).toEqual([]);
  });

  it('hides an unpublished post from visitors (not listed, its URLs refused) and shows it to its author', async () => {
    const { page, errors } = await openSite();
    await actAs(page, 'Edna Editor');
    const draft = { title: 'A draft nobody else sees', slug: 'secret-draft', body: 'Not ready yet.', published: false };
    const id = await addPost(page, draft);
    expect(await page.getByText('This post is not published.').isVisible()).toBe(true);

    // The author: the post at its own address, marked as a draft, but not in the public listing.
    await page.goto(e2e.url(`/blog/${draft.slug}`));
    await booted(page);
    await page.getByText(draft.body).waitFor();
    expect(await page.getByText('This post is not published.').isVisible()).toBe(true);
    await nav(page).getByRole('link', { name: 'Blog', exact: true }).click();
    await page.getByRole('link', { name: 'A first post, written by a plugin' }).waitFor();
    expect(await page.getByRole('link', { name: draft.title }).count()).toBe(0);

    await actAs(page, 'Anonymous');
    await page.getByRole('link', { name: 'A first post, written by a plugin' }).waitFor();
    expect(await page.getByRole('link', { name: draft.title }).count()).toBe(0);

    await page.goto(e2e.url(`/blog/${draft.slug}`));
    await booted(page);
    await heading(page, 'Post not found').waitFor();
    expect(await page.getByText(draft.body).count()).toBe(0);

    await page.goto(e2e.url(`/item/${id}`));
    await booted(page);
    await heading(page, 'Access denied').waitFor();
    expect(await page.getByText(/This item is unpublished/).isVisible()).toBe(true);
    expect(await page.getByText(draft.body).count()).toBe(0);

    // Back as the author, the item page shows it again.
    await actAs(page, 'Edna Editor');
    await heading(page, draft.title).waitFor();
    expect(await page.getByText(draft.body).isVisible()).toBe(true);
    expect(errors).toEqual([]);
  });

  it('refuses pages whose permission the user lacks, and plugins check permissions too', async () => {
    const { page, errors } = await openSite('/admin/plugins');
    await heading(page, 'Access denied').waitFor();
    expect(await page.getByText('Anonymous lacks the permission "administer plugins" this page needs.').isVisible()).toBe(true);
    expect(await page.getByText('Error 403').isVisible()).toBe(true);
    expect(await page.title()).toBe('Access denied · Trovato');

    for (const [path, permission] of [['/admin/logs', 'view logs'], ['/admin/content', 'administer content']] as const) {
      await page.goto(e2e.url(path));
      await booted(page);
      await heading(page, 'Access denied').waitFor();
      expect(await page.getByText(`Anonymous lacks the permission "${permission}" this page needs.`).isVisible()).toBe(true);
    }
    await page.goto(e2e.url('/item/add/blog'));
    await booted(page);
    await heading(page, 'Access denied').waitFor();
    expect(await page.getByText('Anonymous may not create blog post items.').isVisible()).toBe(true);

    // The editor writes content but does not run the site.
    await actAs(page, 'Edna Editor');
    await heading(page, 'Add blog post').waitFor();
    await page.goto(e2e.url('/admin/plugins'));
    await booted(page);
    await heading(page, 'Access denied').waitFor();
    expect(await page.getByText('Edna Editor lacks the permission "administer plugins" this page needs.').isVisible()).toBe(true);
    await actAs(page, 'Ada Administrator');
    await heading(page, 'Plugins').waitFor();

    // hello declares "see hello secrets" (tap_perm) and checks it while building /hello.
    const secret = page.getByText('You may see hello secrets.');
    await page.goto(e2e.url('/hello?name=Ada'));
    await booted(page);
    await heading(page, 'Hello, Ada!').waitFor();
    expect(await secret.isVisible()).toBe(true);
    await actAs(page, 'Anonymous');
    await secret.waitFor({ state: 'detached' });
    expect(await heading(page, 'Hello, Ada!').isVisible()).toBe(true);

    // A plugin route guarded by that permission: the kernel refuses it, the page says why.
    await page.goto(e2e.url('/hello/secret'));
    await booted(page);
    await heading(page, 'Access denied').waitFor();
    expect(await page.getByText('needs the permission "see hello secrets"').isVisible()).toBe(true);
    await actAs(page, 'Ada Administrator');
    await page.getByText('The secret: every page here is a WebAssembly export.').waitFor();
    expect(errors).toEqual([]);
  });

  it('refuses to disable categories while blog needs it, and says so on the page', async () => {
    const { page, errors } = await openSite('/admin/plugins');
    await actAs(page, 'Ada Administrator');
    await heading(page, 'Plugins').waitFor();
    const row = (plugin: string) => page.locator(`tr[data-plugin="${plugin}"]`);
    expect(await row('categories').locator('td').nth(4).innerText()).toBe('blog');

    await page.getByRole('button', { name: 'Disable categories' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('Cannot disable "categories": blog depends on it. Disable blog first.');
    expect(await row('categories').locator('.status').innerText()).toBe('enabled');
    expect(await page.getByRole('button', { name: 'Disable categories' }).isEnabled()).toBe(true);

    // After a reload the refusal stands: categories still runs, and tag pages still work.
    await page.reload();
    await booted(page);
    await heading(page, 'Plugins').waitFor();
    expect(await row('categories').locator('.status').innerText()).toBe('enabled');
    await page.goto(e2e.url('/tags/nothing-here'));
    await booted(page);
    await heading(page, 'Unknown tag').waitFor();
    expect(errors).toEqual([]);
  });

  it('opens deep links through the static host\'s 404.html, and the back and forward buttons retrace the pages', async () => {
    const { page, errors, response } = await openSite('/blog/welcome');
    // A static host has no file at /blog/welcome: it answers 404 with the site's 404.html.
    expect(response?.status()).toBe(404);
    await heading(page, 'A first post, written by a plugin').waitFor();
    expect(await page.title()).toBe('Blog post · Trovato');

    await nav(page).getByRole('link', { name: 'Hello', exact: true }).click();
    await heading(page, 'Hello, world!').waitFor();
    expect(pathOf(page)).toBe('/hello');
    await page.getByRole('link', { name: 'Trovato', exact: true }).click();
    await heading(page, 'Welcome to Trovato').waitFor();

    await page.goBack();
    await heading(page, 'Hello, world!').waitFor();
    expect(pathOf(page)).toBe('/hello');
    await page.goBack();
    await heading(page, 'A first post, written by a plugin').waitFor();
    expect(pathOf(page)).toBe('/blog/welcome');
    await page.goForward();
    await heading(page, 'Hello, world!').waitFor();

    // A query string survives the deep link; an unknown path is the site's own 404 page.
    const hello = await page.goto(e2e.url('/hello?name=Deep'));
    expect(hello?.status()).toBe(404);
    await booted(page);
    await heading(page, 'Hello, Deep!').waitFor();
    await page.goto(e2e.url('/item/no-such-item'));
    await booted(page);
    await heading(page, 'Page not found').waitFor();
    expect(await page.getByText('There is no item with the id no-such-item.').isVisible()).toBe(true);
    await page.goto(e2e.url('/no/such/page'));
    await booted(page);
    await heading(page, 'Page not found').waitFor();
    expect(await page.getByText('No page lives at /no/such/page.').isVisible()).toBe(true);
    // Its links lead back into the site.
    await page.getByRole('link', { name: 'Blog', exact: true }).first().click();
    await heading(page, 'Blog').waitFor();
    expect(pathOf(page)).toBe('/blog');
    expect(errors).toEqual([]);
  });

  it('folds the navigation behind its Menu button on a narrow screen; the administrator opens the logs from it', async () => {
    const { page, errors } = await openSite('/blog');
    await actAs(page, 'Ada Administrator');
    await page.setViewportSize({ width: 390, height: 800 });
    const menu = nav(page).getByRole('button', { name: 'Menu' });
    const logs = nav(page).getByRole('link', { name: 'Logs', exact: true });
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await logs.isVisible()).toBe(false);
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await logs.click();
    await heading(page, 'Logs').waitFor();
    expect(pathOf(page)).toBe('/admin/logs');
    // Following a link folds the menu again.
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(errors).toEqual([]);
  });
  it('the administrator grants a plugin permission to the editor role on /admin/people; the editor then has it, after a reload too', async () => {
    const { page, errors } = await openSite('/hello/secret');
    await actAs(page, 'Edna Editor');
    await heading(page, 'Access denied').waitFor();
    expect(await nav(page).getByRole('link', { name: 'People', exact: true }).count()).toBe(0);

    await actAs(page, 'Ada Administrator');
    await nav(page).getByRole('link', { name: 'People', exact: true }).click();
    await heading(page, 'People and permissions').waitFor();
    // The administrator holds everything: its column is checked and locked.
    expect(await page.getByRole('checkbox', { name: 'administrator: see hello secrets' }).isDisabled()).toBe(true);
    await page.getByRole('checkbox', { name: 'editor: see hello secrets' }).check();
    await page.getByRole('button', { name: 'Save permissions' }).click();
    await page.getByRole('status').filter({ hasText: 'Permissions saved.' }).waitFor();

    await page.goto(e2e.url('/hello/secret'));
    await booted(page);
    await actAs(page, 'Edna Editor');
    await page.getByText('The secret: every page here is a WebAssembly export.').waitFor();
    await actAs(page, 'Anonymous');
    await heading(page, 'Access denied').waitFor();
    expect(errors).toEqual([]);
  });

  it('serves the Rust notes plugin beside the others: its first note, a note an editor writes through the generated form, and its routes', async () => {
    const { page, errors } = await openSite('/notes');
    // notes is built from plugins/notes (Rust); tap_install wrote a first note.
    await heading(page, 'Notes').waitFor();
    await page.getByRole('link', { name: 'A note from a Rust plugin' }).click();
    await page.getByText('compiled from Rust with trovato-sdk').waitFor();
    expect(pathOf(page)).toBe('/notes/from-rust');

    await actAs(page, 'Edna Editor');
    await openAddForm(page, 'note');
    await page.getByRole('textbox', { name: 'Title', exact: true }).fill('Written in the site');
    await page.getByRole('textbox', { name: 'Body' }).fill('A note saved through the form the Rust content type generates.');
    await page.getByRole('textbox', { name: 'URL slug' }).fill('written-here');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved “Written in the site”.' }).waitFor();

    await actAs(page, 'Anonymous');
    await nav(page).getByRole('link', { name: 'Notes', exact: true }).click();
    await heading(page, 'Notes').waitFor();
    await page.getByRole('link', { name: 'Written in the site' }).click();
    await page.getByText('A note saved through the form the Rust content type generates.').waitFor();
    expect(pathOf(page)).toBe('/notes/written-here');
    expect(await heading(page, 'Written in the site').isVisible()).toBe(true);

    await page.goto(e2e.url('/notes/no-such-note'));
    await booted(page);
    await heading(page, 'Note not found').waitFor();
    expect(await page.getByText('No note has the address /notes/no-such-note.').isVisible()).toBe(true);
    expect(errors).toEqual([]);
  });
});

/** The path the page's first page came from the worker's early boot for, or null when the page asked for it itself. */
function earlyFirstPage(page: Page): Promise<string | null> {
  return page.evaluate((mark) => {
    const entry = performance.getEntriesByName(mark)[0] as PerformanceMark | undefined;
    return entry === undefined ? null : String(entry.detail);
  }, EARLY_FIRST_PAGE_MARK);
}

describe("the site's early boot (the worker boots and builds the first page while the page's code loads)", { timeout: 240_000 }, () => {
  it('builds the first page for the user picked: the author sees their draft at its address, a visitor does not', async () => {
    const { page, errors } = await openSite();
    await actAs(page, 'Edna Editor');
    const draft = { title: 'A draft for its author', slug: 'early-draft', body: 'Seen by its author only.', published: false };
    await addPost(page, draft);

    await page.goto(e2e.url(`/blog/${draft.slug}`));
    await booted(page);
    await page.getByText(draft.body).waitFor();
    expect(await earlyFirstPage(page)).toBe(`/blog/${draft.slug}`);

    // The switcher keeps the pick for the next load: the early boot builds it as the visitor.
    await actAs(page, 'Anonymous');
    await page.reload();
    await booted(page);
    await heading(page, 'Post not found').waitFor();
    expect(await earlyFirstPage(page)).toBe(`/blog/${draft.slug}`);
    expect(await page.getByText(draft.body).count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('keeps a quarantined plugin off from the start: none of its code runs in the early boot', async () => {
    const { page, errors } = await openSite('/hello');
    await heading(page, 'Hello, world!').waitFor();
    // As the supervisor leaves it after a plugin hung twice (src/supervisor/quarantine-store.ts).
    await page.evaluate((key) => localStorage.setItem(key, JSON.stringify({ hello: 'it hung 2 times (last in tap_menu, past the 5000 ms limit).' })), siteQuarantineKey('trovato-site'));
    // The page's own code is held back, so its supervisor cannot tell the worker the list in
    // time: the worker boots from what the boot script gave it alone.
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.context().route(/\/assets\/site-[\w-]+\.js$/, async (route) => {
      await held;
      await route.continue();
    });
    await page.reload({ waitUntil: 'commit' });
    await page.waitForTimeout(3000);
    release();
    await booted(page);
    expect(await page.getByText('No page lives at /hello.').isVisible()).toBe(true);
    expect(await earlyFirstPage(page)).toBe('/hello');
    expect(await heading(page, 'Hello, world!').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('says why the site cannot start when the plugin index cannot be fetched, instead of waiting for it', async () => {
    const { page } = await e2e.newPage({ timeoutMs: WAIT });
    // Every fetch of the index fails: the boot script's, then the worker's own.
    await page.context().route('**/plugins/plugins.json', (route) => route.fulfill({ status: 503, body: 'unavailable' }));
    await page.goto(e2e.url('/blog'));
    await page.getByText(/The site could not start \[PLUGIN_NOT_FOUND\]: The plugin index .*plugins\.json answered 503/).waitFor();
  });

  // The boot script asks the worker for plugin routes only; the page would refuse any other
  // first page anyway, so what this checks is that a UI page still boots and shows after an early boot.
  it('boots at a page of the UI (admin) and shows it, the page asking for it itself', async () => {
    const { page, errors } = await openSite();
    await actAs(page, 'Ada Administrator');
    await page.goto(e2e.url('/admin/content'));
    await booted(page);
    await heading(page, 'Content').waitFor();
    expect(await earlyFirstPage(page)).toBeNull();
    expect(errors).toEqual([]);
  });
});
