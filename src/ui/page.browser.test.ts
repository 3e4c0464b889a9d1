import { describe, expect, it } from 'vitest';
import { showTitle } from './page.js';

describe('showTitle', () => {
  it('writes the window title only when it changes: the same title again leaves <title> untouched', async () => {
    showTitle('Blog · Trovato');
    expect(document.title).toBe('Blog · Trovato');
    const changes: MutationRecord[] = [];
    const observer = new MutationObserver((records) => changes.push(...records));
    observer.observe(document.head, { subtree: true, childList: true, characterData: true });
    showTitle('Blog · Trovato');
    await Promise.resolve();
    expect(changes.splice(0)).toEqual([]);
    showTitle('Hello · Trovato');
    await Promise.resolve();
    observer.disconnect();
    expect(document.title).toBe('Hello · Trovato');
    expect(changes.length).toBeGreaterThan(0);
  });
});
