/**
 * The page <-> worker contract: what the kernel worker exposes through comlink. Types only, so
 * the UI and the playground can import it without pulling kernel code into the page.
 */
import type { LoadReport, RouteResponse } from '../kernel/kernel.js';
import type { DispatchResult, HandlerResult, TimedHandlerResult } from '../kernel/tap/dispatcher.js';
import type { PluginSource } from '../kernel/plugin/loader.js';
import type { MenuTreeNode, RegisteredRoute, RouteMatch } from '../kernel/menu/registry.js';
import type { UserSpec } from '../kernel/common/users.js';
import type { LogEntry, LogLevel } from '../kernel/common/log-entry.js';
import type { ContentType, DeclaredPermission, FieldError, Item } from '../kernel/content/types.js';
import type { CronReport } from '../kernel/cron.js';
import type { DemoUser, Recipe, RecipeProblem } from '../recipe/recipe.js';

export type { DemoUser, Recipe, RecipeProblem };
export type { CronReport, LogEntry, LogLevel, ContentType, FieldError, Item, LoadReport, RouteResponse, DispatchResult, HandlerResult, PluginSource, MenuTreeNode, RegisteredRoute, RouteMatch, UserSpec };

/** How far a recipe's application has come: `done` of `total` steps, and the step starting. */
export interface RecipeProgress {
  done: number;
  total: number;
  step: string;
}

export interface BootOptions {
  /** Where the built plugins live, e.g. `/plugins/` (holds plugins.json and one folder per plugin). */
  pluginsUrl: string;
  /** Plugins to enable; defaults to the list in plugins.json. */
  enabled?: string[];
  /** Extra plugins given as bytes (the playground's compiled plugin, an uploaded wasm). */
  extra?: PluginSource[];
  /**
   * The plugins of `pluginsUrl`'s index, already fetched by the page (it fetches them while the
   * worker starts), used instead of fetching them again. Ignored when `enabled` is given.
   */
  fetched?: PluginSource[];
  /**
   * The kernel's instruction fuel (KernelOptions.fuel). `false` runs plugins unmetered, so only
   * the supervisor's deadline stops a loop: for testing that last line of defence, never for a site.
   */
  fuel?: false | { perCall?: number; perRequest?: number };
  /**
   * Record every dispatch for `trace()` (the playground's tap inspector, the embed's client);
   * default true. A page that never reads the trace turns it off: recording times every handler
   * and keeps every dispatch's input and answers, on every request.
   */
  trace?: boolean;
}

export interface SiteBootOptions extends BootOptions {
  /** The IndexedDB database name: one per site; the playground uses its own. */
  siteName: string;
}

/**
 * What the site's boot script asks of the kernel worker it starts, before the page's own modules
 * have loaded (src/ui/early-kernel-worker.ts posts it as the worker's first message, outside
 * comlink): open the site, read what every page needs, and build the first page, so the page
 * finds them ready when its code runs (`takeEarlyBoot`).
 */
export interface EarlyBootRequest {
  /** Marks the message: comlink ignores it, the worker's listener takes it. */
  readonly type: 'trovato:early-boot';
  readonly boot: SiteBootOptions;
  /** The quarantine list as the supervisor keeps it (its localStorage entry), applied before any plugin loads. */
  readonly quarantined: Record<string, string>;
  /** The page to build: the plugin route of the address the page opened at, for the user picked in the header (`pick`, null: none). */
  readonly first: { path: string; query: Record<string, string>; pick: string | null } | null;
}

/** The early boot's second message: the plugin files the page fetched, or undefined when that failed (the worker fetches them then). */
export interface EarlyBootPlugins {
  readonly type: 'trovato:early-plugins';
  readonly fetched: PluginSource[] | undefined;
}

/** What every page needs about the open site: read once at boot and after plugin changes. */
export interface SiteOverview {
  report: LoadReport;
  users: UserProfile[];
  contentTypes: ContentType[];
  menu: MenuTreeNode[];
}

/** The first page, built by the early boot for the user the request's pick stands for. */
export interface FirstPage {
  path: string;
  query: Record<string, string>;
  /** The user it was built as (userForPick; undefined: the site has no users, so the anonymous user). */
  userId: string | undefined;
  /**
   * The site's data version (data-version.ts; null: none) read before the page's request
   * started and after it ended: its own writes (a cache entry, say) come between the two.
   */
  before: string | null;
  after: string | null;
  answer: RouteResponse | null;
}

/** The early boot's outcome, the site open as asked: its overview, and the first page unless building it failed (the page then asks for it again, and shows that error). */
export interface EarlyBoot {
  site: SiteOverview;
  first: FirstPage | null;
}

/** A plugin as the plugins admin page shows it. */
export interface PluginInfo {
  name: string;
  version: string;
  description: string;
  /** `refused`: failed to load (see errors); `disabled`: loaded but switched off by an admin. */
  status: 'enabled' | 'disabled' | 'refused';
  errors: string[];
  warnings: string[];
  taps: string[];
  dependencies: string[];
  /** Enabled plugins that depend on this one (it cannot be disabled while they are). */
  dependents: string[];
  /** A plugin quarantined after hanging repeatedly, with the reason. */
  quarantined?: string;
}

/** What `/item/<id>` shows, with the trace of the taps that built it. */
export interface ItemPage {
  item: Item | null;
  access: 'granted' | 'denied' | 'not-found';
  /** The RenderElement from tap_item_view after every tap_item_view_alter, or null. */
  render: unknown;
  /** Which plugin produced `render` (for error boxes). */
  renderPlugin: string;
  /** Every dispatch made to build the page, in order (the playground's tap inspector shows them). */
  trace: DispatchResult[];
  /** Handler failures, as messages for the page. */
  errors: string[];
}

export type SaveItemResult = { ok: true; item: Item } | { ok: false; errors: FieldError[] };

export interface ItemListQuery {
  type?: string;
  status?: 0 | 1;
  author?: string;
  search?: string;
  limit?: number;
  offset?: number;
}

export interface UserProfile {
  id: string;
  name: string;
  roles: string[];
  /** What the roles grant on this site now (the UI offers only what the kernel would allow). */
  permissions?: string[];
}

export interface LogQuery {
  plugin?: string;
  level?: LogLevel;
  limit?: number;
}

/** The site services the UI uses on top of the kernel API. */
export interface SiteWorkerApi {
  bootSite(options: SiteBootOptions): Promise<LoadReport>;
  /**
   * The boot the boot script asked for (EarlyBootRequest), once it is done; rejects as bootSite
   * would if it failed. Null when none was asked for or it was taken already.
   */
  takeEarlyBoot(): Promise<EarlyBoot | null>;
  contentTypes(): Promise<ContentType[]>;
  permissions(): Promise<DeclaredPermission[]>;
  /** The demo users of the user switcher: anonymous, an editor, an administrator. */
  users(): Promise<UserProfile[]>;
  viewItem(id: string, user: UserSpec): Promise<ItemPage>;
  /** An item for its edit form, or null when missing or not editable by the user. */
  editableItem(id: string, user: UserSpec): Promise<Item | null>;
  /** Validates against the type's field definitions, then saves (tap_item_insert / tap_item_update). */
  saveItem(item: ItemDraft, user: UserSpec): Promise<SaveItemResult>;
  deleteItem(id: string, user: UserSpec): Promise<{ ok: true } | { ok: false; error: string }>;
  listItems(query: ItemListQuery, user: UserSpec): Promise<{ items: Item[]; total: number }>;
  plugins(): Promise<PluginInfo[]>;
  /**
   * Fetches one plugin's files again and reloads the site's plugins with the new version, the
   * database kept (`trovato dev` after a rebuild). A plugin new to the site is installed.
   */
  reloadPlugin(name: string): Promise<LoadReport>;
  /** Runs tap_enable / tap_disable, respects dependencies, persists across reloads. */
  setPluginEnabled(name: string, enabled: boolean): Promise<{ ok: true; report: LoadReport } | { ok: false; error: string }>;
  /** Runs tap_uninstall and drops the plugin's variables and tables. */
  uninstallPlugin(name: string): Promise<{ ok: true; report: LoadReport } | { ok: false; error: string }>;
  readLogs(query: LogQuery): Promise<LogEntry[]>;
  /** Each role with the permissions it holds now (`*`: every permission). */
  roles(): Promise<Array<{ role: string; permissions: string[] }>>;
  /** Saves what `role` holds (persisted); `actor` needs "administer site". */
  setRolePermissions(role: string, permissions: string[], actor: UserSpec): Promise<{ ok: true } | { ok: false; error: string }>;
  /** Saves the roles of a user (persisted); `actor` needs "administer site". */
  setUserRoles(id: string, roles: string[], actor: UserSpec): Promise<{ ok: true } | { ok: false; error: string }>;
  /** The user switcher signed `user` in: runs tap_user_login. */
  login(user: UserSpec): Promise<{ errors: string[] }>;
  /** The generated form of a content type after tap_form_alter (a `form` RenderElement), or null for an unknown type. */
  itemForm(type: string, user: UserSpec): Promise<{ form: Record<string, unknown>; errors: string[] } | null>;
  /** A plugin form's submission: tap_form_validate, then tap_form_submit. */
  submitForm(submission: FormSubmission, user: UserSpec): Promise<FormResult>;
  /** Runs cron now (tap_cron, then the queues). */
  runCron(): Promise<CronReport>;
  /** Runs cron if its interval has passed since the last run; the UI calls it after serving a page. */
  cronTick(): Promise<CronReport | null>;
}

/** A plugin form as the page submits it. */
export interface FormSubmission {
  form_id: string;
  /** The plugin whose page rendered the form. */
  plugin: string;
  path: string;
  values: Record<string, string>;
}

export type FormResult =
  | { ok: true; messages: string[]; errors: string[] }
  | { ok: false; fieldErrors: FieldError[]; errors: string[] };

/** A recipe to apply into the fresh database `siteName` (docs/recipes.md). */
export interface RecipeRequest {
  recipe: Recipe;
  siteName: string;
  /** Where the reference plugins live (plugin steps with a name only). */
  pluginsUrl: string;
  /** Wasm the page compiled for the plugin steps with AssemblyScript `source`, by plugin name. */
  compiled?: Record<string, Uint8Array>;
  /** Apply on top of this site (the visitor's own, by database name) instead of an empty one; it is only read. */
  baseSiteName?: string;
  /** Record the new site's dispatches for `trace()`, as BootOptions.trace; default: as the worker does now. */
  trace?: boolean;
}

export type RecipeApplied = { ok: true; report: LoadReport; landing: string; user: DemoUser } | { ok: false; problem: RecipeProblem };

/**
 * Moving whole sites: recipes in, exports out and in. After a successful `applyRecipe` or
 * `importSite` the worker's site is the new one, as after `bootSite`.
 */
export interface SiteTransferApi {
  /**
   * Loads the code that applies recipes and compiles the recipe schema (the worker does both on
   * first use, so that a site's own boot never waits for them): call it as a recipe boot starts,
   * while the page reads the recipe.
   */
  prepareRecipes(): Promise<void>;
  applyRecipe(request: RecipeRequest): Promise<RecipeApplied>;
  /** Where the recipe being applied is, or null when none is. */
  recipeProgress(): Promise<RecipeProgress | null>;
  /** The open site as a zip (src/site/site-export.ts). */
  exportSite(): Promise<Uint8Array>;
  /** The open site as a recipe; plugins whose wasm equals the reference plugin's are named only. */
  exportRecipe(options: { pluginsUrl: string; landing?: string; user?: DemoUser; title?: string }): Promise<Recipe>;
  /** Restores a zip made by exportSite into the fresh database `siteName`. */
  importSite(request: { zip: Uint8Array; siteName: string }): Promise<{ ok: true; report: LoadReport } | { ok: false; error: string }>;
  /** Closes the site if it is `siteName`, then deletes its database. */
  deleteSite(siteName: string): Promise<void>;
}

/** An item as a form submits it: no id for a new item; the kernel fills times and author. */
export interface ItemDraft {
  id?: string;
  item_type: string;
  title: string;
  fields: Record<string, unknown>;
  status: 0 | 1;
}

/**
 * What the worker posts on the supervisor's port: `[plugin, export]` as each plugin call starts,
 * and `'pong'` in answer to `'ping'` (a worker stuck in plugin code cannot answer).
 */
export type SupervisorMessage = readonly [plugin: string, exportName: string] | 'pong';

/** The worker's side of supervision (src/supervisor/kernel-supervisor.ts drives it). */
export interface SupervisedWorkerApi {
  /** Starts reporting plugin calls on `port` (transfer it) and answering its pings. */
  watchCalls(port: MessagePort): Promise<void>;
  /** Plugins to hold back from the next boot or load on (name -> reason); `{}` releases them. */
  setQuarantined(reasons: Record<string, string>): Promise<void>;
}

/** One call the worker ran for a caller, as the playground's tap inspector lists it. */
export interface TraceEntry {
  /** Increases by one per entry, so a reader can ask only for what is new. */
  seq: number;
  /** When it started, in Unix milliseconds. */
  time: number;
  /** `tap`: every handler of a tap; `call`: one export of one plugin (a route callback, a lifecycle tap, an invoke). */
  kind: 'tap' | 'call';
  name: string;
  input: unknown;
  /** The id of the user the request ran as. */
  user: string;
  /** The handlers in the order they ran, each with output, error, location and time. */
  results: TimedHandlerResult[];
}

export interface KernelWorkerApi extends SupervisedWorkerApi {
  boot(options: BootOptions): Promise<LoadReport>;
  load(sources: PluginSource[]): Promise<LoadReport>;
  dispatch(tap: string, input?: unknown, user?: UserSpec): Promise<DispatchResult>;
  dispatchOne(tap: string, input?: unknown, user?: UserSpec): Promise<DispatchResult & { answer: HandlerResult | null }>;
  route(path: string): Promise<RouteMatch | null>;
  callRoute(path: string, user?: UserSpec, query?: Record<string, string>): Promise<RouteResponse | null>;
  routes(): Promise<RegisteredRoute[]>;
  menuTree(): Promise<MenuTreeNode[]>;
  status(): Promise<LoadReport>;
  /**
   * The most recent calls made through this API (a bounded ring buffer), oldest first; with
   * `since`, only entries whose `seq` is greater.
   */
  trace(since?: number): Promise<TraceEntry[]>;
}
