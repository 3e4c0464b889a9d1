/**
 * The served site's pages as HTML text (src/render/html-string.ts: every value escaped, as Lit
 * escapes them in the page). Plugin content comes already rendered by src/render/render-html.ts.
 */
import type { ContentType, FieldDefinition, Item } from '../kernel/content/types.js';
import type { MenuTreeNode } from '../kernel/menu/registry.js';
import type { LogEntry, PluginInfo, UserProfile } from '../site/protocol.js';
import { fieldKind, toFieldState } from '../ui/field-values.js';
import { EMPTY, flag, html, type SafeHtml } from '../render/html-string.js';

export interface Layout {
  readonly title: string;
  readonly menu: readonly MenuTreeNode[];
  readonly users: readonly UserProfile[];
  readonly user: UserProfile;
  /** The path shown, so the user switcher comes back to it. */
  readonly path: string;
  /** Admin links the current user may follow. */
  readonly admin: ReadonlyArray<{ path: string; title: string }>;
  /** A one-time message from the form submitted before this page (post, redirect, get). */
  readonly notice?: string;
}

/** A whole HTML document: the layout around `main`. */
export function documentHtml(layout: Layout, main: SafeHtml): string {
  // <trovato-served-site>: the site's scripts (/assets/site.js) take over links and plugin forms.
  const body = html`<trovato-served-site>
    <header class="site-header">
      <a class="site-name" href="/">Trovato</a>
      <nav aria-label="Site">${menuList(layout.menu)}</nav>
      ${layout.admin.length === 0
        ? EMPTY
        : html`<nav aria-label="Administration"><ul>${layout.admin.map((link) => html`<li><a href="${link.path}">${link.title}</a></li>`)}</ul></nav>`}
      <form class="user-switcher" method="post" action="/user">
        <input type="hidden" name="return" value="${layout.path}" />
        <label>Browsing as
          <select name="user">
            ${layout.users.map((u) => html`<option value="${u.id}"${flag('selected', u.id === layout.user.id)}>${u.name}</option>`)}
          </select>
        </label>
        <button type="submit">Switch</button>
      </form>
    </header>
    <main id="main">${layout.notice ? html`<p class="notice" role="status">${layout.notice}</p>` : EMPTY}${main}</main>
  </trovato-served-site>`;
  const title = html`${layout.title}`;
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${title} · Trovato</title><link rel="stylesheet" href="/assets/serve.css"><script type="module" src="/assets/site.js"></script></head><body>${body}</body></html>\n`;
}

function menuList(nodes: readonly MenuTreeNode[]): SafeHtml {
  return html`<ul>${nodes.map((node) => html`<li><a href="${node.route.path}">${node.route.title}</a>${node.children.length ? menuList(node.children) : EMPTY}</li>`)}</ul>`;
}

/** The home page: what the site is, and its pages the user may visit. */
export function homePage(links: ReadonlyArray<{ path: string; title: string }>): SafeHtml {
  return html`<h1>Welcome to Trovato</h1>
    <p>Every page here is built by WebAssembly plugins, run by this server. Pick a user in the header to see what each one may do.</p>
    ${links.length === 0 ? EMPTY : html`<ul>${links.map((link) => html`<li><a href="${link.path}">${link.title}</a></li>`)}</ul>`}`;
}

/** A page with a heading and a message: errors, denials, not found. */
export function messagePage(heading: string, message: string, detail?: string): SafeHtml {
  return html`<h1>${heading}</h1><p role="alert">${message}</p>${detail ? html`<pre class="detail">${detail}</pre>` : EMPTY}`;
}

export function pluginPage(title: string, content: SafeHtml, errors: readonly string[]): SafeHtml {
  return html`<h1>${title}</h1>${errorList(errors)}<div class="plugin-content">${content}</div>`;
}

export function errorList(errors: readonly string[]): SafeHtml {
  return errors.length === 0 ? EMPTY : html`<ul class="errors" role="alert">${errors.map((e) => html`<li>${e}</li>`)}</ul>`;
}

export function itemPage(item: Item, content: SafeHtml, errors: readonly string[], actions: { edit: boolean; delete: boolean }): SafeHtml {
  return html`<article class="item">
    ${errorList(errors)}
    ${content}
    <p class="actions">
      ${actions.edit ? html`<a href="${`/item/${encodeURIComponent(item.id)}/edit`}">Edit</a>` : EMPTY}
      ${actions.delete
        ? html`<form method="post" action="${`/item/${encodeURIComponent(item.id)}/delete`}"><button type="submit">Delete</button></form>`
        : EMPTY}
    </p>
  </article>`;
}

/** The add or edit form of an item of `type`, with the values and errors of a failed save. */
export function itemForm(type: ContentType, item: Partial<Item> | null, errors: ReadonlyArray<{ field: string; message: string }>): SafeHtml {
  const action = item?.id ? `/item/${encodeURIComponent(item.id)}/edit` : `/item/add/${encodeURIComponent(type.machine_name)}`;
  const errorOf = (field: string) => errors.filter((e) => e.field === field).map((e) => e.message);
  return html`<h1>${item?.id ? `Edit ${item.title ?? ''}` : `Create ${type.label}`}</h1>
    ${errorList(errors.filter((e) => e.field === '').map((e) => e.message))}
    <form class="item-form" method="post" action="${action}">
      <label>Title <input name="title" required value="${item?.title ?? ''}" /></label>${errorList(errorOf('title'))}
      ${type.fields.map((field) => fieldInput(field, item?.fields?.[field.field_name], errorOf(field.field_name)))}
      <label><input type="checkbox" name="status" value="1"${flag('checked', (item?.status ?? 1) === 1)} /> Published</label>
      <button type="submit">Save</button>
    </form>`;
}

function fieldInput(field: FieldDefinition, raw: unknown, errors: string[]): SafeHtml {
  const state = toFieldState(field, raw);
  const name = `field.${field.field_name}`;
  const kind = fieldKind(field.field_type);
  const value = state.values.join(kind === 'textarea' ? '\n' : ', ');
  const input =
    kind === 'textarea'
      ? html`<textarea name="${name}" rows="8">${value}</textarea>
          <select name="${`${name}.format`}">
            <option value="plain_text"${flag('selected', state.format === 'plain_text')}>Plain text</option>
            <option value="filtered_html"${flag('selected', state.format === 'filtered_html')}>Filtered HTML</option>
          </select>`
      : kind === 'boolean'
        ? html`<input type="checkbox" name="${name}" value="true"${flag('checked', state.values[0] === 'true')} />`
        : html`<input name="${name}" value="${value}" />`;
  return html`<div class="field"><label>${field.label}${field.required ? ' *' : ''} ${input}</label>${errorList(errors)}</div>`;
}

export function contentList(items: readonly Item[], total: number, types: readonly ContentType[], canCreate: (type: string) => boolean): SafeHtml {
  return html`<h1>Content</h1>
    <p>${types.filter((t) => canCreate(t.machine_name)).map((t) => html`<a class="add" href="${`/item/add/${t.machine_name}`}">Add ${t.label}</a> `)}</p>
    <table><caption>${total} items</caption>
      <thead><tr><th scope="col">Title</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Changed</th></tr></thead>
      <tbody>${items.map((item) => html`<tr>
        <td><a href="${`/item/${encodeURIComponent(item.id)}`}">${item.title}</a></td><td>${item.item_type}</td>
        <td>${item.status === 1 ? 'published' : 'unpublished'}</td><td>${new Date(item.changed * 1000).toISOString()}</td></tr>`)}
      </tbody></table>`;
}

export function pluginsList(plugins: readonly PluginInfo[]): SafeHtml {
  return html`<h1>Plugins</h1>
    <table><thead><tr><th scope="col">Plugin</th><th scope="col">Status</th><th scope="col">Problems</th><th scope="col"></th></tr></thead>
      <tbody>${plugins.map((p) => html`<tr>
        <td>${p.name} <small>${p.version}</small><br />${p.description}</td><td>${p.status}</td>
        <td>${[...p.errors, ...p.warnings].join(' ')}</td>
        <td>${p.status === 'refused'
          ? EMPTY
          : html`<form method="post" action="${`/admin/plugins/${encodeURIComponent(p.name)}/${p.status === 'enabled' ? 'disable' : 'enable'}`}">
              <button type="submit">${p.status === 'enabled' ? 'Disable' : 'Enable'}</button></form>`}</td></tr>`)}
      </tbody></table>`;
}

export function logList(entries: readonly LogEntry[]): SafeHtml {
  return html`<h1>Logs</h1>
    <table><thead><tr><th scope="col">Time</th><th scope="col">Plugin</th><th scope="col">Level</th><th scope="col">Message</th></tr></thead>
      <tbody>${entries.map((e) => html`<tr><td>${new Date(e.time).toISOString()}</td><td>${e.plugin}</td><td>${e.level}</td><td>${e.message}</td></tr>`)}</tbody>
    </table>`;
}
