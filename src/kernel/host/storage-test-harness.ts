/**
 * Test support: calls storage host functions the way a plugin does, through the raw wasm import
 * (`adaptHostFunction`) over a real WebAssembly.Memory, with the buffer convention and
 * `last-error`. Not used by the kernel.
 */
import { nodeIndexedDB } from '../storage/node-indexeddb.js';
import type { UnitOfWork } from '../storage/unit-of-work.js';
import { openSiteStore, type SiteStore, type SiteStoreOptions } from '../storage/site-store.js';
import { createRequestState, type RequestState } from '../request/request-state.js';
import type { CurrentUser } from '../common/users.js';
import { adaptHostFunction, CallStack, type ActiveCall } from './abi.js';
import { HOST_FUNCTIONS, type HostFunctionSpec } from '../contract/imports.js';
import { createStorageHostFunctions } from './storage-host.js';

/** A store on a fresh fake-indexeddb database of its own. */
export function openTestStore(options: Partial<SiteStoreOptions> = {}): Promise<SiteStore> {
  return openSiteStore({ name: `test-${crypto.randomUUID()}`, indexedDB: nodeIndexedDB(), loadAllAtOpen: true, ...options });
}

export function user(id: string, permissions: string[], roles: string[] = ['authenticated']): CurrentUser {
  return { id, name: id, roles, permissions: new Set(permissions) };
}

export interface HostResult {
  /** The i32 the plugin sees. */
  code: number;
  /** The decoded output for data functions that succeeded. */
  text?: string;
  /** `last-error` after a negative code. */
  error?: string;
}

const utf8 = new TextEncoder();
const decoder = new TextDecoder();

/** One request as a plugin sees it: host calls through the raw imports. */
export class HostHarness {
  readonly memory = new WebAssembly.Memory({ initial: 4 });
  readonly request: RequestState;
  readonly #calls = new CallStack();
  readonly #host;

  constructor(store: SiteStore, currentUser: CurrentUser) {
    this.#host = createStorageHostFunctions(store);
    this.request = createRequestState(currentUser, store.beginWork(currentUser));
  }

  /** The request's unit of work, to commit or roll back as the kernel would. */
  get work(): UnitOfWork {
    return this.request.work as UnitOfWork;
  }

  /**
   * Calls `iface.name` as `plugin`. Data functions get an output buffer of `outMax` bytes and,
   * when the result did not fit, are called again with a big enough one (as the SDK does).
   */
  call(plugin: string, iface: string, name: string, strings: string[], numbers: number[] = [], outMax = 1 << 16): HostResult {
    const spec = (HOST_FUNCTIONS as Record<string, Record<string, HostFunctionSpec>>)[iface][name];
    const impl = this.#host[iface][name];
    const raw = adaptHostFunction(this.#calls, `${iface}.${name}`, spec, impl);
    const active: ActiveCall = { plugin, memory: this.memory, request: this.request, lastError: '', pending: null };
    this.#calls.push(active);
    try {
      const args: number[] = [];
      let offset = 1024;
      for (const text of strings) {
        const bytes = utf8.encode(text);
        new Uint8Array(this.memory.buffer, offset, bytes.length).set(bytes);
        args.push(offset, bytes.length);
        offset += bytes.length + 8;
      }
      args.push(...numbers);
      if (!spec.returnsData) {
        const code = raw(...args);
        return code < 0 ? { code, error: active.lastError } : { code };
      }
      const outPtr = offset;
      let code = raw(...args, outPtr, outMax);
      if (code > outMax) code = raw(...args, outPtr, code);
      if (code < 0) return { code, error: active.lastError };
      return { code, text: decoder.decode(new Uint8Array(this.memory.buffer, outPtr, code)) };
    } finally {
      this.#calls.pop();
    }
  }

  /** `call` that must succeed; returns parsed JSON (or the raw text when it is not JSON). */
  ok(plugin: string, iface: string, name: string, strings: string[], numbers: number[] = []): unknown {
    const result = this.call(plugin, iface, name, strings, numbers);
    if (result.code < 0) throw new Error(`${iface}.${name} failed with ${result.code}: ${result.error}`);
    if (result.text === undefined) return result.code;
    try {
      return JSON.parse(result.text);
    } catch {
      return result.text;
    }
  }
}
