/**
 * The in-page half of page-cases.ts, bundled by Vite into the temporary build and imported on
 * the site's origin: seeding posts, and the timed loops that must run in the page itself (a
 * Playwright round trip per step would be timed with them). Each export takes one JSON argument.
 */
import { fetchPluginIndex, fetchPlugins } from '../src/kernel/plugin/fetch-plugins.js';
import { openSite } from '../src/kernel/site/site.js';
import { openSiteStore } from '../src/kernel/storage/site-store.js';
import { BENCH_ADMIN, seedBlogPosts } from './seed.js';


/**
 * Adds `count` published posts, each tagged "news", through the site services the worker uses;
 * returns how many posts the site then has. Run it on a page where the site is NOT open.
 */
export async function seedPosts({ siteName, pluginsUrl, count }: { siteName: string; pluginsUrl: string; count: number }): Promise<number> {
  const { plugins } = await fetchPluginIndex(pluginsUrl);
  const sources = await fetchPlugins(pluginsUrl, plugins);
  const store = await openSiteStore({ name: siteName });
  try {
    const site = await openSite({ store, sources });
    await seedBlogPosts(site, count);
    return (await site.listItems({ type: 'blog', limit: 1000 }, BENCH_ADMIN)).total;
  } finally {
    await store.close();
  }
}

interface SiteElement extends HTMLElement {
  navigate(path: string): void;
}

function siteElement(): SiteElement {
  const site = document.querySelector<SiteElement>('trovato-site');
  if (site === null) throw new Error('This page has no <trovato-site>.');
  return site;
}

/** The first `trovato:page` mark (the site sets it when a page is in the DOM) made after `after`. */
function nextPageMark(after: number): Promise<PerformanceMark> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error('No page was rendered within 30 s.'));
    }, 30_000);
    const observer = new PerformanceObserver(() => {
      const mark = performance.getEntriesByName('trovato:page').find((m) => m.startTime > after) as PerformanceMark | undefined;
      if (mark === undefined) return;
      observer.disconnect();
      clearTimeout(timer);
      resolve(mark);
    });
    observer.observe({ type: 'mark' });
  });
}

/** Milliseconds from a click on a nav link to the page in the DOM, alternating /hello and /blog. */
export async function routeChanges(runs: number): Promise<{ hello: number[]; blog: number[] }> {
  const site = siteElement();
  const times = { hello: [] as number[], blog: [] as number[] };
  for (let i = 0; i < runs * 2 + 2; i++) {
    const target = i % 2 === 0 ? 'hello' : 'blog';
    const link = site.shadowRoot?.querySelector('trovato-nav')?.shadowRoot?.querySelector<HTMLAnchorElement>(`a[href="/${target}"]`);
    if (!link) throw new Error(`The nav has no link to /${target}.`);
    const started = performance.now();
    const rendered = nextPageMark(started);
    link.click();
    const mark = await rendered;
    if (mark.detail !== `/${target}`) throw new Error(`Clicked /${target} but ${String(mark.detail)} rendered.`);
    // The first visit of each page warms up.
    if (i >= 2) times[target].push(mark.startTime - started);
  }
  return times;
}

/** Milliseconds for `navigate('/blog')` on /blog: the worker's callRoute, the tree back, the render. */
export async function pageRequests(runs: number): Promise<number[]> {
  const site = siteElement();
  const times: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const started = performance.now();
    const rendered = nextPageMark(started);
    // The same path again loads it afresh.
    site.navigate('/blog');
    const mark = await rendered;
    if (i >= 1) times.push(mark.startTime - started);
  }
  return times;
}

/** A listing-like tree of `elements` RenderElements: articles of a link and filtered markup. */
function listingTree(elements: number): Record<string, unknown> {
  const tree: Record<string, unknown> = { '#type': 'container' };
  let count = 1;
  for (let i = 0; count < elements; i++) {
    const section: Record<string, unknown> = { '#type': 'container', '#tag': 'article' };
    count++;
    if (count < elements) {
      section.link = { '#type': 'link', '#title': `Post ${i}`, '#url': `/blog/post-${i}` };
      count++;
    }
    if (count < elements) {
      section.body = { '#type': 'markup', '#format': 'filtered_html', '#value': `<p>Body of post ${i}, with <em>some</em> text.</p>` };
      count++;
    }
    tree[`s${i}`] = section;
  }
  return tree;
}

/** Milliseconds to show a new `<trovato-render>` of an `elements`-element tree (to the DOM, no layout). */
export async function renderTree({ elements, runs }: { elements: number; runs: number }): Promise<{ ms: number[]; nodes: number }> {
  const tree = listingTree(elements);
  const ms: number[] = [];
  let nodes = 0;
  for (let i = 0; i < runs + 3; i++) {
    const el = document.createElement('trovato-render');
    el.plugin = 'bench';
    el.element = tree;
    const started = performance.now();
    document.body.append(el);
    await el.updateComplete;
    const elapsed = performance.now() - started;
    nodes = el.shadowRoot?.querySelectorAll('*').length ?? 0;
    el.remove();
    if (i >= 3) ms.push(elapsed);
  }
  return { ms, nodes };
}
