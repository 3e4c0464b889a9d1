import { describe, expect, it } from 'vitest';
import type { FieldDefinition, FieldType } from '../kernel/content/types.js';
import { fieldKind, toDraftValue, toFieldState } from './field-values.js';

const def = (field_type: FieldType, cardinality = 1): FieldDefinition => ({ field_name: 'f', field_type, label: 'F', required: false, cardinality, settings: {} });

describe('field values between items and forms', () => {
  it('round-trips long text with its format', () => {
    const body = def('TextLong');
    const state = toFieldState(body, { value: '<p>Hi</p>', format: 'filtered_html' });
    expect(state).toEqual({ values: ['<p>Hi</p>'], format: 'filtered_html' });
    expect(toDraftValue(body, state)).toEqual({ value: '<p>Hi</p>', format: 'filtered_html' });
  });

  it('keeps short text a plain string, and a list for multi-value fields', () => {
    expect(toDraftValue(def({ Text: { max_length: 128 } }), { values: [' my-post '], format: 'plain_text' })).toBe('my-post');
    expect(toDraftValue(def({ Text: { max_length: null } }, -1), { values: ['a', '', 'b'], format: 'plain_text' })).toEqual(['a', 'b']);
  });

  it('leaves empty fields out, so required ones are reported by validation', () => {
    expect(toDraftValue(def('Email'), { values: ['  '], format: 'plain_text' })).toBeUndefined();
    expect(toDraftValue(def({ RecordReference: 'tag' }, -1), { values: [], format: 'plain_text' })).toBeUndefined();
  });

  it('sends numbers as numbers and booleans as booleans', () => {
    expect(toDraftValue(def('Integer'), { values: ['42'], format: 'plain_text' })).toBe(42);
    expect(toDraftValue(def('Float'), { values: ['2.5'], format: 'plain_text' })).toBe(2.5);
    expect(toDraftValue(def('Boolean'), { values: [''], format: 'plain_text' })).toBe(false);
    expect(toFieldState(def('Boolean'), true).values).toEqual(['true']);
  });

  it('reads references given as ids or {target_id}', () => {
    const tags = def({ RecordReference: 'tag' }, -1);
    expect(toFieldState(tags, ['a', { target_id: 'b' }]).values).toEqual(['a', 'b']);
    expect(fieldKind(tags.field_type)).toBe('reference');
  });

  it('shows a stored Unix time as a date', () => {
    expect(toFieldState(def('Date'), 86400).values).toEqual(['1970-01-02']);
  });
});
