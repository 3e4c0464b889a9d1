/**
 * Item field values <-> form state. A form keeps every field as a list of strings (one per
 * value slot) plus a text format; the draft sent to `saveItem` gets the ABI §5 shapes back:
 * `{value, format}` for long text, plain strings for short text, numbers, booleans, and item
 * ids for references, as an array when the field holds more than one value.
 */
import type { FieldDefinition, FieldType } from '../kernel/content/types.js';

export type TextFormat = 'plain_text' | 'filtered_html';

/** One field as a form edits it. */
export interface FieldState {
  values: string[];
  format: TextFormat;
}

/** The widget a field type gets. */
export type FieldKind = 'textarea' | 'text' | 'integer' | 'float' | 'boolean' | 'date' | 'email' | 'file' | 'reference';

export function fieldKind(type: FieldType): FieldKind {
  if (typeof type === 'object') return 'Text' in type ? 'text' : 'reference';
  switch (type) {
    case 'TextLong':
      return 'textarea';
    case 'Integer':
      return 'integer';
    case 'Float':
      return 'float';
    case 'Boolean':
      return 'boolean';
    case 'Date':
      return 'date';
    case 'Email':
      return 'email';
    case 'File':
      return 'file';
  }
}

/** The content type a RecordReference field points at, or null. */
export function referencedType(type: FieldType): string | null {
  return typeof type === 'object' && 'RecordReference' in type ? type.RecordReference : null;
}

/** A short text field's maximum length, or null. */
export function maxLength(type: FieldType): number | null {
  return typeof type === 'object' && 'Text' in type ? type.Text.max_length : null;
}

/** Whether a field holds more than one value. */
export function isMultiple(field: FieldDefinition): boolean {
  return field.cardinality === -1 || field.cardinality > 1;
}

/**
 * The form state of a stored value (or of nothing, for a new item).
 *
 * @example toFieldState(bodyField, { value: 'Hi', format: 'filtered_html' }) // { values: ['Hi'], format: 'filtered_html' }
 */
export function toFieldState(field: FieldDefinition, raw: unknown): FieldState {
  const list = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  let format: TextFormat = 'plain_text';
  const values = list.map((value): string => {
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return fieldKind(field.field_type) === 'date' ? isoDay(value) : String(value);
    if (typeof value === 'boolean') return value ? 'true' : '';
    if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (record.format === 'filtered_html') format = 'filtered_html';
      if ('value' in record) return String(record.value ?? '');
      if ('target_id' in record) return String(record.target_id ?? '');
    }
    return '';
  });
  // Multi-value text fields start with one empty slot to type into.
  if (values.length === 0 && fieldKind(field.field_type) !== 'reference') values.push('');
  return { values, format };
}

/**
 * The draft value of a field's form state, or undefined when it is empty (so a required field
 * is reported missing by the kernel's validation).
 *
 * @example toDraftValue(tagsField, { values: ['a', 'b'], format: 'plain_text' }) // ['a', 'b']
 */
export function toDraftValue(field: FieldDefinition, state: FieldState): unknown {
  const kind = fieldKind(field.field_type);
  if (kind === 'boolean') return state.values[0] === 'true';
  const filled = state.values.map((v) => (kind === 'textarea' ? v : v.trim())).filter((v) => v.trim() !== '');
  if (filled.length === 0) return undefined;
  const converted = filled.map((v): unknown => {
    if (kind === 'textarea') return { value: v, format: state.format };
    // A number input's text that is not a number goes as typed, so validation can name it.
    if (kind === 'integer' || kind === 'float') return Number.isFinite(Number(v)) ? Number(v) : v;
    return v;
  });
  return isMultiple(field) ? converted : converted[0];
}

function isoDay(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 10);
}
