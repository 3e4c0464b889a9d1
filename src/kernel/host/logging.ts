/**
 * `trovato:kernel/logging`: log lines recorded under the real caller. The `plugin` argument a
 * plugin passes is not trusted; when it names another plugin the entry keeps it as `claimed`,
 * so the UI can show the impersonation attempt. Lines go to the request's log; the kernel hands
 * that log to `SiteStore.appendLogs` when the request ends, whether it committed or failed (the
 * lines explain the failure), together with the plugin's stdout/stderr lines. Logs are not part
 * of the unit of work. Lines count against the log quotas (limits.ts); a line over quota is
 * refused with -6 and not recorded.
 */
import { LOG_LEVELS, type LogEntry, type LogLevel } from '../common/log-entry.js';
import type { ActiveCall, HostImpl } from './abi.js';
import { badArgument } from './storage-work.js';
import { utf8Length } from '../common/limits.js';

/** Longer messages are cut, so one call cannot fill the site's storage quota. */
export const MAX_LOG_MESSAGE = 16 * 1024;

function isLevel(level: string): level is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(level);
}

/**
 * Records one log line of the calling plugin: cut past MAX_LOG_MESSAGE, charged to the log quotas
 * (throws the quota's HostFailure when they are spent), attributed to the real caller. The one
 * path for `logging.log` and AssemblyScript's `env.trace`.
 */
export function recordLogLine(call: ActiveCall, level: LogLevel, message: string, claimed = ''): void {
  const recorded = message.length > MAX_LOG_MESSAGE ? `${message.slice(0, MAX_LOG_MESSAGE)}... (cut from ${message.length} characters)` : message;
  call.request.quota.chargeLog(call, utf8Length(recorded), call.request);
  const entry: LogEntry = {
    plugin: call.plugin,
    level,
    message: recorded,
    time: Date.now(),
    source: 'log',
    ...(claimed !== '' && claimed !== call.plugin ? { claimed } : {}),
  };
  call.request.record(entry);
}

/** The logging host functions. */
export function loggingHostFunctions(): Record<string, HostImpl> {
  return {
    log: (call, [level, claimed, message]) => {
      if (!isLevel(level)) throw badArgument(`The log level "${level}" is unknown; the levels are ${LOG_LEVELS.join(', ')}.`);
      recordLogLine(call, level, message, claimed);
      return 0;
    },
  };
}
