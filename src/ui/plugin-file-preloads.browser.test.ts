import { describe, expect, it } from 'vitest';
import { preloadPluginFiles } from './plugin-file-preloads.js';

/** The resource timing entries of `url` so far: one per request the browser made for it. */
function requestsFor(url: string): PerformanceResourceTiming[] {
  return performance.getEntriesByType('resource').filter((entry): entry is PerformanceResourceTiming => entry.name === url) as PerformanceResourceTiming[];
}

describe('preloadPluginFiles', () => {
  it('asks for each file once, and the fetch the page makes next takes the preload rather than asking again', async () => {
    // A file this test server has, under a query of its own so that no earlier request counts.
    const path = `/package.json?preload-test=${Date.now()}`;
    const url = new URL(path, location.href).href;
    preloadPluginFiles([path]);
    const link = document.head.querySelector<HTMLLinkElement>(`link[rel="preload"][href="${path}"]`);
    expect(link).not.toBeNull();
    expect(link).toMatchObject({ as: 'fetch', crossOrigin: 'anonymous' });

    // fetch-plugins.ts asks as fetch() does by default: cors mode, same-origin credentials.
    const response = await fetch(url);
    expect(response.ok).toBe(true);
    await response.text();
    await expect.poll(() => requestsFor(url).length).toBeGreaterThan(0);
    const entries = requestsFor(url);
    expect(entries.map((entry) => entry.initiatorType)).toEqual(['link']);
  });
});
