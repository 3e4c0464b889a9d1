/**
 * `trovato:kernel/logging`: log lines recorded under the real caller. The `plugin` argument a
 * plugin passes is not trusted; when it names another plugin the entry keeps it as `claimed`,
 * so the UI can show the impersonation attempt. Lines go to the request's log; the kernel hands
 * that log to `SiteStore.appendLogs` when the request ends, whether it committed or failed (the
 * lines explain the failure), together with the plugin's stdout/stderr lines. Logs are not part
 * of the unit of work. Lines count against the log quotas (limits.ts); a line over quota is
 * refused with -6 and not recorded.
 */
import type { LogRecord } from '../storage/schema.js';
import type { LogLevel } from '../tap/request-state.js';
import type { HostImpl } from './abi.js';
import { badArgument } from './storage-work.js';
import { utf8Length } from '../limits.js';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'notice', 'warning', 'error'];

/** Longer messages are cut, so one call cannot fill the site's storage quota. */
export const MAX_LOG_MESSAGE = 16 * 1024;

function isLevel(level: string): level is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(level);
}

/** The logging host functions. */
export function loggingHostFunctions(): Record<string, HostImpl> {
  return {
    log: (call, [level, claimed, message]) => {
      if (!isLevel(level)) throw badArgument(`The log level "${level}" is unknown; the levels are ${LOG_LEVELS.join(', ')}.`);
      const recorded = message.length > MAX_LOG_MESSAGE ? `${message.slice(0, MAX_LOG_MESSAGE)}... (cut from ${message.length} characters)` : message;
      call.request.quota.chargeLog(call, utf8Length(recorded), call.request);
      const entry: LogRecord = {
        plugin: call.plugin,
        level,
        message: recorded,
        time: Date.now(),
        source: 'log',
        ...(claimed !== '' && claimed !== call.plugin ? { claimed } : {}),
      };
      call.request.logs.push(entry);
      return 0;
    },
  };
}
