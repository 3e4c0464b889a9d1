/**
 * The CLI's storage: the same IndexedDB storage code as the browser, on fake-indexeddb in
 * memory, so host functions behave exactly as in the site. Nothing persists between runs.
 */
import type { KernelStorage } from '../kernel/kernel.js';

export async function createNodeStorage(): Promise<KernelStorage | undefined> {
  // Wired to the IndexedDB site store once it lands (see src/kernel/storage/).
  return undefined;
}
