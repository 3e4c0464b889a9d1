import { render } from 'lit';
import { renderElement } from './render-element.js';

/** Renders a tree into a fresh <div> in the document (removed by `cleanup`). */
export function mount(tree: unknown, plugin = 'test_plugin'): HTMLElement {
  const host = document.createElement('div');
  document.body.append(host);
  render(renderElement(tree, { plugin }), host);
  return host;
}

/** Removes every host `mount` made. */
export function cleanup(): void {
  document.body.replaceChildren();
}

/** Every attribute in the output whose name starts with "on" (event handlers). */
export function eventHandlerAttributes(root: ParentNode): string[] {
  const found: string[] = [];
  for (const el of root.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.toLowerCase().startsWith('on')) found.push(`${el.localName}[${attr.name}]`);
    }
  }
  return found;
}

/**
 * Lets anything a hostile tree could have scheduled run: image load/error events and queued
 * tasks. A control test shows this is enough to catch an `onerror` payload that does run.
 */
export async function settle(root: ParentNode): Promise<void> {
  await Promise.all(
    [...root.querySelectorAll('img')].map((img) =>
      img.complete
        ? undefined
        : new Promise((resolve) => {
            img.addEventListener('load', resolve, { once: true });
            img.addEventListener('error', resolve, { once: true });
          }),
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Text with runs of whitespace collapsed, for comparing rendered text. */
export function text(node: Node | null): string {
  return (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** The error boxes in the output. */
export function errorBoxes(root: ParentNode): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('.render-error')];
}
