/**
 * `count` published blog posts written straight into a site store in one unit of work, newer
 * than anything the site made itself (the blog's install-time welcome post): post i is
 * "Post number i" at /blog/post-i, and the newest is post count-1. For tests of long listings.
 */
import { DEMO_USERS } from '../../src/site/roles.js';
import type { Item } from '../../src/kernel/storage/schema.js';
import type { SiteStore } from '../../src/kernel/storage/site-store.js';

export async function seedPublishedPosts(store: SiteStore, count: number): Promise<void> {
  const work = store.beginWork({ id: 'seed', name: 'Seed', roles: ['administrator'], permissions: new Set() });
  const start = Math.floor(Date.now() / 1000) + 60;
  for (let i = 0; i < count; i++) {
    const post: Item = {
      id: `post-${i}`,
      item_type: 'blog',
      title: `Post number ${i}`,
      fields: { slug: `post-${i}`, body: { value: `Body of post ${i}.`, format: 'plain_text' } },
      status: 1,
      author_id: DEMO_USERS[2].id,
      created: start + i,
      changed: start + i,
    };
    work.putItem(post);
  }
  await work.commit();
}
