/**
 * Validation of an item draft against its content type's field definitions (ABI §5), with a
 * message per problem that names the field by its label and says what to enter instead.
 *
 * Forms submit text, so values are also normalized: "42" in an Integer field becomes 42,
 * "true"/"on" in a Boolean field becomes true. Accepted values per field type:
 * - Text, TextLong: a string, or `{value, format}` with format `plain_text` or `filtered_html`;
 *   Text counts characters (code points) against `max_length`.
 * - Integer: a whole number (or its digits); Float: a finite number (or its text).
 * - Boolean: true/false (also 1/0, "true"/"false", "on"/"off").
 * - Date: `YYYY-MM-DD` or an ISO 8601 date-time, a real calendar date; or Unix seconds.
 * - Email: `name@domain.tld`, without spaces.
 * - File: a non-empty string (a URL or file name) or an object.
 * - RecordReference: an item id, or `{target_id}`, of an existing item of the referenced type.
 * A field with cardinality 1 takes one value; others take an array of at most `cardinality`
 * values (-1: any number). Empty values (null, "", [], `{value: ""}`) are dropped.
 */
import type { ContentType, FieldDefinition, FieldError } from '../kernel/content/types.js';
import type { ItemDraft } from './protocol.js';
import type { Item } from '../kernel/storage/schema.js';
import { isObject, show } from './content-types.js';

export const MAX_TITLE_LENGTH = 255;
const TEXT_FORMATS = ['plain_text', 'filtered_html'];
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

export interface DraftCheck {
  errors: FieldError[];
  /** The draft's fields, normalized (only meaningful when `errors` is empty). */
  fields: Record<string, unknown>;
}

/**
 * Checks `draft` against `types`. `lookup` finds an item by id (for references), as the saving
 * request sees the store.
 */
export function validateDraft(draft: ItemDraft, types: readonly ContentType[], lookup: (id: string) => Item | undefined): DraftCheck {
  const errors: FieldError[] = [];
  const fields: Record<string, unknown> = {};
  const type = types.find((t) => t.machine_name === draft.item_type);
  if (!type) {
    const known = types.map((t) => `"${t.machine_name}"`).join(', ') || 'none (enable a plugin that declares one)';
    errors.push({ field: 'item_type', message: `There is no content type ${show(draft.item_type)}; the content types are ${known}.` });
    return { errors, fields };
  }
  if (typeof draft.title !== 'string' || draft.title.trim() === '') {
    errors.push({ field: 'title', message: 'Title is required.' });
  } else if (length(draft.title) > MAX_TITLE_LENGTH) {
    errors.push({ field: 'title', message: `Title is ${length(draft.title)} characters long; shorten it to ${MAX_TITLE_LENGTH} or fewer.` });
  }
  if (draft.status !== 0 && draft.status !== 1) {
    errors.push({ field: 'status', message: `Status must be 0 (unpublished) or 1 (published), got ${show(draft.status)}.` });
  }
  const given = isObject(draft.fields) ? draft.fields : {};
  if (!isObject(draft.fields)) errors.push({ field: '', message: `The item's fields must be an object of field values, got ${show(draft.fields)}.` });
  for (const name of Object.keys(given)) {
    if (!type.fields.some((f) => f.field_name === name)) {
      const names = type.fields.map((f) => f.field_name).join(', ') || 'none';
      errors.push({ field: name, message: `"${name}" is not a field of ${type.label}; its fields are ${names}. Remove it.` });
    }
  }
  for (const definition of type.fields) {
    const checked = checkField(definition, given[definition.field_name], lookup);
    errors.push(...checked.errors.map((message) => ({ field: definition.field_name, message })));
    if (checked.value !== undefined) fields[definition.field_name] = checked.value;
  }
  return { errors, fields };
}

function checkField(definition: FieldDefinition, raw: unknown, lookup: (id: string) => Item | undefined): { errors: string[]; value?: unknown } {
  const label = definition.label;
  const multiple = definition.cardinality !== 1;
  if (Array.isArray(raw) && !multiple) {
    const present = raw.filter((v) => !isEmpty(v));
    if (present.length > 1) return { errors: [`${label} takes one value; ${present.length} were given.`] };
    raw = present[0];
  }
  const values = (Array.isArray(raw) ? raw : [raw]).filter((v) => !isEmpty(v));
  if (values.length === 0) return { errors: definition.required ? [`${label} is required.`] : [] };
  if (multiple && definition.cardinality > 0 && values.length > definition.cardinality) {
    return { errors: [`${label} takes at most ${definition.cardinality} values; ${values.length} were given. Remove ${values.length - definition.cardinality}.`] };
  }
  const errors: string[] = [];
  const normalized: unknown[] = [];
  values.forEach((value, i) => {
    const which = values.length > 1 ? `${label} (value ${i + 1})` : label;
    const result = checkValue(definition, value, which, lookup);
    if (typeof result === 'string') errors.push(result);
    else normalized.push(result.value);
  });
  return { errors, value: multiple ? normalized : normalized[0] };
}

function checkValue(definition: FieldDefinition, value: unknown, label: string, lookup: (id: string) => Item | undefined): { value: unknown } | string {
  const type = definition.field_type;
  if (typeof type === 'object' && 'Text' in type) return checkText(value, label, type.Text.max_length);
  if (typeof type === 'object' && 'RecordReference' in type) return checkReference(value, label, type.RecordReference, lookup);
  switch (type) {
    case 'TextLong':
      return checkText(value, label, null);
    case 'Integer': {
      const n = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
      if (typeof n === 'number' && Number.isSafeInteger(n)) return { value: n };
      return `${label} must be a whole number (like 42), got ${show(value)}.`;
    }
    case 'Float': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n === 'number' && Number.isFinite(n)) return { value: n };
      return `${label} must be a number (like 3.5), got ${show(value)}.`;
    }
    case 'Boolean': {
      if (typeof value === 'boolean') return { value };
      if (value === 1 || value === 0) return { value: value === 1 };
      if (typeof value === 'string' && ['true', 'on', '1'].includes(value.toLowerCase())) return { value: true };
      if (typeof value === 'string' && ['false', 'off', '0'].includes(value.toLowerCase())) return { value: false };
      return `${label} must be true or false, got ${show(value)}.`;
    }
    case 'Date':
      return checkDate(value, label);
    case 'Email': {
      if (typeof value === 'string' && EMAIL.test(value.trim()) && value.trim().length <= 254) return { value: value.trim() };
      return `${label} must be an email address like name@example.com, got ${show(value)}.`;
    }
    case 'File':
      if ((typeof value === 'string' && value.trim() !== '') || isObject(value)) return { value };
      return `${label} must be a file (its URL or name), got ${show(value)}.`;
  }
}

function checkText(value: unknown, label: string, maxLength: number | null): { value: unknown } | string {
  let text: string;
  if (typeof value === 'string') {
    text = value;
  } else if (isObject(value) && typeof value.value === 'string') {
    const format = value.format ?? 'plain_text';
    if (typeof format !== 'string' || !TEXT_FORMATS.includes(format)) {
      return `${label} has the text format ${show(format)}; use "plain_text" or "filtered_html".`;
    }
    const extra = Object.keys(value).filter((k) => k !== 'value' && k !== 'format');
    if (extra.length > 0) return `${label} is a text value {value, format}; remove ${extra.map((k) => `"${k}"`).join(', ')}.`;
    text = value.value;
    value = { value: text, format };
  } else {
    return `${label} must be text, got ${show(value)}.`;
  }
  if (maxLength !== null && length(text) > maxLength) {
    return `${label} is ${length(text)} characters long; shorten it to ${maxLength} or fewer.`;
  }
  return { value };
}

function checkDate(value: unknown, label: string): { value: unknown } | string {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return { value };
  const hint = `${label} must be a date like 2024-05-31 (or 2024-05-31T14:30:00Z), got ${show(value)}.`;
  if (typeof value !== 'string') return hint;
  const text = value.trim();
  const match = DATE.exec(text);
  if (!match) return hint;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return `${label}: ${text.slice(0, 10)} is not a real date (check the month and day).`;
  }
  if (match[4] !== undefined && (Number(match[4]) > 23 || Number(match[5]) > 59 || Number(match[6] ?? 0) > 59)) {
    return `${label}: ${text} has an impossible time of day.`;
  }
  return { value: text };
}

function checkReference(value: unknown, label: string, target: string, lookup: (id: string) => Item | undefined): { value: unknown } | string {
  const id = typeof value === 'string' ? value.trim() : isObject(value) && typeof value.target_id === 'string' ? value.target_id : null;
  if (id === null) return `${label} must refer to a "${target}" item by its id, got ${show(value)}.`;
  const item = lookup(id);
  if (!item) return `${label} refers to the item ${show(id)}, which does not exist; choose an existing "${target}" item.`;
  if (item.item_type !== target) {
    return `${label} must refer to a "${target}" item; "${item.title}" (${id}) is a "${item.item_type}".`;
  }
  return { value: isObject(value) ? value : { target_id: id } };
}

function isEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    (typeof value === 'string' && value.trim() === '') ||
    (Array.isArray(value) && value.every(isEmpty)) ||
    (isObject(value) && 'value' in value && typeof value.value === 'string' && value.value.trim() === '')
  );
}

/** Characters as a reader counts them (code points, so an emoji is one). */
function length(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
