import { describe, expect, it } from 'vitest';
import { readPager } from './pager.js';
import { renderHtml } from './render-html.js';
import { renderText } from './render-text.js';

describe('pager', () => {
  it('links page 1 to the list itself and other pages with ?page=N, keeping the rest of the query', () => {
    expect(readPager({ '#type': 'pager', '#url': '/blog', '#page': 1, '#pages': 3 })).toEqual({ page: 1, pages: 3, prev: null, next: '/blog?page=2' });
    expect(readPager({ '#type': 'pager', '#url': '/tags/a?sort=old&page=7', '#page': 2, '#pages': 3 })).toEqual({
      page: 2,
      pages: 3,
      prev: '/tags/a?sort=old',
      next: '/tags/a?sort=old&page=3',
    });
    expect(readPager({ '#type': 'pager', '#url': '/blog', '#page': 3, '#pages': 3 })).toMatchObject({ prev: '/blog?page=2', next: null });
  });

  it('refuses URLs that leave the site and pages out of range, saying what to give', () => {
    expect(readPager({ '#url': 'https://example.com/', '#page': 1, '#pages': 2 })).toEqual({ problem: expect.stringContaining('the list\'s path on this site') });
    expect(readPager({ '#url': 'javascript:alert(1)', '#page': 1, '#pages': 2 })).toHaveProperty('problem');
    expect(readPager({ '#url': '/blog', '#page': 4, '#pages': 3 })).toEqual({ problem: expect.stringContaining('from 1 to "#pages" (3)') });
    expect(readPager({ '#url': '/blog', '#page': 1, '#pages': 0 })).toHaveProperty('problem');
    expect(readPager({ '#url': '/blog', '#page': 1.5, '#pages': 2 })).toHaveProperty('problem');
  });

  it('without a count, shows "Page N" and a Next link only while "#more" says a next page exists', () => {
    expect(readPager({ '#url': '/blog', '#page': 1, '#more': true })).toEqual({ page: 1, pages: null, prev: null, next: '/blog?page=2' });
    expect(readPager({ '#url': '/blog', '#page': 40, '#more': false })).toEqual({ page: 40, pages: null, prev: '/blog?page=39', next: null });
    expect(renderText({ '#type': 'pager', '#url': '/blog', '#page': 2, '#more': true })).toBe('[Previous](/blog) Page 2 [Next](/blog?page=3)');
    expect(readPager({ '#url': '/blog', '#page': 1 })).toEqual({ problem: expect.stringContaining('"#pages" (how many pages there are) or "#more"') });
    expect(readPager({ '#url': '/blog', '#page': 1, '#pages': 2, '#more': true })).toEqual({ problem: expect.stringContaining('both') });
    expect(readPager({ '#url': '/blog', '#page': 1, '#more': 'yes' })).toEqual({ problem: expect.stringContaining('give true when a next page exists') });
    expect(readPager({ '#url': '/blog', '#page': 0, '#more': true })).toHaveProperty('problem');
  });

  it('renders rel="prev" and rel="next" links on the server and as text', () => {
    const tree = { '#type': 'pager', '#url': '/blog', '#page': 2, '#pages': 3 };
    expect(renderHtml(tree, { plugin: 'blog' }).text).toBe(
      '<nav class="pager" aria-label="Pages"><a href="/blog" data-route="/blog" rel="prev">Previous</a><span aria-current="page">Page 2 of 3</span>' +
        '<a href="/blog?page=3" data-route="/blog?page=3" rel="next">Next</a></nav>',
    );
    expect(renderText(tree)).toBe('[Previous](/blog) Page 2 of 3 [Next](/blog?page=3)');
  });
});
