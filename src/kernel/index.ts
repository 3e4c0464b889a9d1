/**
 * The kernel's public surface: what the CLI, the site's worker, the playground and tools
 * outside `src/kernel/` import. Re-exports only; the modules behind it are internal.
 */
export { createKernel, DEFAULT_MAX_MEMORY_PAGES } from './kernel.js';
export type { Kernel, KernelOptions, LoadReport, RequestOptions, RouteResponse } from './kernel.js';
export type { RequestSession } from './request-session.js';
export type { KernelStorage, KernelWork } from './host/storage-host.js';
export { KernelError, kernelErrorTransferHandler, messageOf } from './common/errors.js';
export type { ErrorLocation, KernelErrorCode, SerializedKernelError } from './common/errors.js';
export type { PluginSource, PluginStatus } from './plugin/loader.js';
export { LOG_LEVELS } from './common/log-entry.js';
export type { LogEntry, LogLevel } from './common/log-entry.js';
export type { CurrentUser, UserSpec } from './common/users.js';
export type { DispatchEvent, DispatchResult, HandlerResult, TimedHandlerResult } from './tap/dispatcher.js';
