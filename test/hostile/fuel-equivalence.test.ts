/**
 * Fuel changes when a plugin stops, never what it computes: over the reference plugins' taps
 * and route callbacks, with generated inputs, a metered kernel's results equal an unmetered
 * kernel's (outputs, errors and codes; only timings and the fuel figure differ).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createKernel, type Kernel } from '../../src/kernel/kernel.js';
import { readPluginFolder } from '../../src/build/plugin-folder.js';
import type { HandlerResult } from '../../src/kernel/tap/dispatcher.js';

let metered: Kernel;
let unmetered: Kernel;

beforeAll(async () => {
  const { sources, problems } = await readPluginFolder('public/plugins');
  if (problems.length > 0 || sources.length === 0) throw new Error('The reference plugins are not built: run `npm run build:plugins` (npm test runs it first).');
  metered = createKernel();
  unmetered = createKernel({ fuel: false });
  await metered.load(sources);
  await unmetered.load(sources);
});

/** What a result says, without its timing and fuel figure. */
function meaning(result: HandlerResult) {
  return { plugin: result.plugin, output: result.output, error: result.error, errorCode: result.errorCode, location: result.location };
}

const item = fc.record({
  id: fc.uuid(),
  item_type: fc.constantFrom('blog', 'category_term', 'page'),
  title: fc.string({ maxLength: 40 }),
  status: fc.constantFrom(0, 1),
  fields: fc.record({ slug: fc.string({ maxLength: 20 }), body: fc.record({ value: fc.string({ maxLength: 80 }), format: fc.constant('filtered_html') }), tags: fc.array(fc.uuid(), { maxLength: 3 }) }),
  author_id: fc.uuid(),
  created: fc.nat(),
  changed: fc.nat(),
});
const input = fc.oneof(
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
  item,
  fc.record({ item }),
  fc.record({ item, op: fc.constantFrom('view', 'update', 'delete'), render: fc.jsonValue({ maxDepth: 2 }) }),
);

describe('metered and unmetered kernels compute the same', () => {
  it('for every tap of the reference plugins, with generated inputs', async () => {
    const taps = [...new Set(metered.status().plugins.flatMap((p) => p.taps))];
    expect(taps.length).toBeGreaterThan(5);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...taps), input, async (tap, value) => {
        const a = await metered.dispatch(tap, value);
        const b = await unmetered.dispatch(tap, value);
        expect(a.results.map(meaning)).toEqual(b.results.map(meaning));
        expect(a.results.every((r) => typeof r.fuel === 'number' && r.fuel > 0)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('for every route callback, with generated parameters and query strings', async () => {
    const routes = metered.routes();
    expect(routes.length).toBeGreaterThan(2);
    const params = fc.dictionary(fc.constantFrom('slug', 'tag', 'id', 'word'), fc.string({ maxLength: 20 }), { maxKeys: 2 });
    const query = fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 3 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), params, query, async (route, p, q) => {
        const call = (kernel: Kernel) => kernel.request({ roles: ['administrator'] }, (session) => session.call(route.plugin, route.callback, { path: route.path, params: p, query: q }));
        expect(meaning(await call(metered))).toEqual(meaning(await call(unmetered)));
      }),
      { numRuns: 60 },
    );
  });
});
