/**
 * A log line as the kernel records it, stores it and shows it: the one definition of the log
 * levels (the logging host function checks against them, /admin/logs filters by them).
 */

/** The levels a plugin may log at, least severe first. */
export const LOG_LEVELS = ['debug', 'info', 'notice', 'warning', 'error'] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogEntry {
  readonly plugin: string;
  readonly level: LogLevel;
  readonly message: string;
  /** Unix milliseconds. */
  readonly time: number;
  /** Where the line came from: the logging host function, or the plugin's stdout/stderr. */
  readonly source: 'log' | 'stdout' | 'stderr';
  /** The plugin name a log call claimed, when it was not the caller's own (an impersonation attempt). */
  readonly claimed?: string;
}
