/**
 * The CLI's storage: the same IndexedDB storage code as the browser, on fake-indexeddb in
 * memory, so host functions behave exactly as in the site. Nothing persists between runs.
 */
import type { KernelStorage } from '../kernel/index.js';
import { openSiteStore } from '../kernel/storage/site-store.js';
import { nodeIndexedDB } from '../kernel/storage/node-indexeddb.js';
import { kernelStorage } from '../kernel/host/storage-host.js';

export async function createNodeStorage(): Promise<KernelStorage> {
  return kernelStorage(await openSiteStore({ name: 'trovato-cli', indexedDB: nodeIndexedDB() }));
}
