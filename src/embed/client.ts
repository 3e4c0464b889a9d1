/**
 * The embedding page's side of a Trovato `/embed/` frame: a typed client over `postMessage`.
 * It talks only to the frame's window and accepts answers only from the frame's origin, and it
 * never needs the frame's storage: the frame keeps its own database, on its own origin.
 *
 * The built site serves this module at `<site>/embed/client.js`, so a documentation page can
 * import it from the site it embeds.
 *
 * @example
 * const frame = document.querySelector('iframe')!; // src="https://demo.example/embed/"
 * const trovato = await connectEmbed(frame);
 * await trovato.applyRecipe(recipe);
 * await trovato.navigate('/blog', { user: 'editor' });
 * console.log(await trovato.trace());
 */
import type { DemoUser, DispatchResult, EmbedCall, EmbedEvent, EmbedPage, EmbedProtocol, EmbedResponse, EmbedResults, LogEntry, Recipe, TraceEntry } from './protocol.js';

export type { DemoUser, DispatchResult, EmbedPage, LogEntry, Recipe, TraceEntry };

/** The tag of every message between a page and a frame (protocol.ts has the message types). */
export const EMBED_PROTOCOL: EmbedProtocol = 'trovato-embed/1';

export interface EmbedClient {
  /** Applies `recipe` in a fresh database of the frame (all or nothing) and shows its landing page. */
  applyRecipe(recipe: Recipe): Promise<EmbedResults['applyRecipe']>;
  navigate(path: string, options?: { user?: DemoUser }): Promise<EmbedPage>;
  dispatch(tap: string, input?: unknown, options?: { user?: DemoUser }): Promise<DispatchResult>;
  logs(limit?: number): Promise<LogEntry[]>;
  trace(since?: number): Promise<TraceEntry[]>;
  /** Calls `listener` with each page the frame shows (also after clicks inside it); returns the unsubscribe function. */
  onPage(listener: (page: EmbedPage) => void): () => void;
  /** Stops listening; pending calls reject. */
  close(): void;
}

export interface ConnectOptions {
  /** The frame's origin; default: the origin of `iframe.src`. */
  origin?: string;
  /** How long to wait for the frame to be ready, and for each answer, in ms. Default 60000. */
  timeoutMs?: number;
}

/**
 * Connects to an `/embed/` frame once it is ready.
 *
 * @param iframe an iframe whose `src` is a Trovato site's `/embed/` page.
 */
export function connectEmbed(iframe: HTMLIFrameElement, options: ConnectOptions = {}): Promise<EmbedClient> {
  const origin = options.origin ?? new URL(iframe.src, location.href).origin;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: ReturnType<typeof setTimeout> }>();
  const pageListeners = new Set<(page: EmbedPage) => void>();
  let nextId = 1;
  let closed = false;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const onMessage = (event: MessageEvent): void => {
    // Only the frame's window, from the frame's origin: other frames and windows are ignored.
    if (event.source !== iframe.contentWindow || event.origin !== origin) return;
    const data = event.data as EmbedResponse | EmbedEvent;
    if (typeof data !== 'object' || data === null || data.protocol !== EMBED_PROTOCOL) return;
    if ('type' in data) {
      if (data.type === 'ready') markReady();
      else if (data.type === 'page') for (const listener of pageListeners) listener(data.page);
      return;
    }
    const call = pending.get(data.id);
    if (!call) return;
    pending.delete(data.id);
    clearTimeout(call.timer);
    if (data.ok) call.resolve(data.result);
    else call.reject(new Error(data.error));
  };
  window.addEventListener('message', onMessage);

  function request<T>(call: EmbedCall): Promise<T> {
    if (closed) return Promise.reject(new Error('The embed client was closed.'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`The Trovato frame did not answer "${call.type}" within ${timeoutMs} ms.`));
      }, timeoutMs);
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      iframe.contentWindow?.postMessage({ protocol: EMBED_PROTOCOL, id, ...call }, origin);
    });
  }

  const client: EmbedClient = {
    applyRecipe: (recipe) => request({ type: 'applyRecipe', recipe }),
    navigate: (path, opts = {}) => request({ type: 'navigate', path, user: opts.user }),
    dispatch: (tap, input, opts = {}) => request({ type: 'dispatch', tap, input, user: opts.user }),
    logs: (limit) => request({ type: 'logs', limit }),
    trace: (since) => request({ type: 'trace', since }),
    onPage(listener) {
      pageListeners.add(listener);
      return () => pageListeners.delete(listener);
    },
    close() {
      closed = true;
      window.removeEventListener('message', onMessage);
      for (const call of pending.values()) {
        clearTimeout(call.timer);
        call.reject(new Error('The embed client was closed.'));
      }
      pending.clear();
    },
  };

  return new Promise<EmbedClient>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.close();
      reject(new Error(`The Trovato frame at ${origin} did not become ready within ${timeoutMs} ms; is its src a Trovato /embed/ page?`));
    }, timeoutMs);
    // The frame announces itself once; if it did before we listened, a ping makes it answer again.
    const ping = setInterval(() => iframe.contentWindow?.postMessage({ protocol: EMBED_PROTOCOL, type: 'hello' }, origin), 250);
    void ready.then(() => {
      clearTimeout(timer);
      clearInterval(ping);
      resolve(client);
    });
  });
}
