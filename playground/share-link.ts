/**
 * The playground's share format: the whole state in a URL fragment (`#v1.<deflate, base64url>`)
 * or, when that is too long for a link, in a `.trovato.json` file. Pure functions: decoding
 * never throws, because the input comes from whoever sent the link.
 */
import { Inflate, deflateSync, strFromU8, strToU8 } from 'fflate';

/** Everything a link restores. */
export interface PlaygroundState {
  /** The plugin's AssemblyScript source (`index.ts`). */
  source: string;
  /** The plugin's `<name>.info.toml`. */
  manifest: string;
  /** Reference plugins enabled beside it. */
  enabled: string[];
  /** The preview's current path, e.g. `/hello?name=Ada`. */
  route: string;
  /** The id of the demo user the preview runs as (`anonymous`, `editor`, `administrator`). */
  user: string;
}

export type DecodeResult =
  | { ok: true; state: PlaygroundState }
  | { ok: false; reason: 'empty' | 'unknown-version' | 'corrupt'; error: string };

/** The current format; links carry it so a later playground can still read them. */
export const SHARE_FORMAT_VERSION = 1;
/** Longer links are unreliable to paste into chat and mail: offer a file instead. */
export const MAX_LINK_LENGTH = 8000;
/** Guards against a small link that inflates to gigabytes. */
const MAX_DECODED_BYTES = 4 * 1024 * 1024;
const PREFIX = `v${SHARE_FORMAT_VERSION}.`;
const FILE_FORMAT = 'trovato-playground';

/**
 * The fragment body for `state` (`v1.<data>`, no `#`).
 *
 * @example
 * location.hash = encodeState(state);
 */
export function encodeState(state: PlaygroundState): string {
  // An array rather than an object: key names would cost characters in every link.
  const packed = [state.source, state.manifest, state.enabled, state.route, state.user];
  return PREFIX + toBase64Url(deflateSync(strToU8(JSON.stringify(packed)), { level: 9 }));
}

/**
 * Reads a fragment made by `encodeState` (with or without the leading `#`). Never throws: a
 * damaged or unknown link comes back as `{ ok: false }` with a message for the user.
 */
export function decodeState(fragment: string): DecodeResult {
  const text = (typeof fragment === 'string' ? fragment : '').replace(/^#/, '').trim();
  if (text === '') return { ok: false, reason: 'empty', error: 'The link carries no playground state.' };
  const version = /^v(\d+)\./.exec(text);
  if (!version) {
    return corrupt('it does not start with a format version such as "v1."');
  }
  if (version[0] !== PREFIX) {
    return {
      ok: false,
      reason: 'unknown-version',
      error: `The link uses playground format v${version[1]}, but this playground reads v${SHARE_FORMAT_VERSION} only. Open it with the playground that made it, or ask for a .trovato.json file.`,
    };
  }
  const bytes = fromBase64Url(text.slice(PREFIX.length));
  if (!bytes) return corrupt('it contains characters that are not base64url (was it cut or re-wrapped?)');
  const inflated = inflateBounded(bytes);
  if (typeof inflated !== 'object') return corrupt(inflated);
  let parsed: unknown;
  try {
    parsed = JSON.parse(strFromU8(inflated));
  } catch {
    return corrupt('its content is not valid JSON');
  }
  if (!Array.isArray(parsed) || parsed.length !== 5) return corrupt('its content does not have the playground shape');
  const [source, manifest, enabled, route, user] = parsed as unknown[];
  const state = { source, manifest, enabled, route, user };
  const problem = shapeProblem(state);
  return problem ? corrupt(problem) : { ok: true, state: state as PlaygroundState };
}

/** The `.trovato.json` file for a state too large for a link. */
export function stateToFile(state: PlaygroundState): string {
  return JSON.stringify({ format: FILE_FORMAT, version: SHARE_FORMAT_VERSION, state }, null, 2);
}

/** Reads a `.trovato.json` file; never throws. */
export function stateFromFile(text: string): DecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'corrupt', error: 'The file is not JSON; a playground file ends in .trovato.json.' };
  }
  if (!isRecord(parsed) || parsed.format !== FILE_FORMAT) {
    return { ok: false, reason: 'corrupt', error: `The file is not a playground file (its "format" is not "${FILE_FORMAT}").` };
  }
  if (parsed.version !== SHARE_FORMAT_VERSION) {
    return {
      ok: false,
      reason: 'unknown-version',
      error: `The file uses playground format ${String(parsed.version)}, but this playground reads ${SHARE_FORMAT_VERSION} only.`,
    };
  }
  const problem = shapeProblem(parsed.state);
  if (problem) return { ok: false, reason: 'corrupt', error: `The playground file is damaged: ${problem}.` };
  return { ok: true, state: parsed.state as PlaygroundState };
}

function corrupt(why: string): DecodeResult {
  return { ok: false, reason: 'corrupt', error: `The playground link is damaged: ${why}. The default template was opened instead.` };
}

function shapeProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'the state is not an object';
  for (const key of ['source', 'manifest', 'route', 'user'] as const) {
    if (typeof value[key] !== 'string') return `"${key}" is not text`;
  }
  if (!Array.isArray(value.enabled) || !value.enabled.every((name) => typeof name === 'string')) {
    return '"enabled" is not a list of plugin names';
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function inflateBounded(bytes: Uint8Array): Uint8Array | string {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let tooLarge = false;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total > MAX_DECODED_BYTES) tooLarge = true;
    else chunks.push(chunk);
  });
  try {
    inflater.push(bytes, true);
  } catch {
    return 'its compressed data is invalid (was it cut short?)';
  }
  if (tooLarge) return `it expands to more than ${MAX_DECODED_BYTES / 1024 / 1024} MB`;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const LOOKUP = new Map([...ALPHABET].map((char, index) => [char, index]));

// Hand-rolled: btoa/atob work on binary strings and Buffer is Node-only; this runs in both.
function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let k = 0; k < chars; k++) out += ALPHABET[(n >> (18 - 6 * k)) & 63];
  }
  return out;
}

function fromBase64Url(text: string): Uint8Array | null {
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let buffer = 0;
  let bits = 0;
  let offset = 0;
  for (const char of text) {
    const value = LOOKUP.get(char);
    if (value === undefined) return null;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[offset++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}
