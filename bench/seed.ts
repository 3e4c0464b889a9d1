/**
 * The benchmark's content (published blog posts tagged "news", written through the site
 * services) and the removal of its scratch databases.
 */
import { DEMO_USERS } from '../src/site/roles.js';
import type { Site } from '../src/site/site.js';

export const BENCH_ADMIN = { id: DEMO_USERS[2].id, roles: [...DEMO_USERS[2].roles] };

/** Adds one "news" term and `count` posts tagged with it; throws with the site's reasons if refused. */
export async function seedBlogPosts(site: Site, count: number): Promise<void> {
  const tag = await site.saveItem({ item_type: 'category_term', title: 'news', fields: {}, status: 1 }, BENCH_ADMIN);
  if (!tag.ok) throw new Error(`seeding: the tag was refused: ${JSON.stringify(tag.errors)}`);
  for (let i = 0; i < count; i++) {
    const post = await site.saveItem(
      {
        item_type: 'blog',
        title: `Post number ${i}`,
        status: 1,
        fields: {
          slug: `post-${i}`,
          body: { value: `<p>Body of post ${i}, with <em>some</em> text.</p>`, format: 'filtered_html' },
          tags: [tag.item.id],
        },
      },
      BENCH_ADMIN,
    );
    if (!post.ok) throw new Error(`seeding: post ${i} was refused: ${JSON.stringify(post.errors)}`);
  }
}

/** Bench databases go away afterwards, so real IndexedDB does not keep growing run after run. */
export function deleteDatabase(indexedDB: IDBFactory, name: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}
