import { describe, expect, it } from 'vitest';
import { renderText } from './render-text.js';

describe('renderText', () => {
  it('shows headings, text, links, lists, tables and items in weight order', () => {
    const tree = {
      '#type': 'container',
      table: { '#type': 'table', '#weight': 5, '#caption': 'Dates', '#header': ['day', 'n'], '#rows': [['Mon', 1], ['Tue', { '#type': 'markup', '#value': 'two' }]] },
      title: { '#type': 'markup', '#tag': 'h2', '#value': 'Events', '#weight': -1 },
      when: { '#type': 'item', '#title': 'Date', '#value': '2026-12-24' },
      list: { '#type': 'list', '#list_type': 'ol', '#items': ['one', { '#type': 'link', '#title': 'Two', '#url': '/two' }] },
      html: { '#type': 'markup', '#format': 'filtered_html', '#value': '<p>a &amp; <b>b</b></p>' },
    };
    expect(renderText(tree)).toBe(
      ['## Events', 'Date: 2026-12-24', '1. one', '2. [Two](/two)', '', 'a & b', 'Dates', '| day | n |', '| Mon | 1 |', '| Tue | two |'].join('\n'),
    );
  });

  it('shows a form with its fields and button', () => {
    const form = { '#type': 'form', '#form_id': 'rsvp', '#submit': 'Send', name: { '#type': 'item', '#title': 'Name', '#value': '', '#name': 'name' } };
    expect(renderText(form)).toBe('[form rsvp]\n  Name:  [field name]\n  [Send]');
  });

  it('names the place of what the page would show as an error box, and renders the rest', () => {
    const tree = { '#type': 'container', bad: { '#type': 'blink' }, text: 'not an element', ok: { '#type': 'markup', '#tag': 'span', '#value': 'fine' } };
    expect(renderText(tree)).toBe('[error at root.bad: "#type" "blink" is not known]\n[error at root.text: not an element object]\nfine');
  });
});
