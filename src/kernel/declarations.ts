/**
 * What plugins declare when they load, read from the answers of the taps the kernel dispatches
 * then: routes (`tap_menu`), permissions (`tap_perm`) and queues (`tap_queue_info`). Each reader
 * takes the dispatch's handler results and returns what it accepted with a problem for each
 * answer it refused, naming the plugin; nothing here dispatches or keeps state.
 */
import { MACHINE_NAME } from './common/machine-name.js';
import type { DeclaredPermission } from './content/types.js';
import { MAX_ROUTES_PER_PLUGIN, MenuRegistry, normalizeMenuDefinition, type MenuDefinition, type MenuProblem } from './menu/registry.js';
import { checkExportSignature, TAP_SIGNATURE } from './plugin/module-check.js';
import type { ModuleShape } from './plugin/wasm-sections.js';
import type { HandlerResult } from './tap/dispatcher.js';

/** A route a plugin declared and the kernel refused (duplicate, bad callback, bad shape). */
export type RouteProblem = MenuProblem;

/** A load-time tap that failed for one plugin. */
export interface TapProblem {
  plugin: string;
  tap: string;
  message: string;
}

/**
 * The routes of every `tap_menu` answer, registered in answer order. `shapeOf` gives a plugin's
 * module, so a route whose callback is not a tap-shaped export is refused here, not when called.
 */
export function collectRoutes(results: readonly HandlerResult[], shapeOf: (plugin: string) => ModuleShape): { menu: MenuRegistry; problems: RouteProblem[] } {
  const menu = new MenuRegistry();
  const problems: RouteProblem[] = [];
  for (const handler of results) {
    if (handler.error !== undefined) {
      problems.push({ plugin: handler.plugin, path: '', message: handler.error });
      continue;
    }
    if (handler.output === null) continue;
    if (!Array.isArray(handler.output)) {
      problems.push({ plugin: handler.plugin, path: '', message: `${handler.plugin} tap_menu must return an array of MenuDefinition objects.` });
      continue;
    }
    if (handler.output.length > MAX_ROUTES_PER_PLUGIN) {
      problems.push({
        plugin: handler.plugin,
        path: '',
        message:
          `${handler.plugin} tap_menu returned ${handler.output.length} routes; a plugin may declare at most ${MAX_ROUTES_PER_PLUGIN}, so none of them were registered. ` +
          'Use parameters (/tags/:tag) for pages that share a callback.',
      });
      continue;
    }
    const shape = shapeOf(handler.plugin);
    const definitions: MenuDefinition[] = [];
    for (const raw of handler.output) {
      const normalized = normalizeMenuDefinition(raw, handler.plugin);
      if (!normalized.ok) {
        problems.push({ plugin: handler.plugin, path: pathOf(raw), message: normalized.message });
        continue;
      }
      const signatureProblem = checkExportSignature(shape, normalized.value.callback, TAP_SIGNATURE);
      if (signatureProblem) {
        problems.push({ plugin: handler.plugin, path: normalized.value.path, message: `${handler.plugin} route ${normalized.value.path}: ${signatureProblem}` });
        continue;
      }
      definitions.push(normalized.value);
    }
    problems.push(...menu.add(handler.plugin, definitions));
  }
  // Parent links are checked once every plugin's routes are in: a parent may come later.
  problems.push(...menu.problems());
  return { menu, problems };
}

function pathOf(raw: unknown): string {
  return raw && typeof raw === 'object' && typeof (raw as { path?: unknown }).path === 'string' ? (raw as { path: string }).path : '';
}

/** The permissions of every `tap_perm` answer (`[{name, description?}]`); entries without a name are skipped. */
export function collectPermissions(results: readonly HandlerResult[]): { permissions: DeclaredPermission[]; problems: TapProblem[] } {
  const permissions: DeclaredPermission[] = [];
  const problems = results.filter((handler) => handler.error !== undefined).map((handler) => ({ plugin: handler.plugin, tap: 'tap_perm', message: handler.error! }));
  for (const handler of results) {
    if (!Array.isArray(handler.output)) continue;
    for (const entry of handler.output) {
      if (entry && typeof entry === 'object' && typeof (entry as { name?: unknown }).name === 'string') {
        const { name, description } = entry as { name: string; description?: unknown };
        permissions.push({ name, description: typeof description === 'string' ? description : '', plugin: handler.plugin });
      }
    }
  }
  return { permissions, problems };
}

export interface QueueInfo {
  readonly name: string;
  /** The plugin whose tap_queue_worker drains it. */
  readonly plugin: string;
  /** How long one cron run may spend on this queue, in milliseconds. */
  readonly timeBudgetMs: number;
  /** Failed attempts after which an item is dropped. */
  readonly maxAttempts: number;
}

export const DEFAULT_TIME_BUDGET_MS = 1000;
export const DEFAULT_MAX_ATTEMPTS = 3;

/** Reads `tap_queue_info` answers: `[{name, time_budget_ms?, max_attempts?}]` per plugin. */
export function collectQueues(results: readonly HandlerResult[]): { queues: QueueInfo[]; problems: Array<{ plugin: string; message: string }> } {
  const queues: QueueInfo[] = [];
  const problems: Array<{ plugin: string; message: string }> = [];
  for (const result of results) {
    if (result.error !== undefined) {
      problems.push({ plugin: result.plugin, message: result.error });
      continue;
    }
    if (result.output === null) continue;
    if (!Array.isArray(result.output)) {
      problems.push({ plugin: result.plugin, message: `${result.plugin} tap_queue_info must return an array of {name, time_budget_ms?, max_attempts?}.` });
      continue;
    }
    for (const entry of result.output as unknown[]) {
      const raw = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
      const name = raw.name;
      if (typeof name !== 'string' || !MACHINE_NAME.test(name)) {
        problems.push({ plugin: result.plugin, message: `${result.plugin} tap_queue_info: ${JSON.stringify(name)} is not a queue name (${MACHINE_NAME.source}).` });
        continue;
      }
      const owner = queues.find((q) => q.name === name);
      if (owner) {
        problems.push({ plugin: result.plugin, message: `${result.plugin} tap_queue_info declares the queue "${name}", which ${owner.plugin} already declared; the first declaration stands.` });
        continue;
      }
      queues.push({
        name,
        plugin: result.plugin,
        timeBudgetMs: positive(raw.time_budget_ms, DEFAULT_TIME_BUDGET_MS),
        maxAttempts: positive(raw.max_attempts, DEFAULT_MAX_ATTEMPTS),
      });
    }
  }
  return { queues, problems };
}

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;
}
