/**
 * "Did you mean …?" for names a user typed: taps, manifest keys, plugin names.
 */

/**
 * The candidate closest to `word` by edit distance (case-insensitive), or `undefined` when
 * none is close enough to be a plausible typo: the distance must be at most
 * `max(2, floor(word.length / 3))` and smaller than `word.length`, so a short word is not
 * "corrected" into an unrelated one. Ties go to the candidate listed first.
 *
 * @example
 * nearest('tap_item_veiw', KNOWN_TAPS); // 'tap_item_view'
 * nearest('weigth', ['implements', 'weight']); // 'weight'
 * nearest('colour', ['name', 'version']); // undefined
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.min(Math.max(2, Math.floor(word.length / 3)), word.length - 1);
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Optimal string alignment distance: Levenshtein plus the swap of two adjacent characters as
 * one edit, because swapped letters (`wieght`) are the most common typo.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  for (let i = 0; i < rows; i++) d[i][0] = i;
  for (let j = 0; j < cols; j++) d[0][j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
