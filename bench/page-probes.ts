/**
 * The in-page half of page-cases.ts, bundled by Vite into the temporary build and imported on
 * the site's origin: seeding posts, and the timed loops that must run in the page itself (a
 * Playwright round trip per step would be timed with them). Each export takes one JSON argument.
 */
import { fetchPluginIndex, fetchPlugins } from '../src/kernel/plugin/fetch-plugins.js';
import { openSite, type Site } from '../src/site/site.js';
import { openSiteStore } from '../src/kernel/storage/site-store.js';
import { BENCH_ADMIN, seedBlogPosts } from './seed.js';
import { DEMO_USERS } from '../src/site/roles.js';
import { saveSnapshot, serializeSite, snapshotKey } from '../src/ui/page-snapshot.js';
import { ownDatabase } from '../src/ui/site-databases.js';
import { readDataVersion } from '../src/kernel/storage/data-version.js';


/**
 * Adds `count` published posts, each tagged "news", through the site services the worker uses;
 * returns how many posts the site then has. Run it on a page where the site is NOT open.
 */
export async function seedPosts({ siteName, pluginsUrl, count }: { siteName: string; pluginsUrl: string; count: number }): Promise<number> {
  return withSeededSite({ siteName, pluginsUrl, count }, async (site) => (await site.listItems({ type: 'blog', limit: 1000 }, BENCH_ADMIN)).total);
}

/** Opens the site `siteName` with the reference plugins, adds `count` posts, runs `use` on it, closes it. */
async function withSeededSite<T>({ siteName, pluginsUrl, count }: { siteName: string; pluginsUrl: string; count: number }, use: (site: Site) => Promise<T>): Promise<T> {
  const { plugins } = await fetchPluginIndex(pluginsUrl);
  const sources = await fetchPlugins(pluginsUrl, plugins);
  const store = await openSiteStore({ name: siteName });
  try {
    const site = await openSite({ store, sources });
    await seedBlogPosts(site, count);
    return await use(site);
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

/**
 * Resolves once the page shown now has been laid out and painted (a frame has passed), as it
 * has when a visitor clicks. The `trovato:page` mark comes before layout: a navigation started
 * at once would be charged the previous page's layout, forced by the first thing that needs it
 * (the site's scroll to the top).
 */
function painted(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
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

/** Milliseconds of keeping the page now shown as a last-page snapshot, the two steps apart. */
export interface KeepingTimes {
  path: string;
  serialize: number[];
  write: number[];
  chars: number;
}

/** A database name no site uses: the probe's snapshots never replace the site's own. */
const PROBE_DATABASE = 'bench-snapshot-probe';

/**
 * Shows `path` and times, `runs` times, what keeping it as the last-page snapshot costs the
 * page's thread: serializing the site (serializeSite) and writing it to localStorage
 * (saveSnapshot), the real functions, under a database name of its own.
 */
export async function snapshotKeepingCost({ path, runs }: { path: string; runs: number }): Promise<KeepingTimes> {
  const site = siteElement();
  const started = performance.now();
  const rendered = nextPageMark(started);
  site.navigate(path);
  const mark = await rendered;
  if (mark.detail !== path.replace(/\?.*/, '')) throw new Error(`Asked for ${path} but ${String(mark.detail)} rendered.`);
  await painted();
  const times: KeepingTimes = { path, serialize: [], write: [], chars: 0 };
  try {
    for (let i = 0; i < runs + WARM_UP_RUNS; i++) {
      const t0 = performance.now();
      const html = serializeSite(site);
      const t1 = performance.now();
      saveSnapshot({ database: PROBE_DATABASE, user: '', location: path, dataVersion: 'probe', fingerprint: 'probe', html });
      const t2 = performance.now();
      times.chars = html.length;
      if (i >= WARM_UP_RUNS) {
        times.serialize.push(t1 - t0);
        times.write.push(t2 - t1);
      }
      localStorage.removeItem(snapshotKey(PROBE_DATABASE, ''));
      await painted();
    }
  } finally {
    localStorage.removeItem(snapshotKey(PROBE_DATABASE, ''));
  }
  return times;
}

/**
 * Clicks the nav link to `path` and resolves once the page is in the DOM and the page's thread
 * has then been idle (two idle callbacks, then 300 ms): whatever a navigation leaves for later
 * is done by then. `keepOnShow`: also does what keeping each page shown cost before the snapshot
 * was kept only when the page is left: the data version read again, and when idle the site
 * serialized and written to localStorage (under the probe's own database name).
 */
export async function navigateAndSettle({ path, keepOnShow }: { path: string; keepOnShow: boolean }): Promise<void> {
  const site = siteElement();
  const link = site.shadowRoot?.querySelector('trovato-nav')?.shadowRoot?.querySelector<HTMLAnchorElement>(`a[href="${path}"]`);
  if (!link) throw new Error(`The nav has no link to ${path}.`);
  const started = performance.now();
  const rendered = nextPageMark(started);
  link.click();
  const mark = await rendered;
  if (mark.detail !== path) throw new Error(`Clicked ${path} but ${String(mark.detail)} rendered.`);
  const kept = keepOnShow ? keepAsOnEveryPage(site, path) : Promise.resolve();
  for (let i = 0; i < 2; i++) await new Promise((resolve) => requestIdleCallback(resolve, { timeout: 3000 }));
  await new Promise((resolve) => setTimeout(resolve, 300));
  await kept;
  localStorage.removeItem(snapshotKey(PROBE_DATABASE, ''));
}

/** The work keeping every page shown did (snapshot-keeper.ts before it kept only the last page). */
async function keepAsOnEveryPage(site: SiteElement, path: string): Promise<void> {
  const version = await readDataVersion(ownDatabase(site.getAttribute('site-name') ?? 'trovato-site'));
  await new Promise((resolve) => requestIdleCallback(resolve, { timeout: 2000 }));
  saveSnapshot({ database: PROBE_DATABASE, user: '', location: path, dataVersion: version ?? '', fingerprint: 'probe', html: serializeSite(site) });
}

/** Milliseconds from a click on a nav link to the page in the DOM, alternating /hello and /blog. */
export async function routeChanges(runs: number): Promise<{ hello: number[]; blog: number[] }> {
  const site = siteElement();
  const times = { hello: [] as number[], blog: [] as number[] };
  for (let i = 0; i < runs * 2 + 2; i++) {
    const target = i % 2 === 0 ? 'hello' : 'blog';
    const link = site.shadowRoot?.querySelector('trovato-nav')?.shadowRoot?.querySelector<HTMLAnchorElement>(`a[href="/${target}"]`);
    if (!link) throw new Error(`The nav has no link to /${target}.`);
    await painted();
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

/**
 * A listing-like tree of `elements` RenderElements: articles of a link and filtered markup.
 * `edition` goes into every text, so each edition is content the page has not shown before.
 * Bodies are `plain` markup (text and attribute-free tags), `linked` (plain with a link, still
 * built directly), `targeted` (a link with a `target`, which the sanitizer removes whatever its
 * value, and the paragraph's `id`, which it renames: still built directly) or `entity`: a
 * `&nbsp;`, outside the subset built directly (plain-markup.ts), so every body goes through DOMPurify.
 */
type BodyKind = 'plain' | 'linked' | 'targeted' | 'entity';

function listingTree(elements: number, edition: number, body: BodyKind = 'plain'): Record<string, unknown> {
  const tree: Record<string, unknown> = { '#type': 'container' };
  let count = 1;
  for (let i = 0; count < elements; i++) {
    const section: Record<string, unknown> = { '#type': 'container', '#tag': 'article' };
    count++;
    if (count < elements) {
      section.link = { '#type': 'link', '#title': `Post ${i}.${edition}`, '#url': `/blog/post-${i}` };
      count++;
    }
    if (count < elements) {
      const target = body === 'targeted' ? ' target="_blank"' : '';
      const link = body === 'plain' || body === 'entity' ? '' : ` and <a href="/blog/post-${i}"${target}>a link</a>`;
      const id = body === 'targeted' ? ` id="post-${i}-${edition}"` : '';
      const space = body === 'entity' ? '&nbsp;' : ' ';
      section.body = { '#type': 'markup', '#format': 'filtered_html', '#value': `<p${id}>Body of post ${i}.${edition}, with <em>some</em>${space}text${link}.</p>` };
      count++;
    }
    tree[`s${i}`] = section;
  }
  return tree;
}

/** Milliseconds of one shown tree: into the DOM, then also laid out (style and layout done). */
export interface TreeTimes {
  dom: number[];
  laidOut: number[];
  nodes: number;
}

const WARM_UP_RUNS = 3;

/**
 * Shows a new element (`show` puts it into the document and resolves when its DOM is complete),
 * forces layout, and records both times; the element is removed again.
 */
async function timeShown(into: TreeTimes, record: boolean, show: () => Promise<Element>): Promise<void> {
  const started = performance.now();
  const shown = await show();
  const inDom = performance.now();
  // Reading a box forces style recalculation and layout, as the first paint would.
  shown.getBoundingClientRect();
  const laidOut = performance.now();
  into.nodes = shown.shadowRoot?.querySelectorAll('*').length ?? 0;
  shown.remove();
  if (!record) return;
  into.dom.push(inDom - started);
  into.laidOut.push(laidOut - started);
}

/** A new `<trovato-render>` of `tree`, in the document, once its DOM is complete. */
async function showRendered(tree: unknown): Promise<Element> {
  const el = document.createElement('trovato-render');
  el.plugin = 'bench';
  el.element = tree;
  document.body.append(el);
  await el.updateComplete;
  return el;
}

/** One node of a rendered tree, as plain data: what building it by hand needs. */
type NodeShape = { text: string } | { tag: string; attributes: Array<[string, string]>; children: NodeShape[] };

function shapeOf(node: Node): NodeShape | null {
  if (node.nodeType === Node.TEXT_NODE) return { text: node.textContent ?? '' };
  if (!(node instanceof Element)) return null;
  return {
    tag: node.localName,
    attributes: Array.from(node.attributes, (a) => [a.name, a.value] as [string, string]),
    children: Array.from(node.childNodes, shapeOf).filter((c): c is NodeShape => c !== null),
  };
}

function build(shape: NodeShape): Node {
  if ('text' in shape) return document.createTextNode(shape.text);
  const element = document.createElement(shape.tag);
  for (const [name, value] of shape.attributes) element.setAttribute(name, value);
  for (const child of shape.children) element.append(build(child));
  return element;
}

/** The times of `compareTrees`: each tree beside the same DOM built by hand. */
export interface TreeComparison {
  /** Plain bodies: built by hand, new content, the same tree again. */
  hand: TreeTimes;
  fresh: TreeTimes;
  again: TreeTimes;
  /** Bodies with a link (still plain markup): built by hand, new content. */
  linkedHand: TreeTimes;
  linkedFresh: TreeTimes;
  /** Bodies with an id and a link with a target (renamed, removed; built directly): built by hand, new content. */
  targetedHand: TreeTimes;
  targetedFresh: TreeTimes;
  /** Bodies with a `&nbsp;` (sanitized by DOMPurify): built by hand, new content. */
  entityHand: TreeTimes;
  entityFresh: TreeTimes;
}

/**
 * An `elements`-element tree in `<trovato-render>`, beside its baseline, runs in turn so that
 * a machine whose load changes weighs on all of them alike:
 * - `hand`: the DOM `<trovato-render>` made for the tree, read once, then built by hand
 *   (createElement, setAttribute, append) into a shadow root with the same stylesheets, of a
 *   new element in the document each time. The renderer's extra work is everything else:
 *   reading the RenderElements, checking and sanitizing them, Lit's templates.
 * - `fresh`: each run a tree of texts not shown before (a page of new content);
 * - `again`: the same tree each run (a page shown again);
 * - `linked…`, `targeted…`: new content with a link in every body, built as plain markup, and
 *   with an `id` and a link with a `target`, which the sanitizer renames and removes: built directly too;
 * - `entity…`: new content with a `&nbsp;` in every body, so that every body is sanitized by DOMPurify.
 */
export async function compareTrees({ elements, runs }: { elements: number; runs: number }): Promise<TreeComparison> {
  const same = listingTree(elements, 0);
  const byHand = await handBuilder(same);
  const linkedByHand = await handBuilder(listingTree(elements, 0, 'linked'));
  const targetedByHand = await handBuilder(listingTree(elements, 0, 'targeted'));
  const entityByHand = await handBuilder(listingTree(elements, 0, 'entity'));
  const empty = (): TreeTimes => ({ dom: [], laidOut: [], nodes: 0 });
  const times: TreeComparison = {
    hand: empty(), fresh: empty(), again: empty(), linkedHand: empty(), linkedFresh: empty(), targetedHand: empty(), targetedFresh: empty(), entityHand: empty(), entityFresh: empty(),
  };
  for (let run = 0; run < runs + WARM_UP_RUNS; run++) {
    const record = run >= WARM_UP_RUNS;
    await timeShown(times.hand, record, byHand);
    const fresh = listingTree(elements, run + 1);
    await timeShown(times.fresh, record, () => showRendered(fresh));
    await timeShown(times.again, record, () => showRendered(same));
    await timeShown(times.linkedHand, record, linkedByHand);
    const linked = listingTree(elements, run + 1, 'linked');
    await timeShown(times.linkedFresh, record, () => showRendered(linked));
    await timeShown(times.targetedHand, record, targetedByHand);
    const targeted = listingTree(elements, run + 1, 'targeted');
    await timeShown(times.targetedFresh, record, () => showRendered(targeted));
    await timeShown(times.entityHand, record, entityByHand);
    const entity = listingTree(elements, run + 1, 'entity');
    await timeShown(times.entityFresh, record, () => showRendered(entity));
  }
  return times;
}

/**
 * Renders `tree` once, reads the DOM `<trovato-render>` made for it, and returns what builds
 * that DOM by hand into a new shadow root with the same stylesheets, in the document.
 */
async function handBuilder(tree: unknown): Promise<() => Promise<Element>> {
  const probe = await showRendered(tree);
  const shapes = Array.from(probe.shadowRoot?.childNodes ?? [], shapeOf).filter((c): c is NodeShape => c !== null);
  const styles = probe.shadowRoot?.adoptedStyleSheets ?? [];
  probe.remove();
  return async () => {
    const host = document.createElement('div');
    const root = host.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = styles;
    for (const shape of shapes) root.append(build(shape));
    document.body.append(host);
    return host;
  };
}

/** The times of `comparePageRequests`, run by run. */
export interface PageRequestTimes {
  /** `navigate('/blog')` on /blog: the worker's callRoute, the tree back, the render. */
  viaWorker: number[];
  /** The same request in a kernel on the page's thread: `callRoute('/blog')`, nothing rendered. */
  inKernel: number[];
}

/**
 * A page request through the worker beside its baseline, in turns, so that a machine whose
 * load changes weighs on both alike: `navigate('/blog')` on /blog, then the same /blog request
 * inside a kernel on the page's own thread (a site of its own, `siteName`, seeded with as many
 * posts), no worker and no rendering. Each starts from a painted page. Milliseconds.
 */
export async function comparePageRequests({ siteName, pluginsUrl, count, runs }: { siteName: string; pluginsUrl: string; count: number; runs: number }): Promise<PageRequestTimes> {
  return withSeededSite({ siteName, pluginsUrl, count }, async (inPage) => {
    const site = siteElement();
    const anonymous = DEMO_USERS[0];
    const times: PageRequestTimes = { viaWorker: [], inKernel: [] };
    for (let i = 0; i < runs + 1; i++) {
      await painted();
      const started = performance.now();
      const rendered = nextPageMark(started);
      // The same path again loads it afresh.
      site.navigate('/blog');
      const mark = await rendered;
      await painted();
      const before = performance.now();
      const page = await inPage.kernel.callRoute('/blog', { user: anonymous });
      const inKernel = performance.now() - before;
      if (!page || page.result.error !== undefined) throw new Error(`/blog failed in the page's kernel: ${page?.result.error}`);
      // The first of each warms up.
      if (i === 0) continue;
      times.viaWorker.push(mark.startTime - started);
      times.inKernel.push(inKernel);
    }
    return times;
  });
}

/**
 * The page's body as HTML with every shadow root in it as a declarative one, each holding its
 * adopted stylesheets as a `<style>`: the same page, for a static copy of it.
 */
export async function pageAsStaticHtml(): Promise<string> {
  const roots: ShadowRoot[] = [];
  const collect = (node: ParentNode): void => {
    for (const el of node.querySelectorAll('*')) {
      if (el.shadowRoot === null) continue;
      roots.push(el.shadowRoot);
      collect(el.shadowRoot);
    }
  };
  collect(document);
  const added = roots.map((root) => {
    const style = document.createElement('style');
    style.textContent = root.adoptedStyleSheets.flatMap((sheet) => Array.from(sheet.cssRules, (rule) => rule.cssText)).join('\n');
    root.prepend(style);
    return style;
  });
  try {
    return document.body.getHTML({ shadowRoots: roots });
  } finally {
    for (const style of added) style.remove();
  }
}
