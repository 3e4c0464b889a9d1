/**
 * Opening a served site: its plugins from a folder and its store from `--database` (a SQLite
 * file by default).
 */
import { readPluginFolder, type FolderProblem } from '../cli/plugin-folder.js';
import { openSite, type Site } from '../kernel/site/site.js';
import { openSqliteStore } from '../kernel/storage/sql/sqlite-store.js';
import type { SiteStore } from '../kernel/storage/site-store.js';
import type { PluginSource } from '../kernel/plugin/loader.js';

export interface ServedSiteOptions {
  /** A folder of built plugins (`<name>/<name>.info.toml` + `.wasm`). */
  readonly plugins: string;
  /** A SQLite file path (created if missing), or `sqlite:<path>`. */
  readonly database: string;
  /** Plugins given directly, after the folder's (tests, tools). */
  readonly sources?: readonly PluginSource[];
}

/** Opens the store named by `database`. */
export function openServedStore(database: string): SiteStore {
  if (/^postgres(ql)?:\/\//.test(database)) {
    throw new Error(`PostgreSQL (${database.replace(/:[^:@/]*@/, ':***@')}) is not supported by this build yet; pass a SQLite file path.`);
  }
  return openSqliteStore({ file: database.replace(/^sqlite:/, '') });
}

export async function openServedSite(options: ServedSiteOptions): Promise<{ site: Site; problems: FolderProblem[] }> {
  const { sources, problems } = await readPluginFolder(options.plugins);
  const store = openServedStore(options.database);
  try {
    return { site: await openSite({ store, sources: [...sources, ...(options.sources ?? [])] }), problems };
  } catch (error) {
    await store.close();
    throw error;
  }
}
