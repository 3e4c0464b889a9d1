import { describe, expect, it } from 'vitest';
import type { ItemPage, RouteResponse } from '../site/protocol.js';
import { createAccess } from './access.js';
import { deniedPage, itemViewPage, routePage } from './page-selection.js';

const match = { route: { path: '/blog', title: 'Blog', plugin: 'blog', callback: 'blog_list', permission: 'access content', weight: 0 }, params: {} } as unknown as RouteResponse['match'];
const answer = (result: Partial<RouteResponse['result']>): RouteResponse => ({ match, result: { plugin: 'blog', output: null, ...result } as RouteResponse['result'] });
const editor = { id: 'u2', name: 'Editor', roles: ['editor'], permissions: ['access content', 'edit own blog content'] };

describe('routePage', () => {
  it('shows the tree with the route\'s title and plugin', () => {
    const tree = { '#type': 'markup', '#value': 'Hi' };
    expect(routePage('/blog', answer({ output: tree }))).toEqual({ kind: 'plugin', path: '/blog', title: 'Blog', plugin: 'blog', tree });
  });

  it('explains every page it cannot show: no route (home at /), denied, failed, empty', () => {
    expect(routePage('/', null)).toEqual({ kind: 'home' });
    expect(routePage('/nope', null)).toEqual({ kind: 'status', status: 404, message: 'No page lives at /nope.' });
    expect(routePage('/blog', answer({ errorCode: 'ACCESS_DENIED', error: 'Needs "access content".' }))).toEqual({ kind: 'status', status: 403, message: 'Needs "access content".' });
    expect(routePage('/blog', answer({ error: 'trap: unreachable' }))).toEqual({ kind: 'status', status: 500, message: 'The blog plugin failed to build this page: trap: unreachable' });
    expect(routePage('/blog', answer({ output: null }))).toEqual({ kind: 'status', status: 500, message: 'The blog plugin returned nothing for /blog.' });
  });
});

describe('itemViewPage', () => {
  const item = { id: 'i1', item_type: 'blog', title: 'Mine', fields: {}, status: 1 as const, author_id: 'u2', created: 0, changed: 0 };
  const page = (over: Partial<ItemPage>): ItemPage => ({ item, access: 'granted', render: null, renderPlugin: 'blog', trace: [], errors: [], ...over });
  const access = createAccess(editor, []);

  it('shows the item, editable when the user may edit it', () => {
    expect(itemViewPage('i1', page({}), editor, access)).toMatchObject({ kind: 'item', canEdit: true });
    expect(itemViewPage('i1', page({ item: { ...item, author_id: 'someone else' } }), editor, access)).toMatchObject({ kind: 'item', canEdit: false });
  });

  it('checks a refusal before a missing item (a refused page carries no item either)', () => {
    expect(itemViewPage('i1', page({ access: 'denied', item: null, errors: ['Denied by blog.'] }), editor, access)).toEqual({ kind: 'status', status: 403, message: 'Denied by blog.' });
    expect(itemViewPage('i9', page({ access: 'not-found', item: null }), editor, access)).toEqual({ kind: 'status', status: 404, message: 'There is no item with the id i9.' });
  });
});

it('deniedPage names the user and the permission', () => {
  expect(deniedPage(editor, 'view logs')).toEqual({ kind: 'status', status: 403, message: 'Editor lacks the permission "view logs" this page needs.' });
  expect(deniedPage(undefined, 'view logs')).toMatchObject({ message: 'This user lacks the permission "view logs" this page needs.' });
});
