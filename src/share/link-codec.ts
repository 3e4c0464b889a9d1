/**
 * Text in a link: deflate (fflate, level 9) then base64url, and back with a bound on how large
 * the text may grow. Shared by the playground's share links and the site's recipe links, in
 * the page, in workers and in Node. Unpacking never throws: the input comes from whoever sent
 * the link.
 */
import { Inflate, deflateSync, strFromU8, strToU8 } from 'fflate';

export type Unpacked = { ok: true; text: string } | { ok: false; why: string };

/**
 * `text` compressed and base64url-encoded (no padding), safe in a URL fragment or query.
 *
 * @example
 * location.hash = `v1.${packText(JSON.stringify(state))}`;
 */
export function packText(text: string): string {
  return toBase64Url(deflateSync(strToU8(text), { level: 9 }));
}

/**
 * Reads what `packText` made. `why` completes the sentence "the link is damaged: …".
 *
 * @param maxBytes the largest text (in UTF-8 bytes) to expand to; guards against a small link
 *   that inflates to gigabytes.
 */
export function unpackText(data: string, maxBytes: number): Unpacked {
  const bytes = fromBase64Url(data);
  if (!bytes) return { ok: false, why: 'it contains characters that are not base64url (was it cut or re-wrapped?)' };
  const inflated = inflateBounded(bytes, maxBytes);
  if (typeof inflated === 'string') return { ok: false, why: inflated };
  return { ok: true, text: strFromU8(inflated) };
}

function inflateBounded(bytes: Uint8Array, maxBytes: number): Uint8Array | string {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let tooLarge = false;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total > maxBytes) tooLarge = true;
    else chunks.push(chunk);
  });
  try {
    inflater.push(bytes, true);
  } catch {
    return 'its compressed data is invalid (was it cut short?)';
  }
  if (tooLarge) return `it expands to more than ${formatMegabytes(maxBytes)} MB`;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function formatMegabytes(bytes: number): string {
  return String(Math.round((bytes / 1024 / 1024) * 10) / 10);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const LOOKUP = new Map([...ALPHABET].map((char, index) => [char, index]));

/**
 * Bytes as base64url without padding. Hand-rolled: btoa/atob work on binary strings and Buffer
 * is Node-only; this runs in both.
 */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let k = 0; k < chars; k++) out += ALPHABET[(n >> (18 - 6 * k)) & 63];
  }
  return out;
}

/** Reads base64url or standard base64 (padding allowed); null when it is neither. */
export function fromBase64Url(text: string): Uint8Array | null {
  const body = text.replace(/={1,2}$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  if (body.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((body.length * 6) / 8));
  let buffer = 0;
  let bits = 0;
  let offset = 0;
  for (const char of body) {
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
