/**
 * The playground's share format: the whole state in a URL fragment (`#v1.<deflate, base64url>`)
 * or, when that is too long for a link, in a `.trovato.json` file. Pure functions: decoding
 * never throws, because the input comes from whoever sent the link.
 */
import { packText, unpackText } from '../src/share/link-codec.js';
import { checkRecipe, type RecipeStep } from '../src/recipe/recipe.js';

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
  /** A plugin uploaded as built files, run instead of the source (wasm as base64url). */
  upload?: SharedUpload;
  /** The preview's content (recipe item, row and variable steps), restored at each run. */
  content?: RecipeStep[];
}

export interface SharedUpload {
  name: string;
  manifest: string;
  /** The wasm bytes, base64url. */
  wasm: string;
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
  // An array rather than an object: key names would cost characters in every link. The upload
  // and the content come last and only when present, so older links (five entries) still read.
  const packed: unknown[] = [state.source, state.manifest, state.enabled, state.route, state.user];
  if (state.upload || state.content?.length) packed.push(state.upload ?? null, state.content ?? []);
  return PREFIX + packText(JSON.stringify(packed));
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
  const unpacked = unpackText(text.slice(PREFIX.length), MAX_DECODED_BYTES);
  if (!unpacked.ok) return corrupt(unpacked.why);
  let parsed: unknown;
  try {
    parsed = JSON.parse(unpacked.text);
  } catch {
    return corrupt('its content is not valid JSON');
  }
  if (!Array.isArray(parsed) || (parsed.length !== 5 && parsed.length !== 7)) return corrupt('its content does not have the playground shape');
  const [source, manifest, enabled, route, user, upload, content] = parsed as unknown[];
  const state = { source, manifest, enabled, route, user, ...(upload ? { upload } : {}), ...(Array.isArray(content) && content.length > 0 ? { content } : {}) };
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
  if (value.upload !== undefined) {
    const upload = value.upload;
    if (!isRecord(upload) || typeof upload.name !== 'string' || typeof upload.manifest !== 'string' || typeof upload.wasm !== 'string') {
      return '"upload" is not { name, manifest, wasm }';
    }
  }
  if (value.content !== undefined) {
    if (!Array.isArray(value.content) || value.content.some((step) => !isRecord(step) || !['item', 'row', 'variable'].includes(String(step.step)))) {
      return '"content" is not a list of item, row and variable steps';
    }
    const checked = checkRecipe({ recipe: 1, steps: value.content });
    if (!checked.ok) return `its content is refused: ${checked.problem.step}: ${checked.problem.message}`;
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
