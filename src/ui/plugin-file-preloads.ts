/**
 * Asks for the site's plugin files all at once, as preloads, so that the fetches the page makes
 * next (fetch-plugins.ts: the index, then each plugin's files) take responses already under way
 * rather than waiting for the index before asking for the rest. `crossorigin`: fetch() asks in
 * cors mode, and a preload is only reused by a request of the same mode.
 */
export function preloadPluginFiles(paths: readonly string[]): void {
  for (const path of paths) {
    const link = document.createElement('link');
    link.rel = 'preload';
    link.as = 'fetch';
    link.crossOrigin = 'anonymous';
    link.href = path;
    document.head.append(link);
  }
}
