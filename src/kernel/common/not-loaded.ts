/**
 * A read of data the storage has not loaded into memory yet (the browser's store loads items,
 * plugin tables and variables on demand: src/kernel/storage/README.md, "What is in memory").
 * Host functions are synchronous and IndexedDB is not, so such a read cannot wait: it throws
 * this, which unwinds the plugin and the request like running out of fuel does, never as an
 * error code a plugin could act on. The unit of work has recorded what was missing; the kernel
 * drops the attempt whole, loads it, and runs the request again from the start.
 */
export class NotLoaded extends Error {
  override readonly name = 'NotLoaded';
  constructor(what: string) {
    super(`${what} is not loaded yet; the request runs again once it is (a kernel bug if this is seen outside a request).`);
  }
}
