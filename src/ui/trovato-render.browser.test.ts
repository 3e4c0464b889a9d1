import { afterEach, describe, expect, it } from 'vitest';
import './trovato-render.js';
import type { TrovatoRender } from './trovato-render.js';
import type { NavigateDetail, RenderSubmitDetail } from '../render/types.js';

afterEach(() => document.body.replaceChildren());

async function show(element: unknown, plugin = 'blog'): Promise<TrovatoRender> {
  const el = document.createElement('trovato-render');
  el.element = element;
  el.plugin = plugin;
  document.body.append(el);
  await el.updateComplete;
  return el;
}

const TREE = {
  '#type': 'container',
  internal: { '#type': 'link', '#title': 'Post', '#url': '/blog/1' },
  external: { '#type': 'link', '#title': 'Elsewhere', '#url': 'https://example.com/' },
  html: { '#type': 'markup', '#format': 'filtered_html', '#value': '<a href="/about"><em>About</em></a>' },
};

describe('<trovato-render>', () => {
  it('renders the tree into its shadow root with a default stylesheet', async () => {
    const el = await show(TREE);
    const root = el.shadowRoot!;
    expect(root.querySelectorAll('a')).toHaveLength(3);
    expect(el.querySelector('a')).toBeNull();
    const errorBox = await show({ '#type': 'nope' });
    const box = errorBox.shadowRoot!.querySelector('.render-error')!;
    expect(getComputedStyle(box).borderTopStyle).toBe('solid');
    expect(box.textContent).toContain('Plugin “blog”');
  });

  it('re-renders when element or plugin changes', async () => {
    const el = await show({ '#type': 'markup', '#value': 'one' });
    el.element = { '#type': 'markup', '#value': 'two' };
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).toContain('two');
    el.element = { '#type': 'bogus' };
    el.plugin = 'other';
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.render-error')!.textContent).toContain('Plugin “other”');
  });

  it('turns a click on an internal link into a navigate event and prevents the default', async () => {
    const el = await show(TREE);
    const events: Array<CustomEvent<NavigateDetail>> = [];
    const listener = (e: Event) => events.push(e as CustomEvent<NavigateDetail>);
    document.addEventListener('navigate', listener);
    const [internal, , fromHtml] = el.shadowRoot!.querySelectorAll('a');
    const click = new MouseEvent('click', { bubbles: true, composed: true, cancelable: true, button: 0 });
    internal!.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
    // A click on an element inside the link counts as a click on the link.
    fromHtml!.querySelector('em')!.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true }));
    expect(events.map((e) => e.detail)).toEqual([{ path: '/blog/1' }, { path: '/about' }]);
    expect(events.every((e) => e.bubbles && e.composed)).toBe(true);
    document.removeEventListener('navigate', listener);
  });

  it('leaves external links and modified clicks to the browser', async () => {
    const el = await show(TREE);
    const events: Event[] = [];
    el.addEventListener('navigate', (e) => events.push(e));
    // Registered after the element's own handler on the same target, so it sees its verdict;
    // then it cancels, so the test page does not navigate away.
    const prevented: boolean[] = [];
    el.addEventListener('click', (e) => {
      prevented.push(e.defaultPrevented);
      e.preventDefault();
    });
    const [internal, external] = el.shadowRoot!.querySelectorAll('a');
    external!.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true }));
    internal!.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true, ctrlKey: true }));
    internal!.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true, button: 1 }));
    expect(prevented).toEqual([false, false, false]);
    expect(events).toHaveLength(0);
  });

  it('passes render-submit out of the shadow root', async () => {
    const el = await show({ '#type': 'form', '#form_id': 'f', '#submit': 'Go', q: { '#type': 'item', '#title': 'Q', '#name': 'q', '#value': 'x' } });
    const seen = new Promise<RenderSubmitDetail>((resolve) =>
      document.addEventListener('render-submit', (e) => resolve((e as CustomEvent<RenderSubmitDetail>).detail), { once: true }),
    );
    el.shadowRoot!.querySelector('button')!.click();
    expect(await seen).toEqual({ plugin: 'blog', formId: 'f', values: { q: 'x' } });
  });

  it('renders nothing until it has an element', async () => {
    const el = document.createElement('trovato-render');
    document.body.append(el);
    await el.updateComplete;
    expect(el.shadowRoot!.children).toHaveLength(0);
  });
});
