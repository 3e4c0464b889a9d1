import { css, html, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { UserProfile } from '../site/protocol.js';
import { sharedStyles } from './shared-styles.js';
import type { AdminMessage } from './trovato-plugin-admin.js';
import type { DeclaredPermission } from '../kernel/content/types.js';

export interface RoleGrants {
  role: string;
  /** `*` for the administrator: every permission. */
  permissions: string[];
}

/** A row of the grants table: a declared permission (`plugin` '' for the kernel's own). */
export type PermissionRow = DeclaredPermission;

/** `detail` of `roles-save`: the permissions each editable role should hold. */
export interface RolesSaveDetail {
  grants: Record<string, string[]>;
}

/** `detail` of `user-roles-save`. */
export interface UserRolesSaveDetail {
  id: string;
  roles: string[];
}

/**
 * /admin/people: a grid of every permission (from tap_perm, the content types and the kernel)
 * against the roles, with a checkbox per grant and one Save; and each user's roles. The
 * administrator holds everything (`*`) and is shown checked and locked.
 *
 * @fires roles-save - `CustomEvent<RolesSaveDetail>` (bubbles, composed).
 * @fires user-roles-save - `CustomEvent<UserRolesSaveDetail>` (bubbles, composed).
 */
export class TrovatoPeopleAdmin extends LitElement {
  static override properties: PropertyDeclarations = {
    roles: { attribute: false },
    permissions: { attribute: false },
    users: { attribute: false },
    message: { attribute: false },
    busy: { type: Boolean },
  };

  static override styles = [
    sharedStyles,
    css`
      table { border-collapse: collapse; }
      th[scope='col'] { text-transform: capitalize; }
      td.grant { text-align: center; }
      .muted { font-size: 0.85rem; }
      fieldset { margin: 0.5rem 0; }
      .save { margin-top: 0.75rem; }
    `,
  ];

  declare roles: RoleGrants[];
  declare permissions: PermissionRow[];
  declare users: UserProfile[];
  declare message: AdminMessage | null;
  declare busy: boolean;

  constructor() {
    super();
    this.roles = [];
    this.permissions = [];
    this.users = [];
    this.message = null;
    this.busy = false;
  }

  override render(): TemplateResult {
    return html`<h1>People and permissions</h1>
      ${this.message ? html`<div class="notice ${this.message.kind}" role=${this.message.kind === 'error' ? 'alert' : 'status'}>${this.message.text}</div>` : nothing}
      <h2>Permissions</h2>
      <form @submit=${this._onSaveGrants} aria-busy=${String(this.busy)}>
        <table>
          <thead><tr><th scope="col">Permission</th>${this.roles.map((r) => html`<th scope="col">${r.role}</th>`)}</tr></thead>
          <tbody>
            ${this.permissions.map(
              (p) => html`<tr>
                <th scope="row">${p.name}<div class="muted">${p.description}${p.plugin ? ` (${p.plugin})` : ''}</div></th>
                ${this.roles.map((r) => {
                  const all = r.permissions.includes('*');
                  return html`<td class="grant"><input type="checkbox" name=${r.role} value=${p.name} aria-label=${`${r.role}: ${p.name}`}
                    ?checked=${all || r.permissions.includes(p.name)} ?disabled=${all || this.busy}></td>`;
                })}
              </tr>`,
            )}
          </tbody>
        </table>
        <button class="save" type="submit" ?disabled=${this.busy}>Save permissions</button>
      </form>
      <h2>Users</h2>
      ${this.users.map(
        (user) => html`<form @submit=${(event: SubmitEvent) => this._onSaveUser(event, user.id)}>
          <fieldset>
            <legend>${user.name}</legend>
            ${this.roles.map((r) => html`<label><input type="checkbox" name="role" value=${r.role} ?checked=${user.roles.includes(r.role)} ?disabled=${this.busy}> ${r.role}</label> `)}
            <button type="submit" ?disabled=${this.busy}>Save roles of ${user.name}</button>
          </fieldset>
        </form>`,
      )}`;
  }

  private _onSaveGrants(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const grants: Record<string, string[]> = {};
    for (const role of this.roles) {
      if (role.permissions.includes('*')) continue;
      grants[role.role] = data.getAll(role.role).filter((v): v is string => typeof v === 'string');
    }
    this.dispatchEvent(new CustomEvent<RolesSaveDetail>('roles-save', { detail: { grants }, bubbles: true, composed: true }));
  }

  private _onSaveUser(event: SubmitEvent, id: string): void {
    event.preventDefault();
    const roles = new FormData(event.currentTarget as HTMLFormElement).getAll('role').filter((v): v is string => typeof v === 'string');
    this.dispatchEvent(new CustomEvent<UserRolesSaveDetail>('user-roles-save', { detail: { id, roles }, bubbles: true, composed: true }));
  }
}

if (!customElements.get('trovato-people-admin')) customElements.define('trovato-people-admin', TrovatoPeopleAdmin);

declare global {
  interface HTMLElementTagNameMap {
    'trovato-people-admin': TrovatoPeopleAdmin;
  }
}
