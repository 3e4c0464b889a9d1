import fc from 'fast-check';
import { afterEach, expect, it } from 'vitest';
import { cleanup, eventHandlerAttributes, mount, settle } from './test-helpers.js';
import { element } from './test-trees.js';

afterEach(cleanup);

it('arbitrary JSON trees render without throwing, handlers or scripts', { timeout: 120_000 }, async () => {
  delete (window as { __pwned?: unknown }).__pwned;
  // Evidence the generator reaches the interesting paths, not just error boxes.
  const seen = { link: 0, sanitized: 0, error: 0, table: 0 };
  await fc.assert(
    fc.asyncProperty(element, async (value) => {
      // Round-trip through JSON: plugins send JSON, and it drops what JSON cannot hold.
      const json: unknown = JSON.parse(JSON.stringify(value) ?? 'null');
      const host = mount(json, 'fuzz');
      await settle(host);
      expect(eventHandlerAttributes(host)).toEqual([]);
      expect(host.querySelectorAll('script, iframe, object, embed, style, svg')).toHaveLength(0);
      for (const a of host.querySelectorAll('a[href]')) {
        expect(a.getAttribute('href')).toMatch(/^(\/(?![/\\])|https?:\/\/|mailto:)/);
      }
      expect((window as { __pwned?: unknown }).__pwned).toBeUndefined();
      if (host.querySelector('a[href]')) seen.link++;
      if (host.querySelector('.blocked-link')) seen.sanitized++;
      if (host.querySelector('.render-error')) seen.error++;
      if (host.querySelector('table')) seen.table++;
      host.remove();
    }),
    { numRuns: 300 },
  );
  expect(Object.values(seen).every((count) => count > 0), JSON.stringify(seen)).toBe(true);
  // Sized by run count: 300 rendered trees take more than 15 s on a busy two-core machine.
});
