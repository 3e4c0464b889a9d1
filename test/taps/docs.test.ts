/** docs/abi.md §5 documents exactly the taps the kernel knows (src/kernel/contract/taps.ts), each once. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { KNOWN_TAPS } from '../../src/kernel/contract/taps.js';

it('docs/abi.md §5 has one table row per known tap, and no other', () => {
  const text = readFileSync(resolve(import.meta.dirname, '../../docs/abi.md'), 'utf8');
  const start = text.indexOf('## 5.');
  const end = text.indexOf('\n## 6.', start);
  expect(start, 'docs/abi.md has a "## 5." section').toBeGreaterThanOrEqual(0);
  const rows = text
    .slice(start, end === -1 ? undefined : end)
    .split('\n')
    .map((line) => /^\| `(tap_[a-z_]+)` \|/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
  expect(rows.slice().sort()).toEqual([...KNOWN_TAPS].sort());
  expect(new Set(rows).size).toBe(rows.length);
});
