import { css, html, LitElement, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import type { FieldDefinition } from '../kernel/content/types.js';
import type { ContentType, FieldError, Item, ItemDraft } from '../site/protocol.js';
import { fieldKind, isMultiple, maxLength, referencedType, toDraftValue, toFieldState, type FieldState, type TextFormat } from './field-values.js';
import { hrefFor } from './router.js';
import { sharedStyles } from './shared-styles.js';

/** `detail` of `item-save`. */
export interface ItemSaveDetail {
  draft: ItemDraft;
}

/** `detail` of `item-delete`. */
export interface ItemDeleteDetail {
  id: string;
}

/** Error ids and the form's own fields share a namespace with plugin field names. */
const TITLE = 'title';
const STATUS = 'status';

/**
 * The add / edit form of an item, generated from its content type's field definitions: one
 * widget per field type, required fields marked, multi-value fields with "Add another value",
 * and the kernel's validation messages next to their fields (focus moves to the first one).
 *
 * @fires item-save - `CustomEvent<ItemSaveDetail>` (bubbles, composed) on submit.
 * @fires item-delete - `CustomEvent<ItemDeleteDetail>` (bubbles, composed) once deletion is confirmed.
 */
export class TrovatoItemForm extends LitElement {
  static override properties: PropertyDeclarations = {
    contentType: { attribute: false },
    item: { attribute: false },
    references: { attribute: false },
    errors: { attribute: false },
    busy: { attribute: false },
    canDelete: { attribute: false },
    base: { attribute: false },
    _title: { state: true },
    _status: { state: true },
    _fields: { state: true },
    _confirmDelete: { state: true },
  };

  static override styles = [
    sharedStyles,
    css`
      form { display: grid; gap: 1.25rem; }
      .field { display: grid; gap: 0.35rem; }
      fieldset { border: 1px solid #dde1e6; border-radius: 8px; padding: 0.75rem 1rem 1rem; margin: 0; display: grid; gap: 0.5rem; }
      legend, label.field-label { font-weight: 600; }
      legend { padding: 0 0.3rem; }
      .required { color: #b3261e; margin-inline-start: 0.2rem; }
      .hint { font-size: 0.875rem; color: #5b636e; margin: 0; }
      .hint.legend { margin: 0 0 1rem; }
      .field-error { color: #b3261e; font-size: 0.9rem; margin: 0; font-weight: 500; }
      .field-error::before { content: '⚠ '; }
      input[type='text'], input[type='email'], input[type='number'], input[type='date'], input[type='url'], select { max-width: 100%; }
      input.wide { width: 100%; box-sizing: border-box; }
      .slot { display: flex; gap: 0.5rem; align-items: center; }
      .slot input { flex: 1; }
      .format { display: inline-flex; align-items: center; gap: 0.4rem; font-size: 0.9rem; }
      .check { display: inline-flex; align-items: center; gap: 0.5rem; }
      .check input { width: 1.15rem; height: 1.15rem; }
      .buttons { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; }
      .confirm { border: 1px solid #e3a29d; background: #fdecea; border-radius: 8px; padding: 0.75rem 1rem; display: grid; gap: 0.5rem; }
      .confirm p { margin: 0; color: #5f100b; }
      select[multiple] { min-width: 16rem; }
      select:disabled { background: #f1f3f5; color: #5b636e; }
    `,
  ];

  declare contentType: ContentType | null;
  /** The item being edited, or null for a new one. */
  declare item: Item | null;
  /** Items a RecordReference field may point at, by content type. */
  declare references: Record<string, Item[]>;
  /** Validation messages from the last save. */
  declare errors: FieldError[];
  /** A save or delete is under way. */
  declare busy: boolean;
  declare canDelete: boolean;
  declare base: string;
  declare private _title: string;
  declare private _status: boolean;
  declare private _fields: Record<string, FieldState>;
  declare private _confirmDelete: boolean;

  constructor() {
    super();
    this.contentType = null;
    this.item = null;
    this.references = {};
    this.errors = [];
    this.busy = false;
    this.canDelete = false;
    this.base = '/';
    this._title = '';
    this._status = true;
    this._fields = {};
    this._confirmDelete = false;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('item') || changed.has('contentType')) this.#reset();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('errors') && this.errors.length > 0) {
      const target = this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"], .form-errors');
      target?.focus();
    }
  }

  override render(): TemplateResult | typeof nothing {
    const type = this.contentType;
    if (type === null) return nothing;
    const formErrors = this.errors.filter((e) => !this.#knownField(fieldOf(e)));
    return html`
      <h1>${this.item === null ? `Add ${type.label.toLowerCase()}` : `Edit “${this.item.title}”`}</h1>
      ${type.description ? html`<p class="muted">${type.description}</p>` : nothing}
      <p class="hint legend">Fields marked <span class="required" aria-hidden="true">*</span><span class="visually-hidden">with an asterisk</span> are required.</p>
      ${formErrors.length > 0
        ? html`<div class="notice error form-errors" role="alert" tabindex="-1">
            The item was not saved:
            <ul>${formErrors.map((e) => html`<li>${e.field ? html`<code>${e.field}</code>: ` : nothing}${e.message}</li>`)}</ul>
          </div>`
        : nothing}
      <form novalidate @submit=${this._onSubmit} aria-busy=${String(this.busy)}>
        ${this.#titleField()}
        ${type.fields.map((field) => this.#field(field))}
        <div class="field">
          <label class="check"><input type="checkbox" name="status" .checked=${this._status} @change=${this._onStatus} /> Published</label>
          <p class="hint">Unpublished items are only visible to their author and editors.</p>
          ${this.#errorMessages(STATUS)}
        </div>
        <div class="buttons">
          <button type="submit" ?disabled=${this.busy}>${this.busy ? 'Saving…' : 'Save'}</button>
          ${this.item !== null
            ? html`<a href=${hrefFor(`/item/${encodeURIComponent(this.item.id)}`, this.base)}>Cancel</a>`
            : nothing}
          ${this.item !== null && this.canDelete && !this._confirmDelete
            ? html`<button type="button" class="danger delete" ?disabled=${this.busy} @click=${this._onAskDelete}>Delete</button>`
            : nothing}
        </div>
        ${this._confirmDelete ? this.#confirmDelete() : nothing}
      </form>
    `;
  }

  #titleField(): TemplateResult {
    const invalid = this.#messages(TITLE).length > 0;
    return html`<div class="field">
      <label class="field-label" for="field-title">Title<span class="required" aria-hidden="true">*</span></label>
      <input id="field-title" class="wide" type="text" name="title" maxlength="255" aria-required="true"
        aria-invalid=${String(invalid)} aria-describedby=${invalid ? 'error-title' : nothing}
        .value=${this._title} @input=${this._onTitle} />
      ${this.#errorMessages(TITLE)}
    </div>`;
  }

  #field(field: FieldDefinition): TemplateResult {
    const kind = fieldKind(field.field_type);
    const required = field.required ? html`<span class="required" aria-hidden="true">*</span>` : nothing;
    if (kind === 'boolean') {
      return html`<div class="field">
        <label class="check">
          <input type="checkbox" id=${inputId(field.field_name, 0)} data-field=${field.field_name} data-index="0"
            aria-invalid=${String(this.#invalid(field))} aria-describedby=${this.#describedBy(field)}
            .checked=${this.#state(field).values[0] === 'true'} @change=${this._onCheck} />
          ${field.label}${required}
        </label>
        ${this.#errorMessages(field.field_name)}
      </div>`;
    }
    if (kind === 'reference') return this.#referenceField(field, required);
    if (isMultiple(field)) return this.#multiField(field, required);
    return html`<div class="field">
      <label class="field-label" for=${inputId(field.field_name, 0)}>${field.label}${required}</label>
      ${this.#input(field, 0, field.label)}
      ${this.#errorMessages(field.field_name)}
      ${kind === 'textarea' ? this.#formatSelect(field) : nothing}
      ${this.#hint(field)}
    </div>`;
  }

  #multiField(field: FieldDefinition, required: TemplateResult | typeof nothing): TemplateResult {
    const state = this.#state(field);
    const full = field.cardinality > 1 && state.values.length >= field.cardinality;
    return html`<fieldset class="field">
      <legend>${field.label}${required}</legend>
      ${state.values.map((_, index) => html`<div class="slot">
        ${this.#input(field, index, `${field.label}, value ${index + 1}`)}
        ${state.values.length > 1
          ? html`<button type="button" class="secondary" data-field=${field.field_name} data-index=${index}
              aria-label=${`Remove ${field.label} value ${index + 1}`} @click=${this._onRemoveValue}>Remove</button>`
          : nothing}
      </div>`)}
      ${this.#errorMessages(field.field_name)}
      ${fieldKind(field.field_type) === 'textarea' ? this.#formatSelect(field) : nothing}
      <div>
        <button type="button" class="secondary add-value" data-field=${field.field_name} ?disabled=${full} @click=${this._onAddValue}>
          Add another value<span class="visually-hidden"> to ${field.label}</span>
        </button>
      </div>
      ${this.#hint(field)}
    </fieldset>`;
  }

  #referenceField(field: FieldDefinition, required: TemplateResult | typeof nothing): TemplateResult {
    const target = referencedType(field.field_type) ?? '';
    const options = this.references[target] ?? [];
    const selected = new Set(this.#state(field).values);
    const multiple = isMultiple(field);
    return html`<div class="field">
      <label class="field-label" for=${inputId(field.field_name, 0)}>${field.label}${required}</label>
      <select id=${inputId(field.field_name, 0)} data-field=${field.field_name} ?multiple=${multiple}
        size=${multiple ? String(Math.min(6, Math.max(2, options.length))) : nothing}
        aria-required=${String(field.required)} aria-invalid=${String(this.#invalid(field))}
        aria-describedby=${this.#describedBy(field)} ?disabled=${options.length === 0} @change=${this._onSelect}>
        ${multiple ? nothing : html`<option value="" ?selected=${selected.size === 0}>— None —</option>`}
        ${options.map((option) => html`<option value=${option.id} ?selected=${selected.has(option.id)}>${option.title}</option>`)}
      </select>
      ${this.#errorMessages(field.field_name)}
      ${options.length === 0
        ? html`<p class="hint" id=${`hint-${field.field_name}`}>No items of type <code>${target}</code> exist yet.</p>`
        : multiple
          ? html`<p class="hint" id=${`hint-${field.field_name}`}>Hold Ctrl (⌘ on a Mac) to pick more than one.</p>`
          : nothing}
    </div>`;
  }

  #input(field: FieldDefinition, index: number, label: string): TemplateResult {
    const kind = fieldKind(field.field_type);
    const name = field.field_name;
    const value = this.#state(field).values[index] ?? '';
    const id = inputId(name, index);
    const common = {
      invalid: String(this.#invalid(field)),
      describedBy: this.#describedBy(field),
      required: String(field.required),
      aria: index === 0 && !isMultiple(field) ? nothing : label,
    };
    if (kind === 'textarea') {
      return html`<textarea id=${id} data-field=${name} data-index=${index} aria-label=${common.aria} aria-required=${common.required}
        aria-invalid=${common.invalid} aria-describedby=${common.describedBy} .value=${value} @input=${this._onInput}></textarea>`;
    }
    const type = { text: 'text', integer: 'number', float: 'number', date: 'date', email: 'email', file: 'text' }[kind as 'text'] ?? 'text';
    const step = kind === 'integer' ? '1' : kind === 'float' ? 'any' : nothing;
    const max = maxLength(field.field_type);
    return html`<input id=${id} type=${type} class=${kind === 'text' || kind === 'file' || kind === 'email' ? 'wide' : ''}
      data-field=${name} data-index=${index} step=${step} maxlength=${max ?? nothing}
      inputmode=${kind === 'integer' ? 'numeric' : kind === 'float' ? 'decimal' : nothing}
      placeholder=${kind === 'file' ? 'https://example.com/file.pdf or file name' : nothing}
      aria-label=${common.aria} aria-required=${common.required} aria-invalid=${common.invalid}
      aria-describedby=${common.describedBy} .value=${value} @input=${this._onInput} />`;
  }

  #formatSelect(field: FieldDefinition): TemplateResult {
    return html`<label class="format">Text format
      <select data-field=${field.field_name} @change=${this._onFormat}>
        <option value="plain_text" ?selected=${this.#state(field).format === 'plain_text'}>Plain text</option>
        <option value="filtered_html" ?selected=${this.#state(field).format === 'filtered_html'}>Filtered HTML</option>
      </select>
    </label>`;
  }

  #hint(field: FieldDefinition): TemplateResult | typeof nothing {
    const kind = fieldKind(field.field_type);
    const max = maxLength(field.field_type);
    const parts: string[] = [];
    if (max !== null) parts.push(`At most ${max} characters.`);
    if (kind === 'file') parts.push('A file name or URL; uploads are not supported.');
    if (field.cardinality > 1) parts.push(`Up to ${field.cardinality} values.`);
    if (parts.length === 0) return nothing;
    return html`<p class="hint" id=${`hint-${field.field_name}`}>${parts.join(' ')}</p>`;
  }

  #confirmDelete(): TemplateResult {
    return html`<div class="confirm" role="alertdialog" aria-labelledby="confirm-text">
      <p id="confirm-text">Delete “${this.item?.title}” for good? This cannot be undone.</p>
      <div class="buttons">
        <button type="button" class="danger confirm-delete" ?disabled=${this.busy} @click=${this._onDelete}>Delete permanently</button>
        <button type="button" class="secondary" @click=${this._onCancelDelete}>Keep it</button>
      </div>
    </div>`;
  }

  #errorMessages(name: string): TemplateResult | typeof nothing {
    const messages = this.#messages(name);
    if (messages.length === 0) return nothing;
    return html`<p class="field-error" id=${`error-${name}`}>${messages.join(' ')}</p>`;
  }

  #messages(name: string): string[] {
    return this.errors.filter((e) => fieldOf(e) === name).map((e) => e.message);
  }

  #invalid(field: FieldDefinition): boolean {
    return this.#messages(field.field_name).length > 0;
  }

  #describedBy(field: FieldDefinition): string | typeof nothing {
    const ids: string[] = [];
    if (this.#invalid(field)) ids.push(`error-${field.field_name}`);
    const kind = fieldKind(field.field_type);
    if (maxLength(field.field_type) !== null || kind === 'file' || kind === 'reference' || field.cardinality > 1) ids.push(`hint-${field.field_name}`);
    return ids.length > 0 ? ids.join(' ') : nothing;
  }

  #knownField(name: string): boolean {
    return name === TITLE || name === STATUS || (this.contentType?.fields.some((f) => f.field_name === name) ?? false);
  }

  #state(field: FieldDefinition): FieldState {
    return this._fields[field.field_name] ?? toFieldState(field, undefined);
  }

  #reset(): void {
    const item = this.item;
    this._title = item?.title ?? '';
    this._status = item === null ? true : item.status === 1;
    this._confirmDelete = false;
    const fields: Record<string, FieldState> = {};
    for (const field of this.contentType?.fields ?? []) fields[field.field_name] = toFieldState(field, item?.fields[field.field_name]);
    this._fields = fields;
  }

  #update(name: string, change: (state: FieldState) => FieldState): void {
    const field = this.contentType?.fields.find((f) => f.field_name === name);
    if (field === undefined) return;
    this._fields = { ...this._fields, [name]: change(this.#state(field)) };
  }

  private _onTitle(event: Event): void {
    this._title = (event.target as HTMLInputElement).value;
  }

  private _onStatus(event: Event): void {
    this._status = (event.target as HTMLInputElement).checked;
  }

  private _onInput(event: Event): void {
    const target = event.target as HTMLInputElement | HTMLTextAreaElement;
    const index = Number(target.dataset.index);
    this.#update(target.dataset.field ?? '', (state) => ({ ...state, values: state.values.map((v, i) => (i === index ? target.value : v)) }));
  }

  private _onCheck(event: Event): void {
    const target = event.target as HTMLInputElement;
    this.#update(target.dataset.field ?? '', (state) => ({ ...state, values: [target.checked ? 'true' : ''] }));
  }

  private _onSelect(event: Event): void {
    const target = event.target as HTMLSelectElement;
    const values = [...target.selectedOptions].map((o) => o.value).filter((v) => v !== '');
    this.#update(target.dataset.field ?? '', (state) => ({ ...state, values }));
  }

  private _onFormat(event: Event): void {
    const target = event.target as HTMLSelectElement;
    this.#update(target.dataset.field ?? '', (state) => ({ ...state, format: target.value as TextFormat }));
  }

  private async _onAddValue(event: Event): Promise<void> {
    const name = (event.currentTarget as HTMLElement).dataset.field ?? '';
    let index = 0;
    this.#update(name, (state) => {
      index = state.values.length;
      return { ...state, values: [...state.values, ''] };
    });
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`#${CSS.escape(inputId(name, index))}`)?.focus();
  }

  private _onRemoveValue(event: Event): void {
    const target = event.currentTarget as HTMLElement;
    const index = Number(target.dataset.index);
    this.#update(target.dataset.field ?? '', (state) => ({ ...state, values: state.values.filter((_, i) => i !== index) }));
  }

  private _onSubmit(event: Event): void {
    event.preventDefault();
    const type = this.contentType;
    if (type === null || this.busy) return;
    const fields: Record<string, unknown> = {};
    for (const field of type.fields) {
      const value = toDraftValue(field, this.#state(field));
      if (value !== undefined) fields[field.field_name] = value;
    }
    const draft: ItemDraft = { item_type: type.machine_name, title: this._title.trim(), fields, status: this._status ? 1 : 0 };
    if (this.item !== null) draft.id = this.item.id;
    const detail: ItemSaveDetail = { draft };
    this.dispatchEvent(new CustomEvent('item-save', { detail, bubbles: true, composed: true }));
  }

  private _onAskDelete(): void {
    this._confirmDelete = true;
  }

  private _onCancelDelete(): void {
    this._confirmDelete = false;
  }

  private _onDelete(): void {
    if (this.item === null) return;
    const detail: ItemDeleteDetail = { id: this.item.id };
    this.dispatchEvent(new CustomEvent('item-delete', { detail, bubbles: true, composed: true }));
  }
}

function inputId(field: string, index: number): string {
  return index === 0 ? `field-${field}` : `field-${field}-${index}`;
}

/** The field a message is about: `fields.body`, `body[1]` and `body.1` all mean `body`. */
function fieldOf(error: FieldError): string {
  return error.field.replace(/^fields\./, '').replace(/(\[\d+\]|\.\d+)$/, '');
}

if (!customElements.get('trovato-item-form')) customElements.define('trovato-item-form', TrovatoItemForm);

declare global {
  interface HTMLElementTagNameMap {
    'trovato-item-form': TrovatoItemForm;
  }
}
