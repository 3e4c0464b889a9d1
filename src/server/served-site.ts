/**
 * Opening a served site: its plugins from a folder and its store from `--database` (a SQLite
 * file by default).
 */
import { readPluginFolder, type FolderProblem } from '../build/plugin-folder.js';
import { openSite, type Site, type SiteOptions } from '../site/site.js';
import { openSqliteStore } from '../kernel/storage/sql/sqlite.js';
import { openPostgresStore } from '../kernel/storage/sql/postgres.js';
import { SqlSiteStore } from '../kernel/storage/sql/sql-store.js';
import type { SiteStore } from '../kernel/storage/site-store.js';
import type { PluginSource } from '../kernel/plugin/loader.js';
import { storedPlugins } from '../site/plugins.js';

export interface ServedSiteOptions {
  /** A folder of built plugins (`<name>/<name>.info.toml` + `.wasm`). */
  readonly plugins: string;
  /** A SQLite file path (created if missing), `sqlite:<path>`, or a `postgres://` URL. */
  readonly database: string;
  /** Plugins given directly, after the folder's (tests, tools). */
  readonly sources?: readonly PluginSource[];
  /** Kernel options other than storage and roles. */
  readonly kernel?: SiteOptions['kernel'];
  /** An open store to reuse (reloading the plugins) instead of opening `database`. */
  readonly store?: SiteStore;
}

/** Whether `database` names a PostgreSQL database rather than a SQLite file. */
export function isPostgres(database: string): boolean {
  return /^postgres(ql)?:\/\//.test(database);
}

/** Opens the store named by `database`: a `postgres://` URL, or a SQLite file (`sqlite:` optional). */
export function openServedStore(database: string): SqlSiteStore {
  return isPostgres(database) ? openPostgresStore({ url: database }) : openSqliteStore({ file: database.replace(/^sqlite:/, '') });
}

export async function openServedSite(options: ServedSiteOptions): Promise<{ site: Site; problems: FolderProblem[] }> {
  const store = options.store ?? openServedStore(options.database);
  let problems: FolderProblem[] = [];
  // A site imported from an export carries its plugins and runs those, as in the browser (the
  // folder is not read); read inside the lock, so a process starting beside an import sees it whole.
  const open = async (): Promise<Site> => {
    let sources = storedPlugins(store);
    if (!sources) ({ sources, problems } = await readPluginFolder(options.plugins));
    return openSite({ store, sources: [...sources, ...(options.sources ?? [])], kernel: options.kernel });
  };
  try {
    // Processes starting together on one database open it one at a time: tap_install runs once.
    return { site: store instanceof SqlSiteStore ? await store.exclusive(open) : await open(), problems };
  } catch (error) {
    if (!options.store) await store.close();
    throw error;
  }
}
