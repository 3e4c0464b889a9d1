import { css, html, LitElement, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { UserProfile } from '../site/protocol.js';

/** `detail` of `user-change`. */
export interface UserChangeDetail {
  userId: string;
}

/**
 * Picks the demo user the site runs as, so a visitor can see access control at work.
 *
 * @fires user-change - `CustomEvent<UserChangeDetail>` (bubbles, composed) when another user is picked.
 */
export class TrovatoUserSwitcher extends LitElement {
  static override properties: PropertyDeclarations = {
    users: { attribute: false },
    userId: { attribute: false },
  };

  static override styles = css`
    :host { display: inline-block; }
    label { display: inline-flex; align-items: center; gap: 0.4rem; font-size: 0.9rem; }
    select {
      font: inherit; padding: 0.3rem 0.45rem; border-radius: 6px;
      border: 1px solid rgba(255, 255, 255, 0.6); background: #fff; color: #1c1e21;
    }
    select:focus-visible { outline: 3px solid #ffd54f; outline-offset: 2px; }
  `;

  /** The users to pick from. */
  declare users: UserProfile[];
  /** The id of the current user. */
  declare userId: string;

  constructor() {
    super();
    this.users = [];
    this.userId = '';
  }

  override render(): TemplateResult {
    return html`<label>
      <span>Viewing as</span>
      <select @change=${this._onChange}>
        ${this.users.map((user) => html`<option value=${user.id} ?selected=${user.id === this.userId}>${user.name}</option>`)}
      </select>
    </label>`;
  }

  private _onChange(event: Event): void {
    const userId = (event.target as HTMLSelectElement).value;
    const detail: UserChangeDetail = { userId };
    this.dispatchEvent(new CustomEvent('user-change', { detail, bubbles: true, composed: true }));
  }
}

if (!customElements.get('trovato-user-switcher')) customElements.define('trovato-user-switcher', TrovatoUserSwitcher);

declare global {
  interface HTMLElementTagNameMap {
    'trovato-user-switcher': TrovatoUserSwitcher;
  }
}
