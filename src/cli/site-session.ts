/**
 * A whole site in memory for the CLI: the plugins of a folder loaded the way the page loads
 * them (content types, per-type permissions, install taps), optionally seeded with items, so a
 * route can be run and rendered without a browser.
 */
import { openSite, type Site } from '../site/site.js';
import { DEMO_USERS } from '../site/roles.js';
import type { ItemDraft } from '../site/protocol.js';
import { openSiteStore } from '../kernel/storage/site-store.js';
import { nodeIndexedDB } from '../kernel/storage/node-indexeddb.js';
import { readPluginFolder } from '../build/plugin-folder.js';
import { printLogLine, reportRefusals, readJsonText } from './session.js';
import { UsageError } from './command.js';

/** The seed items are saved as the demo administrator, so every content type may be written. */
const SEED_AUTHOR = DEMO_USERS[2];

let sites = 0;

/** Opens a site over `dir` in a fresh in-memory database and saves `seed` into it. */
export async function openCliSite(dir: string, seed: readonly ItemDraft[]): Promise<Site> {
  const { sources, problems } = await readPluginFolder(dir);
  const store = await openSiteStore({ name: `trovato-cli-site-${process.pid}-${++sites}`, indexedDB: nodeIndexedDB() });
  const site = await openSite({ store, sources, kernel: { onLog: printLogLine } });
  reportRefusals(site.report(), problems);
  for (const [index, draft] of seed.entries()) {
    const saved = await site.saveItem(draft, SEED_AUTHOR);
    if (!saved.ok) {
      const reasons = saved.errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join(' ');
      throw new Error(`Seed item ${index + 1} ("${draft.title}", type ${draft.item_type}) was not saved: ${reasons} Fix the item in the seed file.`);
    }
  }
  return site;
}

/**
 * `--seed items.json`: a JSON array of items `{item_type, title, fields, status?}` as the
 * site's add form would save them (ids, authors and times are the kernel's).
 */
export async function readSeed(spec: string | undefined): Promise<ItemDraft[]> {
  if (spec === undefined) return [];
  const { text, where } = await readJsonText(spec.startsWith('@') || spec === '-' ? spec : `@${spec}`, '--seed');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`The seed items in ${where} are not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(value)) throw new UsageError(`The seed file ${where} must hold a JSON array of items, such as [{"item_type": "blog", "title": "Hello", "fields": {}}].`);
  return value.map((raw, i) => {
    if (typeof raw !== 'object' || raw === null || typeof raw.item_type !== 'string' || typeof raw.title !== 'string') {
      throw new UsageError(`Seed item ${i + 1} in ${where} needs "item_type" and "title" strings.`);
    }
    const item = raw as Partial<ItemDraft>;
    return { item_type: item.item_type!, title: item.title!, fields: item.fields ?? {}, status: item.status === 0 ? 0 : 1 };
  });
}
