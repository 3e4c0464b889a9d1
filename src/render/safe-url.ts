/** Where a safe URL leads: inside the SPA (a path) or to another site. */
export interface SafeUrl {
  kind: 'internal' | 'external';
  href: string;
}

// The URL parser drops tabs and newlines anywhere ("java\tscript:") and trims C0 controls and
// spaces at the ends, so a string holding any of them is refused rather than normalized.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const EDGE_SPACE = /^\s|\s$/;
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
const EXTERNAL_SCHEMES = new Set(['http', 'https', 'mailto']);
const BASE = 'http://trovato.invalid';
/**
 * Answers by URL text: the answer depends on nothing else, and parsing with `new URL` was the
 * largest native cost of showing a listing again (a page of links, every render). Bounded; the
 * answers are frozen, so no caller can change another's.
 */
const answers = new Map<string, SafeUrl | null>();
const ANSWERS_KEPT = 2000;

/**
 * Classifies a URL from a plugin. Internal: a path starting with one `/` (not `//` or `/\`,
 * which browsers read as another host). External: `http:`, `https:` or `mailto:`. Everything
 * else (`javascript:`, `data:`, relative paths, fragments, control characters, surrounding
 * whitespace) is null: the caller must not link it.
 *
 * @example
 * safeUrl('/blog/1')            // { kind: 'internal', href: '/blog/1' }
 * safeUrl('https://a.example')  // { kind: 'external', href: 'https://a.example/' }
 * safeUrl('javascript:alert(1)') // null
 */
export function safeUrl(url: string): SafeUrl | null {
  if (typeof url !== 'string') return null;
  const known = answers.get(url);
  if (known !== undefined) return known;
  const answer = classify(url);
  if (answers.size >= ANSWERS_KEPT) answers.clear();
  answers.set(url, answer === null ? null : Object.freeze(answer));
  return answer;
}

function classify(url: string): SafeUrl | null {
  if (url === '' || CONTROL.test(url) || EDGE_SPACE.test(url)) {
    return null;
  }
  if (url.startsWith('/')) return internal(url);
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined || !EXTERNAL_SCHEMES.has(scheme)) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${scheme}:`) return null;
  if (scheme !== 'mailto' && parsed.hostname === '') return null;
  return { kind: 'external', href: parsed.href };
}

function internal(url: string): SafeUrl | null {
  if (url[1] === '/' || url[1] === '\\') return null;
  let parsed: URL;
  try {
    parsed = new URL(url, BASE);
  } catch {
    return null;
  }
  // Belt and braces: whatever the parser made of it, it must stay on this origin.
  if (parsed.origin !== BASE) return null;
  return { kind: 'internal', href: parsed.pathname + parsed.search + parsed.hash };
}
