import { describe, expect, it } from 'vitest';
import { hasForm, holdsAnyForm, typeAsAltered, withEnteredValues, withFieldErrors } from './form-errors.js';

describe('withFieldErrors', () => {
  const page = {
    '#type': 'container',
    title: { '#type': 'markup', '#value': 'T' },
    form: { '#type': 'form', '#form_id': 'f', name: { '#type': 'item', '#name': 'name', '#title': 'Name', '#weight': 2 }, other: { '#type': 'item', '#name': 'other' } },
  };

  it('puts each message right after its field, with the field weight, and loose messages first', () => {
    const out = withFieldErrors(page, 'f', [{ field: 'name', message: 'Give a name.' }, { field: '', message: 'Try later.' }]) as { form: Record<string, unknown> };
    expect(Object.keys(out.form)).toEqual(['error_0', '#type', '#form_id', 'name', 'name_error_0', 'other']);
    expect(out.form.name_error_0).toEqual({ '#type': 'markup', '#tag': 'p', '#value': 'Give a name.', '#attributes': { class: 'field-error' }, '#weight': 2 });
    expect(out.form.error_0).toMatchObject({ '#value': 'Try later.', '#weight': -1000 });
  });

  it('leaves other forms and the given tree alone', () => {
    const before = JSON.stringify(page);
    expect(withFieldErrors(page, 'g', [{ field: 'name', message: 'x' }])).toEqual(page);
    withFieldErrors(page, 'f', [{ field: 'name', message: 'x' }]);
    expect(JSON.stringify(page)).toBe(before);
  });
});

describe('typeAsAltered', () => {
  const type = {
    machine_name: 'note',
    fields: [
      { field_name: 'a', label: 'A', required: false },
      { field_name: 'b', label: 'B', required: true },
      { field_name: 'c', label: 'C', required: false },
    ],
  };

  it('relabels and reorders by #weight, and keeps every field (a missing one would be saved empty)', () => {
    const form = {
      '#type': 'form',
      a: { '#type': 'item', '#name': 'a', '#title': 'Alpha', '#weight': 5 },
      b: { '#type': 'item', '#name': 'b', '#title': 'B', '#weight': 1, '#access': false },
    };
    expect(typeAsAltered(type, form).fields).toEqual([
      { field_name: 'b', label: 'B', required: true },
      { field_name: 'c', label: 'C', required: false },
      { field_name: 'a', label: 'Alpha', required: false },
    ]);
  });
});

describe('withEnteredValues and hasForm', () => {
  const page = {
    '#type': 'container',
    form: {
      '#type': 'form',
      '#form_id': 'f',
      name: { '#type': 'item', '#name': 'name', '#title': 'Name', '#value': 'default' },
      group: { '#type': 'container', city: { '#type': 'item', '#name': 'city', '#value': '' } },
      plain: { '#type': 'item', '#title': 'Note', '#value': 'unchanged' },
    },
    other: { '#type': 'form', '#form_id': 'g', name: { '#type': 'item', '#name': 'name', '#value': 'g default' } },
  };

  it('fills the named fields of that form only, at any depth, and copies the tree', () => {
    const before = JSON.stringify(page);
    const out = withEnteredValues(page, 'f', { name: 'Ada', city: 'Turin', plain: 'ignored' }) as typeof page;
    expect(out.form.name['#value']).toBe('Ada');
    expect(out.form.group.city['#value']).toBe('Turin');
    expect(out.form.plain['#value']).toBe('unchanged');
    expect(out.other.name['#value']).toBe('g default');
    expect(JSON.stringify(page)).toBe(before);
  });

  it('finds a form by its id anywhere in the tree', () => {
    expect(hasForm(page, 'g')).toBe(true);
    expect(hasForm(page, 'h')).toBe(false);
    expect(hasForm('not a tree', 'f')).toBe(false);
  });
});

describe('holdsAnyForm', () => {
  it('finds a form of any id at any depth, and only in child elements', () => {
    const nested = { '#type': 'container', list: { '#type': 'container', contact: { '#type': 'form', '#form_id': 'contact' } } };
    expect(holdsAnyForm(nested)).toBe(true);
    expect(holdsAnyForm({ '#type': 'container', post: { '#type': 'link', '#title': 'Post', '#url': '/blog/post' } })).toBe(false);
    // A form-shaped value under a `#` property is data, not a child element.
    expect(holdsAnyForm({ '#type': 'container', '#data': { '#type': 'form' } })).toBe(false);
    expect(holdsAnyForm('not a tree')).toBe(false);
  });
});
