/**
 * Accessibility as a test: axe-core (through @axe-core/playwright) checks every kind of page of
 * the BUILT site (home, the blog, an item, an add form, each admin page) and the playground, in
 * Debian's Chromium. A serious or critical finding fails the test; so does a moderate one,
 * unless `EXPLAINED` below says why it stays.
 */
import AxeBuilder from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright';
import { openE2eSite, type BuiltSite, userSwitcher } from '../support/e2e-site.js';

/** Booting compiles the plugins in a worker, and the playground compiles in the page: slow on two busy cores. */
const WAIT = 240_000;

/**
 * Moderate findings that stay, by axe rule id, with the reason. A rule added here must say why
 * the page is right as it is (and, where it can, a test below shows it).
 */
const EXPLAINED: Readonly<Record<string, string>> = {
  'skip-link':
    'axe looks a skip link\'s target up with document.getElementById, which cannot see into the shadow root where the site\'s <main id="main"> lives. ' +
    'The link works: the first test below tabs to it and follows it into the main column.',
};

/** One axe rule's findings on a page. */
type Violation = Awaited<ReturnType<AxeBuilder['analyze']>>['violations'][number];

let site: BuiltSite;
let context: BrowserContext;

beforeAll(async () => {
  site = await openE2eSite();
  context = await site.browser.newContext({ viewport: { width: 1200, height: 900 } });
  context.setDefaultTimeout(WAIT);
}, WAIT);

afterAll(async () => {
  await context?.close();
  await site?.close();
});

/** One finding, as a line a person can act on: impact, rule, what is wrong and where. */
function describeFinding(page: string, v: Violation): string {
  const where = v.nodes.slice(0, 3).map((n) => n.target.join(' >>> ')).join('; ');
  const first = v.nodes[0];
  const detail = first ? ` First: ${first.html.slice(0, 120)}: ${first.failureSummary?.replace(/\s+/g, ' ') ?? ''}` : '';
  return `${page}: ${v.impact} ${v.id}: ${v.help} (${v.nodes.length} element(s): ${where}) ${v.helpUrl}${detail}`;
}

/** The findings on `page` that fail the test: serious and critical, and moderate ones nobody explained. */
async function findings(page: Page, name: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical' || (v.impact === 'moderate' && !(v.id in EXPLAINED)))
    .map((v) => describeFinding(name, v));
}

/** The main column has finished loading its page (it is aria-busy while it loads). */
async function settled(page: Page): Promise<void> {
  await page.locator('main[aria-busy="false"]').waitFor();
}

async function follow(page: Page, link: string, heading: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).click();
  await page.getByRole('heading', { name: heading, exact: true }).waitFor();
  await settled(page);
}

describe('accessibility (axe-core)', { timeout: 900_000 }, () => {
  it('finds nothing serious, critical or unexplained on any page of the site', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const found: string[] = [];

    await page.goto(site.baseUrl);
    await userSwitcher(page).waitFor();
    await settled(page);
    found.push(...(await findings(page, 'home')));
    // The skip link is the first tab stop, and following it puts focus on the main column.
    const focusedInSite = () => page.evaluate(() => {
      const active = document.querySelector('trovato-site')?.shadowRoot?.activeElement;
      return active ? `${active.tagName.toLowerCase()}#${active.id}: ${active.textContent?.trim().slice(0, 40)}` : '';
    });
    await page.keyboard.press('Tab');
    expect(await focusedInSite()).toBe('a#: Skip to content');
    await page.keyboard.press('Enter');
    expect(await focusedInSite()).toMatch(/^main#main: /);

    await page.goto(new URL('blog', site.baseUrl).href);
    await settled(page);
    await page.getByRole('heading', { name: 'Blog' }).first().waitFor();
    found.push(...(await findings(page, '/blog')));

    // The blog plugin's welcome post, opened from the listing.
    await page.locator('trovato-render a[href*="/blog/"]').first().click();
    await settled(page);
    found.push(...(await findings(page, 'a blog post')));

    await userSwitcher(page).selectOption({ label: 'Ada Administrator' });
    await settled(page);
    await follow(page, 'Content', 'Content');
    found.push(...(await findings(page, '/admin/content')));

    await page.getByRole('link', { name: 'Add blog post', exact: true }).click();
    await page.getByRole('heading', { name: 'Add blog post', exact: true }).waitFor();
    found.push(...(await findings(page, 'the add blog post form')));

    // A form with its errors shown: saved empty.
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('[aria-invalid="true"]').first().waitFor();
    found.push(...(await findings(page, 'the add form with errors')));

    await follow(page, 'Content', 'Content');
    await page.locator('table a[href*="/item/"]').first().click();
    await settled(page);
    found.push(...(await findings(page, 'an item page')));

    for (const [link, heading, path] of [
      ['Plugins', 'Plugins', '/admin/plugins'],
      ['People', 'People and permissions', '/admin/people'],
      ['Logs', 'Logs', '/admin/logs'],
      ['Export', 'Export and import', '/admin/site'],
    ] as const) {
      await follow(page, link, heading);
      found.push(...(await findings(page, path)));
    }

    await page.goto(new URL('no/such/page', site.baseUrl).href);
    await settled(page);
    found.push(...(await findings(page, 'a page not found')));

    expect(found).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('finds nothing serious, critical or unexplained in the playground, its three lower tabs and a compile error', async () => {
    const page = await context.newPage();
    const found: string[] = [];
    await page.goto(new URL('playground/', site.baseUrl).href);
    await page.locator('.status[data-status="ready"]').waitFor();
    found.push(...(await findings(page, 'the playground, taps tab')));
    for (const tab of ['Console', 'Plugins'] as const) {
      await page.getByRole('tab', { name: new RegExp(`^${tab}`) }).click();
      await page.getByRole('tab', { name: new RegExp(`^${tab}`), selected: true }).waitFor();
      found.push(...(await findings(page, `the playground, ${tab.toLowerCase()} tab`)));
    }
    await page.click('#copy-link');
    await page.locator('#share-link').waitFor();
    found.push(...(await findings(page, 'the playground with a copied link')));
    // A compile error: the notice, the diagnostics list and the marks in the editor.
    await page.click('playground-editor .cm-content');
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText('export function tap_menu(: i64 {');
    await page.click('#run');
    await page.locator('#diagnostics li.error').first().waitFor();
    await page.locator('.status[data-status="failed"]').waitFor();
    found.push(...(await findings(page, 'the playground with a compile error')));
    expect(found).toEqual([]);
    await page.close();
  });
});
