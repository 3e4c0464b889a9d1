import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeState, encodeState, stateFromFile, stateToFile, type PlaygroundState } from '../../playground/share-link.js';
import { stateFromTemplate } from '../../playground/templates.js';
import { toBase64Url } from '../../src/share/link-codec.js';

const arbitraryState: fc.Arbitrary<PlaygroundState> = fc.record({
  source: fc.string({ unit: 'grapheme', maxLength: 400 }),
  manifest: fc.string({ maxLength: 200 }),
  enabled: fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }),
  route: fc.string({ maxLength: 50 }),
  user: fc.string({ maxLength: 20 }),
});

const withExtras: fc.Arbitrary<PlaygroundState> = fc.record(
  {
    source: fc.string({ maxLength: 100 }),
    manifest: fc.string({ maxLength: 50 }),
    enabled: fc.array(fc.constantFrom('blog', 'categories'), { maxLength: 2 }),
    route: fc.constant('/hello'),
    user: fc.constantFrom('anonymous', 'editor'),
    upload: fc.record({ name: fc.constantFrom('hello', 'mine'), manifest: fc.string({ maxLength: 50 }), wasm: fc.uint8Array({ maxLength: 200 }).map(toBase64Url) }),
    content: fc.array(
      fc.oneof(
        fc.record({ step: fc.constant('item' as const), item_type: fc.constant('blog'), title: fc.string({ maxLength: 30 }), fields: fc.record({ slug: fc.string({ maxLength: 10 }) }) }),
        fc.record({ step: fc.constant('variable' as const), plugin: fc.constant('hello'), name: fc.constant('greeting'), value: fc.json({ maxDepth: 2 }) }),
      ),
      { minLength: 1, maxLength: 4 },
    ),
  },
  { requiredKeys: ['source', 'manifest', 'enabled', 'route', 'user'] },
);

describe('share links', () => {
  it('round-trip an uploaded plugin and the preview content too, and still read five-entry links', () => {
    fc.assert(
      fc.property(withExtras, (state) => {
        expect(decodeState(encodeState(state))).toEqual({ ok: true, state });
        expect(stateFromFile(stateToFile(state))).toEqual({ ok: true, state });
      }),
      { numRuns: 100 },
    );
    const plain = stateFromTemplate('hello');
    expect(encodeState(plain)).toBe(encodeState({ ...plain, content: [] }));
  });

  it('refuses a link whose content is not item, row or variable steps', async () => {
    const { deflateSync, strToU8 } = await import('fflate');
    const pack = (content: unknown) => Buffer.from(deflateSync(strToU8(JSON.stringify(['s', 't', [], '/', 'anonymous', null, content])))).toString('base64url');
    expect(decodeState(`v1.${pack([{ step: 'plugin', name: 'evil' }])}`)).toMatchObject({ ok: false, reason: 'corrupt' });
    expect(decodeState(`v1.${pack([{ step: 'item', item_type: 'blog', title: 't', fields: {}, extra: 1 }])}`)).toMatchObject({ ok: false, reason: 'corrupt' });
  });

  it('round-trips any state, including non-ASCII text', () => {
    fc.assert(
      fc.property(arbitraryState, (state) => {
        const link = encodeState(state);
        expect(link).toMatch(/^v1\.[A-Za-z0-9_-]*$/);
        expect(decodeState(`#${link}`)).toEqual({ ok: true, state });
      }),
    );
  });

  it('never throws on arbitrary input and reports failures as values', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((s) => `v1.${s}`), fc.base64String().map((s) => `#v1.${s.replace(/=+$/, '')}`)), (text) => {
        const result = decodeState(text);
        if (!result.ok) expect(result.error.length).toBeGreaterThan(0);
      }),
    );
  });

  it('keeps the hello template link under 2,000 characters', () => {
    const link = `https://example.org/playground/#${encodeState(stateFromTemplate('hello'))}`;
    expect(link.length).toBeLessThan(2000);
  });

  it('tells an unknown version from a damaged link', () => {
    const good = encodeState(stateFromTemplate('hello'));
    const newer = decodeState(good.replace(/^v1\./, 'v2.'));
    expect(newer).toMatchObject({ ok: false, reason: 'unknown-version' });
    expect(newer.ok || newer.error).toContain('v2');
    expect(decodeState(good.slice(0, good.length / 2))).toMatchObject({ ok: false, reason: 'corrupt' });
    expect(decodeState('v1.!!!')).toMatchObject({ ok: false, reason: 'corrupt' });
    expect(decodeState('hello')).toMatchObject({ ok: false, reason: 'corrupt' });
    expect(decodeState('')).toMatchObject({ ok: false, reason: 'empty' });
  });

  it('refuses a link whose content has the wrong shape', async () => {
    const { deflateSync, strToU8 } = await import('fflate');
    const bytes = deflateSync(strToU8(JSON.stringify(['src', 'toml', 'not-a-list', '/', 'anonymous'])));
    const b64 = Buffer.from(bytes).toString('base64url');
    expect(decodeState(`v1.${b64}`)).toMatchObject({ ok: false, reason: 'corrupt' });
  });

  it('refuses a compression bomb instead of expanding it', async () => {
    const { deflateSync } = await import('fflate');
    const bomb = Buffer.from(deflateSync(new Uint8Array(16 * 1024 * 1024), { level: 9 })).toString('base64url');
    const result = decodeState(`v1.${bomb}`);
    expect(result).toMatchObject({ ok: false, reason: 'corrupt' });
    expect(result.ok || result.error).toContain('MB');
  });

  it('saves and reopens a state as a .trovato.json file', () => {
    const state = stateFromTemplate('blog');
    expect(stateFromFile(stateToFile(state))).toEqual({ ok: true, state });
    expect(stateFromFile('{')).toMatchObject({ ok: false, reason: 'corrupt' });
    expect(stateFromFile('{"format":"trovato-playground","version":9,"state":{}}')).toMatchObject({ ok: false, reason: 'unknown-version' });
  });
});
