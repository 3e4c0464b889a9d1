/**
 * Which plugins implement which tap, in the order they run: `weight` ascending, then load
 * order (ABI §1). Sorted lists are cached per tap and rebuilt only when plugins change.
 */
import type { InstanceSource } from '../plugin/plugin-instance.js';

export interface TapHandler {
  readonly plugin: string;
  readonly weight: number;
  /** Position of the plugin in the load order. */
  readonly loadIndex: number;
  /**
   * The plugin's instances: a dispatch reaches them through its handler list, with no lookup by
   * plugin name for each handler it calls.
   */
  readonly instances: InstanceSource;
}

export class TapRegistry {
  /** Each plugin's taps and its handler entry, the same object in every tap's list. */
  readonly #byPlugin = new Map<string, { taps: readonly string[]; handler: TapHandler }>();
  #sorted = new Map<string, TapHandler[]>();

  register(plugin: string, taps: readonly string[], weight: number, loadIndex: number, instances: InstanceSource): void {
    this.#byPlugin.set(plugin, { taps: [...taps], handler: { plugin, weight, loadIndex, instances } });
    this.#sorted.clear();
  }

  unregister(plugin: string): void {
    if (this.#byPlugin.delete(plugin)) this.#sorted.clear();
  }

  /** Handlers of `tap` in the order they run. */
  handlers(tap: string): readonly TapHandler[] {
    let list = this.#sorted.get(tap);
    if (!list) {
      list = [];
      for (const { taps, handler } of this.#byPlugin.values()) {
        if (taps.includes(tap)) list.push(handler);
      }
      list.sort((a, b) => a.weight - b.weight || a.loadIndex - b.loadIndex);
      this.#sorted.set(tap, list);
    }
    return list;
  }

  plugins(): string[] {
    return [...this.#byPlugin.keys()];
  }
}
