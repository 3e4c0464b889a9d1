import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { DEMO_USERS } from '../../src/site/roles.js';
import '../../src/ui/trovato-site.js';
import type { TrovatoSite } from '../../src/ui/trovato-site.js';
import { deleteTestDatabase } from '../support/test-database.js';

const [, EDITOR, ADMIN] = DEMO_USERS;
const BOOT = { timeout: 90_000 };

const mounted: TrovatoSite[] = [];
const startUrl = location.href;

/** Opens the site at `path` (a deep link) as `userId`, on database `siteName`. */
function openSite(path: string, siteName: string, userId?: string): TrovatoSite {
  history.replaceState(null, '', path);
  if (userId !== undefined) localStorage.setItem(`trovato-user:${siteName}`, userId);
  const site = document.createElement('trovato-site');
  site.siteName = siteName;
  document.body.append(site);
  mounted.push(site);
  return site;
}

function close(site: TrovatoSite): void {
  site.remove();
}

beforeEach(async () => {
  // A desktop-wide page, where the navigation is not folded behind its Menu button.
  await page.viewport(1200, 900);
});

afterEach(async () => {
  const names = new Set(mounted.map((site) => site.siteName));
  for (const site of mounted.splice(0)) site.remove();
  for (const name of names) {
    localStorage.removeItem(`trovato-user:${name}`);
    await deleteTestDatabase(name);
  }
  history.replaceState(null, '', startUrl);
});

/** The first element matching `selector` in `root` or any shadow root below it. */
function deepQuery<T extends Element>(root: ParentNode, selector: string): T | null {
  if (root instanceof Element && root.shadowRoot) return deepQuery<T>(root.shadowRoot, selector);
  const found = root.querySelector<T>(selector);
  if (found) return found;
  for (const element of root.querySelectorAll('*')) {
    if (element.shadowRoot) {
      const inner = deepQuery<T>(element.shadowRoot, selector);
      if (inner) return inner;
    }
  }
  return null;
}

function siteName(): string {
  return `trovato-ui-test-${crypto.randomUUID()}`;
}

async function addBlogPost(title: string, slug: string, body: string): Promise<void> {
  await userEvent.fill(page.getByRole('textbox', { name: 'Title', exact: true }), title);
  await userEvent.fill(page.getByRole('textbox', { name: 'Body' }), body);
  await userEvent.fill(page.getByRole('textbox', { name: 'URL slug' }), slug);
  await userEvent.click(page.getByRole('button', { name: 'Save' }));
}

describe('the site', () => {
  it('boots the real worker and plugins and shows the blog listing from the navigation', async () => {
    openSite('/', siteName());
    await expect.element(page.getByRole('heading', { name: 'Welcome to Trovato' }), BOOT).toBeVisible();
    await userEvent.click(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Blog', exact: true }));
    await expect.element(page.getByRole('heading', { name: 'Blog', exact: true })).toBeVisible();
    await expect.element(page.getByRole('link', { name: 'A first post, written by a plugin' })).toBeVisible();
    expect(location.pathname).toBe('/blog');
  });

  it('keeps the last page up while the next one loads, and puts "Loading…" in its place only once the load takes a while', async () => {
    const site = openSite('/hello', siteName());
    await expect.element(page.getByRole('heading', { name: 'Hello, world!' }), BOOT).toBeVisible();
    // The worker gets no page request until the test lets it: a load as slow as the test wants.
    const held: Array<() => void> = [];
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (this: Worker, ...args: Parameters<Worker['postMessage']>) {
      const message = args[0] as { type?: unknown; path?: unknown } | null;
      if (message?.type === 'APPLY' && Array.isArray(message.path) && message.path[0] === 'callRoute') held.push(() => post.apply(this, args));
      else post.apply(this, args);
    } as Worker['postMessage'];
    try {
      site.navigate('/blog');
      await site.updateComplete;
      // No task has run since the request: the main column is busy, the last page still shown.
      const main = deepQuery<HTMLElement>(site, 'main')!;
      expect(main.getAttribute('aria-busy')).toBe('true');
      expect(deepQuery(site, '.loading')).toBeNull();
      expect(deepQuery(site, '.sheet')!.hasAttribute('data-loading')).toBe(false);
      expect(held).toHaveLength(1);
      // The load takes a while: "Loading…" replaces the last page.
      await expect.element(page.getByText('Loading…')).toBeVisible();
      expect(deepQuery(site, '.sheet')!.hasAttribute('data-loading')).toBe(true);
      expect(deepQuery<HTMLElement>(site, 'trovato-render')!.checkVisibility()).toBe(false);
    } finally {
      Worker.prototype.postMessage = post;
      for (const send of held.splice(0)) send();
    }
    await expect.element(page.getByRole('heading', { name: 'Blog', exact: true })).toBeVisible();
    expect(deepQuery(site, '.loading')).toBeNull();
    expect(deepQuery<HTMLElement>(site, 'main')!.getAttribute('aria-busy')).toBe('false');
  });

  it('lets the editor add a post through the generated form, then deep links and the back button work', async () => {
    const name = siteName();
    const first = openSite('/item/add/blog', name, EDITOR.id);
    await expect.element(page.getByRole('heading', { name: 'Add blog post' }), BOOT).toBeVisible();
    await addBlogPost('Hello from the browser', 'hello-browser', 'Written in a test.');
    // The saved item's page, rendered by the blog plugin.
    await expect.element(page.getByRole('heading', { name: 'Hello from the browser' })).toBeVisible();
    expect(location.pathname).toMatch(/^\/item\/[^/]+$/);
    await expect.element(page.getByText('Written in a test.')).toBeVisible();

    await userEvent.click(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Blog', exact: true }));
    await userEvent.click(page.getByRole('link', { name: 'Hello from the browser' }));
    await expect.element(page.getByText('Written in a test.')).toBeVisible();
    expect(location.pathname).toBe('/blog/hello-browser');

    history.back();
    await expect.element(page.getByRole('link', { name: 'Hello from the browser' })).toBeVisible();
    expect(location.pathname).toBe('/blog');
    close(first);

    // A deep link into a fresh page load, as a visitor.
    openSite('/blog/hello-browser', name, DEMO_USERS[0].id);
    await expect.element(page.getByRole('heading', { name: 'Hello from the browser' }), BOOT).toBeVisible();
    await expect.element(page.getByText('Written in a test.')).toBeVisible();
  });

  it('shows what each user may do: anonymous is refused /admin/plugins, the administrator gets it', async () => {
    const name = siteName();
    openSite('/admin/plugins', name);
    await expect.element(page.getByRole('heading', { name: 'Access denied' }), BOOT).toBeVisible();
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(nav.getByRole('link', { name: 'Plugins' }).query()).toBeNull();

    await userEvent.selectOptions(page.getByLabelText('Viewing as'), ADMIN.name);
    await expect.element(page.getByRole('heading', { name: 'Plugins' })).toBeVisible();
    await expect.element(nav.getByRole('link', { name: 'Plugins' })).toBeVisible();
    expect(localStorage.getItem(`trovato-user:${name}`)).toBe(ADMIN.id);

    // The editor may add content but not administer plugins.
    await userEvent.selectOptions(page.getByLabelText('Viewing as'), EDITOR.name);
    await expect.element(page.getByRole('heading', { name: 'Access denied' })).toBeVisible();
    await expect.element(nav.getByRole('link', { name: 'Content' })).toBeVisible();
  });

  it('puts validation messages next to their fields and focuses the first invalid one', async () => {
    const site = openSite('/item/add/blog', siteName(), EDITOR.id);
    await expect.element(page.getByRole('heading', { name: 'Add blog post' }), BOOT).toBeVisible();
    await userEvent.fill(page.getByRole('textbox', { name: 'URL slug' }), 'only-a-slug');
    await userEvent.click(page.getByRole('button', { name: 'Save' }));

    const title = page.getByRole('textbox', { name: 'Title', exact: true });
    await expect.element(title).toHaveAttribute('aria-invalid', 'true');
    await expect.element(title).toHaveAccessibleDescription(/Title is required/);
    await expect.element(page.getByRole('textbox', { name: 'Body' })).toHaveAccessibleDescription(/Body/);
    await expect.element(page.getByRole('textbox', { name: 'URL slug' })).toHaveAttribute('aria-invalid', 'false');
    const form = deepQuery<HTMLElement>(site, 'trovato-item-form');
    expect(form?.shadowRoot?.activeElement?.id).toBe('field-title');
  });

  it('disables a plugin, and shows the refusal to disable one another plugin needs', async () => {
    const site = openSite('/admin/plugins', siteName(), ADMIN.id);
    const statusOf = (plugin: string) => deepQuery(site, `tr[data-plugin="${plugin}"] .status`)?.textContent;
    await expect.element(page.getByRole('button', { name: 'Disable categories' }), BOOT).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Disable categories' }));
    await expect.element(page.getByRole('alert')).toHaveTextContent(/blog/);
    expect(statusOf('categories')).toBe('enabled');

    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect.element(nav.getByRole('link', { name: 'Hello' })).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Disable hello' }));
    await expect.element(page.getByRole('status').filter({ hasText: 'hello was disabled.' })).toBeVisible();
    expect(statusOf('hello')).toBe('disabled');
    expect(nav.getByRole('link', { name: 'Hello' }).query()).toBeNull();
  });
});
