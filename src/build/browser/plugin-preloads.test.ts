import { describe, expect, it } from 'vitest';
import { pluginFileUrls, pluginIndexUrl } from '../../kernel/plugin/fetch-plugins.js';
import { pluginPreloadPaths } from './plugin-preloads.js';

describe('the site page preloads its plugin files', () => {
  it('names the index and both files of every listed plugin, at the URLs the page fetches', () => {
    const pluginsUrl = 'https://example.org/docs/plugins/';
    const expected = [pluginIndexUrl(pluginsUrl), ...['blog', 'notes'].flatMap((name) => Object.values(pluginFileUrls(pluginsUrl, name)))].map((url) => new URL(url).pathname);
    expect(pluginPreloadPaths('{"plugins":["blog","notes"]}', '/docs/')).toEqual(expected);
    expect(expected).toContain('/docs/plugins/notes/notes.wasm');
  });

  it('names nothing when the index is missing or not an index (the page reports that itself)', () => {
    expect(pluginPreloadPaths(null, '/')).toEqual([]);
    expect(pluginPreloadPaths('<html>', '/')).toEqual([]);
    expect(pluginPreloadPaths('{"plugins":"blog"}', '/')).toEqual([]);
  });
});
