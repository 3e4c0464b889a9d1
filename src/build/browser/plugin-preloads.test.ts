import { describe, expect, it } from 'vitest';
import { pluginFileUrls, pluginIndexUrl } from '../../kernel/plugin/fetch-plugins.js';
import { pluginPreloadTags } from './plugin-preloads.js';

const hrefs = (index: string | null, base = '/') => pluginPreloadTags(index, base).map((tag) => tag.attrs?.href);

describe('the site page preloads its plugin files', () => {
  it('names the index and both files of every listed plugin, at the URLs the page fetches', () => {
    const pluginsUrl = 'https://example.org/docs/plugins/';
    const expected = [pluginIndexUrl(pluginsUrl), ...['blog', 'notes'].flatMap((name) => Object.values(pluginFileUrls(pluginsUrl, name)))].map((url) => new URL(url).pathname);
    expect(hrefs('{"plugins":["blog","notes"]}', '/docs/')).toEqual(expected);
    expect(expected).toContain('/docs/plugins/notes/notes.wasm');
  });

  it('asks as fetch() does (cors mode), or the browser would not reuse the response', () => {
    const [tag] = pluginPreloadTags('{"plugins":[]}', '/');
    expect(tag).toMatchObject({ tag: 'link', attrs: { rel: 'preload', as: 'fetch', crossorigin: 'anonymous' }, injectTo: 'head' });
  });

  it('adds nothing when the index is missing or not an index (the page reports that itself)', () => {
    expect(hrefs(null)).toEqual([]);
    expect(hrefs('<html>')).toEqual([]);
    expect(hrefs('{"plugins":"blog"}')).toEqual([]);
  });
});
