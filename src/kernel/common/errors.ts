/**
 * Every failure the kernel reports is a KernelError with a stable `code`, so callers (the UI,
 * the CLI, tests) can act on the kind of failure without parsing messages. The message is a
 * full sentence that says what was wrong, where (plugin, tap, file, key) and what to do.
 */
export type KernelErrorCode =
  | 'MANIFEST_INVALID'
  | 'MODULE_INVALID'
  | 'DEPENDENCY_MISSING'
  | 'DEPENDENCY_CYCLE'
  | 'PLUGIN_NOT_FOUND'
  | 'TAP_UNKNOWN'
  | 'PLUGIN_TRAP'
  | 'PLUGIN_OUTPUT_INVALID'
  | 'PLUGIN_REPORTED_ERROR'
  | 'MEMORY_LIMIT'
  | 'OUT_OF_FUEL'
  | 'TIMEOUT'
  | 'ROUTE_NOT_FOUND'
  | 'ROUTE_DUPLICATE'
  | 'ACCESS_DENIED'
  | 'STORAGE_FAILURE'
  | 'BAD_INPUT';

/** Where an error happened, as far as it is known. */
export interface ErrorLocation {
  plugin?: string;
  tap?: string;
  file?: string;
  key?: string;
  line?: number;
  column?: number;
}

export class KernelError extends Error {
  override readonly name = 'KernelError';
  readonly code: KernelErrorCode;
  readonly location: ErrorLocation;

  constructor(code: KernelErrorCode, message: string, location: ErrorLocation = {}) {
    super(message);
    this.code = code;
    this.location = location;
  }

  /** A plain object that survives structured clone (worker messages) and JSON. */
  toJSON(): SerializedKernelError {
    return { name: this.name, code: this.code, message: this.message, location: this.location };
  }

  static fromJSON(data: SerializedKernelError): KernelError {
    return new KernelError(data.code, data.message, data.location);
  }
}

export interface SerializedKernelError {
  name: 'KernelError';
  code: KernelErrorCode;
  message: string;
  location: ErrorLocation;
}

/** The message of anything thrown, for reports that must not lose the cause. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

type ThrownPayload = { kind: 'kernel'; error: SerializedKernelError } | { kind: 'error'; error: { name: string; message: string; stack?: string } };

/**
 * Whether `value` is what comlink wraps a thrown value in: `{value, [Symbol("Comlink.thrown")]: 0}`.
 * comlink offers every value it sends (arguments, results) to every transfer handler, so a
 * handler that took any object with a `value` key took a route's query `{value: "1"}` too, and
 * turned it into a thrown error (the site froze on `/blog?value=1`). comlink does not export
 * its marker, so it is recognised by its description, on the object's own symbol keys.
 */
function isComlinkThrown(value: unknown): value is { value: unknown } {
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, 'value')) return false;
  return Object.getOwnPropertySymbols(value).some((symbol) => symbol.description === 'Comlink.thrown');
}

/**
 * comlink's "throw" transfer handler, shaped so this file need not import comlink: register it
 * on both sides (`Comlink.transferHandlers.set('throw', kernelErrorTransferHandler)`) and a
 * KernelError thrown in the worker arrives in the page as a KernelError with its code. Only
 * thrown values go through it; everything else crosses as comlink sends it.
 */
export const kernelErrorTransferHandler = {
  canHandle: isComlinkThrown,
  serialize: ({ value }: { value: unknown }): [ThrownPayload, Transferable[]] => {
    if (value instanceof KernelError) return [{ kind: 'kernel', error: value.toJSON() }, []];
    const error = value instanceof Error ? value : new Error(String(value));
    return [{ kind: 'error', error: { name: error.name, message: error.message, stack: error.stack } }, []];
  },
  deserialize: (payload: ThrownPayload): never => {
    if (payload.kind === 'kernel') throw KernelError.fromJSON(payload.error);
    const { name, message, stack } = payload.error;
    throw Object.assign(new Error(message), { name, stack });
  },
};
