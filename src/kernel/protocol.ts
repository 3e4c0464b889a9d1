/**
 * The page <-> worker contract: what the kernel worker exposes through comlink. Types only, so
 * the UI and the playground can import it without pulling kernel code into the page.
 */
import type { LoadReport, RouteResponse } from './kernel.js';
import type { DispatchResult, HandlerResult } from './tap/dispatcher.js';
import type { PluginSource } from './plugin/loader.js';
import type { MenuTreeNode, RegisteredRoute, RouteMatch } from './menu/registry.js';
import type { UserSpec } from './users.js';

export type { LoadReport, RouteResponse, DispatchResult, HandlerResult, PluginSource, MenuTreeNode, RegisteredRoute, RouteMatch, UserSpec };

export interface BootOptions {
  /** Where the built plugins live, e.g. `/plugins/` (holds plugins.json and one folder per plugin). */
  pluginsUrl: string;
  /** Plugins to enable; defaults to the list in plugins.json. */
  enabled?: string[];
  /** Extra plugins given as bytes (the playground's compiled plugin, an uploaded wasm). */
  extra?: PluginSource[];
}

export interface KernelWorkerApi {
  boot(options: BootOptions): Promise<LoadReport>;
  load(sources: PluginSource[]): Promise<LoadReport>;
  dispatch(tap: string, input?: unknown, user?: UserSpec): Promise<DispatchResult>;
  dispatchOne(tap: string, input?: unknown, user?: UserSpec): Promise<DispatchResult & { answer: HandlerResult | null }>;
  route(path: string): Promise<RouteMatch | null>;
  callRoute(path: string, user?: UserSpec, query?: Record<string, string>): Promise<RouteResponse | null>;
  routes(): Promise<RegisteredRoute[]>;
  menuTree(): Promise<MenuTreeNode[]>;
  status(): Promise<LoadReport>;
}
