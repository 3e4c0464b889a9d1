import { describe, expect, it } from 'vitest';
import { appPath, contentUrl, hrefFor, parseRoute, siteLocationOf } from './router.js';

describe('site URLs', () => {
  it('reads a URL as the site location the router and the snapshot keeper use', () => {
    expect(siteLocationOf(new URL('https://x.org/site/blog/?page=2#top'), '/site/')).toEqual({ path: '/blog', search: 'page=2' });
    expect(siteLocationOf(new URL('https://x.org/'), '/')).toEqual({ path: '/', search: '' });
    expect(siteLocationOf(new URL('https://x.org/hello?'), '/')).toEqual({ path: '/hello', search: '' });
  });

  it('strips and adds the base path', () => {
    expect(appPath('/site/blog/', '/site/')).toBe('/blog');
    expect(appPath('/site', '/site/')).toBe('/');
    expect(appPath('/blog', '/')).toBe('/blog');
    expect(hrefFor('/blog', '/site/')).toBe('/site/blog');
    expect(hrefFor('/', '/')).toBe('/');
  });

  it('knows the pages the UI owns and leaves the rest to plugin routes', () => {
    expect(parseRoute('/item/abc', '')).toEqual({ kind: 'item-view', id: 'abc' });
    expect(parseRoute('/item/add/blog', '')).toEqual({ kind: 'item-add', type: 'blog' });
    expect(parseRoute('/item/abc/edit', '')).toEqual({ kind: 'item-edit', id: 'abc' });
    expect(parseRoute('/admin/plugins', '')).toEqual({ kind: 'admin-plugins' });
    expect(parseRoute('/blog/my-post', '?x=1')).toEqual({ kind: 'plugin', path: '/blog/my-post', query: { x: '1' } });
  });

  it('reads and writes content filters through the query string', () => {
    const route = parseRoute('/admin/content', '?type=blog&status=0&page=3');
    expect(route).toEqual({ kind: 'admin-content', filters: { type: 'blog', status: 0, page: 3 } });
    expect(contentUrl({ type: 'blog', status: 0, page: 3 })).toBe('/admin/content?type=blog&status=0&page=3');
    expect(parseRoute('/admin/content', '?page=-2&status=x')).toEqual({ kind: 'admin-content', filters: { type: undefined, status: undefined, page: 1 } });
  });

  it('ignores an unknown log level', () => {
    expect(parseRoute('/admin/logs', '?level=loud&plugin=blog')).toEqual({ kind: 'admin-logs', filters: { level: undefined, plugin: 'blog' } });
  });
});
