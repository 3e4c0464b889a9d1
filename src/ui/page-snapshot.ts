/**
 * The last-page snapshot: the site as it was last shown live, kept per site database and user,
 * and shown at the next boot before the kernel is up, only if nothing it rests on changed.
 *
 * - Saved by <trovato-site> (snapshot-keeper.ts) once, when the page is left or hidden, of the
 *   live page shown last, if it may be kept (plugin pages, the home page and item pages, without
 *   a notice): its shadow DOM as HTML (nested shadow roots as declarative ones, each with its
 *   styles) in localStorage, with the path, the user picked, the site's data version
 *   (src/kernel/storage/data-version.ts) read before the page was asked for (a write since, even
 *   one the page shows, replaces it, so the snapshot is not shown: see below), and the fingerprint below.
 * - Shown by the boot script (page-snapshot-boot.ts, inlined at the end of index.html's body, so
 *   the parser runs it right after <trovato-site>) only when database, user, path and query, data version and
 *   fingerprint all match; never for a URL with a fragment or a recipe. The data version is
 *   first taken from the origin's mirror of it in localStorage (data-version-mirror.ts), so a
 *   snapshot can show while the page is still being parsed; IndexedDB's answer follows and is the
 *   authority: a snapshot shown on an out-of-date mirror (a write whose announcement the pages
 *   had not heard yet, or never heard because the writing page closed at that moment) is
 *   withdrawn when it comes, tens of milliseconds later. It is shown in an
 *   `inert` host in front of <trovato-site> (which stays hidden): nothing in it can be clicked,
 *   focused or typed into, so nothing acts on a page that is not live.
 * - Retired as soon as the site shows its first live page, or fails to boot: the live page
 *   always replaces it.
 *
 * The fingerprint covers what the data version does not: the page's code (the entry script's
 * URL, whose name carries the build's hash), the plugin files (a digest the build writes into
 * the page, src/build/browser/page-snapshot-boot.ts) and the quarantine list. Time-dependent
 * output of a plugin (a clock, cron-made content) can be older in a snapshot than live; the live
 * page replaces it within the boot.
 */
import { readDataVersion } from '../kernel/storage/data-version.js';
import { mirrorDataVersion, mirroredDataVersion } from './data-version-mirror.js';
import { ownDatabase } from './site-databases.js';
import { readUserChoice } from './user-choice.js';
import { appPath, type UrlParts } from './router.js';
import { siteQuarantineKey } from '../supervisor/quarantine-store.js';

/** User Timing mark set when a snapshot is shown (detail: the path); the live page sets `trovato:page`. */
export const SNAPSHOT_MARK = 'trovato:snapshot';
/** User Timing mark set when a snapshot shown before the data version was read is taken away: it was out of date. */
export const SNAPSHOT_WITHDRAWN_MARK = 'trovato:snapshot-withdrawn';
/** The `<meta name>` holding the plugin files' digest. */
export const PLUGINS_DIGEST_META = 'trovato-plugins-digest';
const HOST_ID = 'trovato-snapshot';
/** Set on <trovato-site> once it shows a live page (or failed): no snapshot may appear after. */
const LIVE_ATTRIBUTE = 'data-live';
/** Larger pages are not kept: localStorage holds about five million characters per origin. */
const MAX_SNAPSHOT_CHARS = 500_000;

/** One saved page: the last one shown live on `database` to `user`. */
export interface PageSnapshot {
  database: string;
  /** The user picked when it was shown ('' for none: the anonymous user). */
  user: string;
  /** The app path with its query, e.g. `/blog?page=2`. */
  location: string;
  dataVersion: string;
  fingerprint: string;
  html: string;
}

/** A location (the document's unless `at` is given) as a snapshot names it, or null when no snapshot may show for it. */
export function snapshotLocation(base: string, at: UrlParts = location): string | null {
  if (at.hash !== '' || new URLSearchParams(at.search).has('recipe')) return null;
  return appPath(at.pathname, base) + at.search;
}

/** What a snapshot's page rests on besides the data: code, plugin files, quarantine. Null without a digest. */
export function snapshotFingerprint(siteName: string): string | null {
  const digest = document.querySelector<HTMLMetaElement>(`meta[name="${PLUGINS_DIGEST_META}"]`)?.content;
  if (!digest) return null;
  const entry = document.querySelector<HTMLScriptElement>('script[type="module"][src]')?.src ?? '';
  let quarantine: string | null = null;
  try {
    quarantine = localStorage.getItem(siteQuarantineKey(siteName));
  } catch {
    // Storage off: nothing is quarantined across loads either.
  }
  return JSON.stringify([entry, digest, quarantine]);
}

/** What the boot did with the last-page snapshot (`showSnapshotAtBoot`). */
export interface SnapshotBoot {
  /** Whether a snapshot is shown now. */
  readonly shown: boolean;
  /**
   * Settles once the data version has been read from IndexedDB: whether a snapshot was shown
   * and is still up (false: none shown, or shown on the mirror's word and withdrawn since).
   */
  readonly confirmed: Promise<boolean>;
}

const NOT_SHOWN: SnapshotBoot = { shown: false, confirmed: Promise.resolve(false) };

/**
 * Shows the snapshot for this page load if one matches (the boot script's whole job), for the
 * site `siteName` served under `base`. Runs from the end of the page's body: the data version's
 * IndexedDB read starts at once. When the version the origin's pages last heard
 * (data-version-mirror.ts) is the snapshot's, the snapshot goes in at once (in the microtask
 * after the script, before the parser goes on), as a static page's content would show, and the
 * read then only confirms it: if IndexedDB holds another version, the snapshot is withdrawn
 * (and the mirror set right). Otherwise the snapshot waits for the read and shows only if it
 * matches. Resolves once the snapshot is shown or known not to show.
 */
export async function showSnapshotAtBoot(base: string, siteName: string): Promise<SnapshotBoot> {
  const here = snapshotLocation(base);
  if (here === null) return NOT_SHOWN;
  const database = ownDatabase(siteName);
  const user = readUserChoice(siteName) ?? '';
  const snapshot = readSnapshot(database, user);
  if (snapshot === null || snapshot.location !== here) return NOT_SHOWN;
  const heard = mirroredDataVersion(database);
  const current = readDataVersion(database).then((version) => {
    mirrorDataVersion(database, version, { heard });
    return version;
  });
  const matches = (version: string | null): boolean => version !== null && snapshot.dataVersion === version;
  if (!matches(heard)) {
    const [version] = await Promise.all([current, siteReady()]);
    const shown = matches(version) && show(snapshot, siteName, here);
    return { shown, confirmed: Promise.resolve(shown) };
  }
  await siteReady();
  if (!show(snapshot, siteName, here)) return NOT_SHOWN;
  const confirmed = current.then((version) => {
    if (matches(version)) return true;
    withdrawSnapshot();
    return false;
  });
  return { shown: true, confirmed };
}

/** Puts `snapshot` in front of the site, unless the page or the site has moved on; whether it did. */
function show(snapshot: PageSnapshot, siteName: string, here: string): boolean {
  const site = document.querySelector('trovato-site');
  if (site === null || (site.getAttribute('site-name') ?? 'trovato-site') !== siteName) return false;
  if (snapshot.fingerprint !== snapshotFingerprint(siteName) || site.hasAttribute(LIVE_ATTRIBUTE)) return false;
  const host = document.createElement('div');
  host.id = HOST_ID;
  // Not live: no click, focus or typing reaches it; assistive technology hears it is busy.
  host.inert = true;
  host.setAttribute('aria-busy', 'true');
  host.attachShadow({ mode: 'open' }).setHTMLUnsafe(snapshot.html);
  site.before(host);
  (site as HTMLElement).style.display = 'none';
  performance.mark(SNAPSHOT_MARK, { detail: here });
  return true;
}

/**
 * The snapshot shown on the mirror's word rests on data that changed since (IndexedDB said so):
 * it goes, and the site shows whatever it has until its live page.
 */
function withdrawSnapshot(): void {
  const site = document.querySelector<HTMLElement>('trovato-site');
  if (site !== null && removeSnapshot(site)) performance.mark(SNAPSHOT_WITHDRAWN_MARK);
}

/** Takes the snapshot's host away and shows the site again; whether there was one. */
function removeSnapshot(site: HTMLElement): boolean {
  const host = document.getElementById(HOST_ID);
  if (host === null) return false;
  host.remove();
  site.style.removeProperty('display');
  return true;
}

/**
 * Resolves once <trovato-site> is in the document and the style sheets have loaded: at once
 * from the end of the body (a classic script there runs only once the style sheets before it
 * are in), else once the document is parsed (before its module scripts run).
 */
async function siteReady(): Promise<void> {
  if (document.readyState === 'loading' && document.querySelector('trovato-site') === null) {
    await new Promise<void>((resolve) => document.addEventListener('readystatechange', () => resolve(), { once: true }));
  }
  const sheets = [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].filter((link) => link.sheet === null);
  await Promise.all(sheets.map((link) => new Promise<void>((resolve) => {
    link.addEventListener('load', () => resolve(), { once: true });
    link.addEventListener('error', () => resolve(), { once: true });
  })));
}

/** The live site is showing (or has failed): removes the snapshot, shows the site, and keeps any from appearing later. */
export function retireSnapshot(site: HTMLElement): void {
  if (site.hasAttribute(LIVE_ATTRIBUTE)) return;
  site.setAttribute(LIVE_ATTRIBUTE, '');
  removeSnapshot(site);
}

/** Elements never written into a snapshot: nothing in it may run or load code. */
const LEFT_OUT = new Set(['script', 'iframe', 'object', 'embed', 'frame', 'frameset']);
/** Elements without an end tag. */
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/**
 * The site's shadow DOM as HTML that shows the same page without its code: nested shadow roots
 * as declarative ones (`<template shadowrootmode="open">`), each with its constructed style
 * sheets written out as a <style>. Custom elements are written under another name
 * (`trovato-nav` as `trovato-nav-snapshot`, in the markup and in the style sheets alike): once
 * the site's code defines the real ones, elements of those names in the snapshot would be
 * upgraded and render afresh, empty, over the snapshot. No script, frame or event handler
 * attribute is written (the live DOM has none; this holds even if it had).
 */
export function serializeSite(site: HTMLElement): string {
  const root = site.shadowRoot;
  if (root === null) throw new Error('The site has no shadow root to save.');
  const renamed = new Map<string, string>();
  const nameOf = (element: Element): string => {
    const name = element.localName;
    if (!name.includes('-') || customElements.get(name) === undefined) return name;
    let alias = renamed.get(name);
    if (alias === undefined) renamed.set(name, (alias = `${name}-snapshot`));
    return alias;
  };
  const out: string[] = [];
  const styles: Array<{ index: number; css: string; ownElement: boolean }> = [];
  const writeRoot = (shadow: ShadowRoot): void => {
    // Filled in below, once every renamed element is known.
    styles.push({ index: out.length, css: shadow.adoptedStyleSheets.flatMap((sheet) => Array.from(sheet.cssRules, (rule) => rule.cssText)).join('\n'), ownElement: false });
    out.push('');
    writeChildren(shadow);
  };
  const writeChildren = (parent: ParentNode): void => {
    for (const child of parent.childNodes) writeNode(child);
  };
  const writeNode = (node: Node): void => {
    if (node.nodeType === Node.TEXT_NODE) {
      const text = node.textContent ?? '';
      if (node.parentElement?.localName === 'style') {
        styles.push({ index: out.length, css: text, ownElement: true });
        out.push('');
      } else out.push(escapeText(text));
      return;
    }
    if (!(node instanceof Element) || LEFT_OUT.has(node.localName)) return;
    const name = nameOf(node);
    out.push(`<${name}`);
    for (const attribute of node.attributes) {
      if (/^on/i.test(attribute.name)) continue;
      // Whatever was loading or not then, everything in a snapshot waits for the live page.
      const value = attribute.name === 'aria-busy' ? 'true' : attribute.value;
      out.push(` ${attribute.name}="${escapeAttribute(value)}"`);
    }
    out.push('>');
    if (VOID.has(node.localName)) return;
    if (node.shadowRoot !== null) {
      out.push('<template shadowrootmode="open">');
      writeRoot(node.shadowRoot);
      out.push('</template>');
    }
    writeChildren(node instanceof HTMLTemplateElement ? node.content : node);
    out.push(`</${name}>`);
  };
  writeRoot(root);
  const names = [...renamed.keys()];
  const rename = names.length === 0 ? null : new RegExp(`(?<![\\w-])(${names.join('|')})(?![\\w-])`, 'g');
  for (const { index, css, ownElement } of styles) {
    const text = rename === null ? css : css.replace(rename, (name: string) => renamed.get(name) ?? name);
    // Raw text: nothing in it may end the <style> element early.
    const inStyle = text.replace(/<\/(style)/gi, '<\\/$1');
    // A <style> element's own text is written in place; a shadow root's sheets get an element of their own.
    out[index] = ownElement ? inStyle : `<style>${inStyle}</style>`;
  }
  return out.join('');
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
}

/** The localStorage key of the last page shown on `database` to `user`. */
export function snapshotKey(database: string, user: string): string {
  return `trovato-snapshot:${JSON.stringify([database, user])}`;
}

/**
 * Keeps `snapshot` as the last page of its database and user (replacing the previous one), in
 * localStorage: the boot script reads it synchronously, leaving one IndexedDB read (the data
 * version) between the page's first bytes and the snapshot. A page too large to keep there is
 * not kept (the previous snapshot is dropped: it is no longer the last page).
 */
export function saveSnapshot(snapshot: PageSnapshot): void {
  const key = snapshotKey(snapshot.database, snapshot.user);
  localStorage.removeItem(key);
  if (snapshot.html.length > MAX_SNAPSHOT_CHARS) return;
  localStorage.setItem(key, JSON.stringify(snapshot));
}

/** The last page shown on `database` to `user`, or null (none, unreadable, or storage off). */
export function readSnapshot(database: string, user: string): PageSnapshot | null {
  try {
    const text = localStorage.getItem(snapshotKey(database, user));
    const value: unknown = text === null ? null : JSON.parse(text);
    return isSnapshot(value) ? value : null;
  } catch {
    return null;
  }
}

function isSnapshot(value: unknown): value is PageSnapshot {
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  return ['database', 'user', 'location', 'dataVersion', 'fingerprint', 'html'].every((field) => typeof record[field] === 'string');
}
