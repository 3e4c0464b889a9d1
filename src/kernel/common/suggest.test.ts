import { describe, expect, it } from 'vitest';
import { editDistance, nearest } from './suggest.js';
import { KNOWN_TAPS } from '../contract/taps.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
    expect(editDistance('weight', 'weight')).toBe(0);
    expect(editDistance('weigh', 'weight')).toBe(1);
    expect(editDistance('weightt', 'weight')).toBe(1);
    expect(editDistance('wejght', 'weight')).toBe(1);
    expect(editDistance('wieght', 'weight')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('nearest', () => {
  it('finds the closest tap for a typo', () => {
    expect(nearest('tap_item_veiw', KNOWN_TAPS)).toBe('tap_item_view');
    expect(nearest('tap_menus', KNOWN_TAPS)).toBe('tap_menu');
    expect(nearest('tap_item_views', KNOWN_TAPS)).toBe('tap_item_view');
  });

  it('ignores case', () => {
    expect(nearest('TAP_CRON', KNOWN_TAPS)).toBe('tap_cron');
  });

  it('returns undefined when nothing is reasonably close', () => {
    expect(nearest('render_everything', KNOWN_TAPS)).toBeUndefined();
    expect(nearest('colour', ['name', 'version', 'weight'])).toBeUndefined();
    expect(nearest('x', ['abi'])).toBeUndefined();
    expect(nearest('anything', [])).toBeUndefined();
  });

  it('does not turn a short word into an unrelated short word', () => {
    // Two edits would turn "ab" into almost anything of length <= 4.
    expect(nearest('xy', ['abi'])).toBeUndefined();
    expect(nearest('ab', ['abi'])).toBe('abi');
  });

  it('allows more edits for longer words', () => {
    expect(nearest('tap_categorie_term_insrt', KNOWN_TAPS)).toBe('tap_categories_term_insert');
  });

  it('prefers the candidate listed first on a tie', () => {
    expect(nearest('cat', ['bat', 'hat'])).toBe('bat');
  });
});
