/**
 * `trovato:kernel/request-context`: a string map that lives for one request, shared by the
 * handlers of that request and dropped at its end (never persisted).
 */
import type { HostImpl } from './abi.js';
import { HostCode, HostFailure } from '../contract/host-codes.js';
import { utf8Length } from '../common/limits.js';

/** The request-context host functions. */
export function requestContextHostFunctions(): Record<string, HostImpl> {
  return {
    get: (call, [key]) => {
      const value = call.request.context.get(key);
      if (value === undefined) throw new HostFailure(HostCode.notFound, `The request context has no key "${key}".`);
      return value;
    },
    set: (call, [key, value], _numbers, [keyBytes, valueBytes]) => {
      const before = call.request.context.get(key);
      // The value alone was checked on the argument; the context as a whole is checked here.
      call.request.quota.chargeContext(call, before === undefined ? 0 : keyBytes + utf8Length(before), keyBytes + valueBytes, call.request);
      call.request.context.set(key, value);
      return 0;
    },
  };
}
