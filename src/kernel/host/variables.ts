/**
 * `trovato:kernel/variables`: persistent named strings, one namespace per plugin (the real
 * caller, `call.plugin`). Writes go through the request's unit of work.
 */
import type { SiteStore } from '../storage/site-store.js';
import type { HostImpl } from './abi.js';
import { variableWriteBytes } from '../storage/unit-of-work.js';
import { badArgument, chargeStaging, workOf } from './storage-work.js';

function checkName(name: string): void {
  if (name.length === 0 || name.length > 255) throw badArgument(`A variable name must have 1 to 255 characters, got ${name.length}.`);
}

/** The variables host functions over `store`. */
export function variablesHostFunctions(store: SiteStore): Record<string, HostImpl> {
  return {
    get: (call, [name, fallback]) => {
      checkName(name);
      return workOf(call, store).getVariable(call.plugin, name) ?? fallback;
    },
    set: (call, [name, value], _numbers, [nameBytes, valueBytes]) => {
      checkName(name);
      const work = workOf(call, store);
      // The value's own size was checked on the argument (limits.ts ARGUMENT_LIMITS).
      chargeStaging(call, work, variableWriteBytes(name, value, nameBytes, valueBytes));
      work.setVariable(call.plugin, name, value);
      return 0;
    },
  };
}
