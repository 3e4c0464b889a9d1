/** Deeper elements render an error box instead: a hostile tree must not exhaust the stack. */
export const MAX_DEPTH = 64;
/** More elements than this in one tree: the rest is replaced by one error box. */
export const MAX_ELEMENTS = 10_000;
