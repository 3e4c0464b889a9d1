/**
 * The messages between a documentation page and a Trovato `/embed/` frame, over `postMessage`.
 * Types only: the client (client.ts) and the frame (trovato-embed.ts) both import them; the
 * one runtime value, EMBED_PROTOCOL, lives in client.ts so the published client is one file. Every
 * message carries `protocol`, so a frame ignores other libraries' messages and a later
 * version can be told apart.
 */
import type { DemoUser, DispatchResult, LogEntry, Recipe, TraceEntry } from '../site/protocol.js';

export type { DemoUser, DispatchResult, LogEntry, Recipe, TraceEntry };

/** The protocol tag every message carries (the value is `EMBED_PROTOCOL` in client.ts). */
export type EmbedProtocol = 'trovato-embed/1';

/** What the embedding page asks; `id` pairs the answer with the request. */
export type EmbedRequest = { protocol: EmbedProtocol; id: number } & EmbedCall;

export type EmbedCall =
  /** Applies a recipe in a fresh database of the frame's own, replacing the frame's site. */
  | { type: 'applyRecipe'; recipe: Recipe }
  /** Shows `path` as `user` (default: the recipe's user, else anonymous). */
  | { type: 'navigate'; path: string; user?: DemoUser }
  /** Runs every handler of `tap` as one request. */
  | { type: 'dispatch'; tap: string; input?: unknown; user?: DemoUser }
  /** The newest log lines, newest first. */
  | { type: 'logs'; limit?: number }
  /** Tap dispatches and calls after `since` (a `seq`), oldest first. */
  | { type: 'trace'; since?: number };

/** What each call answers with. */
export interface EmbedResults {
  applyRecipe: { landing: string; user: DemoUser; plugins: string[] };
  navigate: EmbedPage;
  dispatch: DispatchResult;
  logs: LogEntry[];
  trace: TraceEntry[];
}

/** The page a `navigate` showed. */
export interface EmbedPage {
  path: string;
  /** 200, or 403/404/500 with `error` saying why. */
  status: number;
  /** The route's title, when a plugin route matched. */
  title: string | null;
  error: string | null;
}

export type EmbedResponse =
  | { protocol: EmbedProtocol; id: number; ok: true; result: unknown }
  | { protocol: EmbedProtocol; id: number; ok: false; error: string };

/** Sent by the client until the frame answers `ready` (the frame may have announced itself before the client listened). */
export type EmbedHello = { protocol: EmbedProtocol; type: 'hello' };

/** Sent by the frame, unasked: once when it can take requests, and after each page it shows. */
export type EmbedEvent =
  | { protocol: EmbedProtocol; type: 'ready' }
  | { protocol: EmbedProtocol; type: 'page'; page: EmbedPage };
