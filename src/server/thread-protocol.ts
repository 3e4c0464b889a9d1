/** Messages between the `trovato serve` main thread and its kernel worker threads. */
import type { AppRequest, AppResponse } from './app-exchange.js';

export interface KernelThreadData {
  readonly plugins: string;
  readonly database: string;
  /** The kernel's instruction budget for one request (all its calls); default the kernel's. */
  readonly requestFuel?: number;
}

export type ToKernelThread =
  | { readonly kind: 'request'; readonly id: number; readonly request: AppRequest }
  /** Another thread or process changed the site settings: reload the plugins. */
  | { readonly kind: 'reload' };

export type FromKernelThread =
  | { readonly kind: 'ready'; readonly problems: string[] }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'response'; readonly id: number; readonly response: AppResponse; readonly settingsChanged: boolean }
  /** Posted as each plugin call starts, so a thread that stops answering is named by its plugin. */
  | { readonly kind: 'call'; readonly plugin: string; readonly exportName: string };
