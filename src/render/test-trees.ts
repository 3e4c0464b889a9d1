/**
 * Test support: a fast-check arbitrary of JSON-shaped trees biased towards render elements,
 * with hostile payloads and junk anywhere (the renderers' property tests share it).
 */
import fc from 'fast-check';

const PAYLOADS = [
  '<script>window.__pwned=1</script>',
  '<img src=x onerror="window.__pwned=1">',
  '<svg onload="window.__pwned=1">',
  'javascript:window.__pwned=1',
  ' javascript:window.__pwned=1',
  'java\tscript:window.__pwned=1',
  'data:text/html,<script>window.__pwned=1</script>',
  '<a href="javascript:window.__pwned=1">x</a>',
  '<details open ontoggle="window.__pwned=1">',
  '/ok', 'https://ok.example/', 'mailto:a@ok.example',
];

const TYPES = ['container', 'markup', 'link', 'list', 'table', 'form', 'item', 'script', '__proto__', 'constructor'];
const CHILD_KEYS = ['a', 'b', 'c', '__proto__', 'constructor', 'toString', '0'];
const JUNK_KEYS = ['#weight', '#tag', '#value', '#format', '#url', '#href', '#title', '#items', '#header', '#rows', '#attributes', '#list_type', '#name', '#submit', '#caption'];
const ATTRIBUTE_NAMES = ['onclick', 'ONERROR', 'onmouseover', 'style', 'href', 'src', 'srcdoc', 'action', 'formaction', 'data-route', 'class', 'id', 'aria-label', 'data-x', 'title', 'open'];

const text = fc.oneof(fc.constantFrom(...PAYLOADS), fc.string({ maxLength: 20 }));
const scalar = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null), fc.double());
const attributesArb = fc.dictionary(fc.constantFrom(...ATTRIBUTE_NAMES), fc.oneof(scalar, fc.array(text, { maxLength: 3 })), { maxKeys: 5 });

// JSON-shaped trees biased towards render elements, with junk anywhere.
export const { element } = fc.letrec<{ tree: unknown; element: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: scalar, weight: 1 },
    { arbitrary: tie('element'), weight: 4 },
    { arbitrary: fc.array(tie('tree'), { maxLength: 3 }), weight: 1 },
  ),
  element: fc
    .record(
      {
        '#type': fc.oneof({ arbitrary: fc.constantFrom(...TYPES.slice(0, 7)), weight: 8 }, fc.constantFrom(...TYPES), scalar),
        '#tag': fc.oneof({ arbitrary: fc.constantFrom('div', 'p', 'span', 'ol'), weight: 3 }, fc.constantFrom('script', 'iframe', 'a', 'img')),
        '#value': text,
        '#format': fc.constantFrom('filtered_html', 'plain_text', 'full_html'),
        // Mostly URLs the renderer accepts, so links are rendered in every run (the evidence check
        // of the property test); an unbiased text made a link in about 1 of 100 trees.
        '#url': fc.oneof({ arbitrary: fc.constantFrom('/ok', '/a/b?c=1', 'https://ok.example/', 'mailto:a@ok.example'), weight: 2 }, text),
        '#title': text,
        '#weight': fc.oneof({ arbitrary: fc.integer({ min: -5, max: 5 }), weight: 5 }, text),
        '#attributes': attributesArb,
        '#items': fc.array(tie('tree'), { maxLength: 3 }),
        '#header': fc.array(tie('tree'), { maxLength: 3 }),
        '#rows': fc.array(fc.oneof(fc.array(tie('tree'), { maxLength: 3 }), tie('tree')), { maxLength: 3 }),
        '#name': text,
      },
      { requiredKeys: [] },
    )
    .chain((props) =>
      fc.dictionary(
        fc.oneof({ arbitrary: fc.constantFrom(...CHILD_KEYS), weight: 6 }, fc.constantFrom(...JUNK_KEYS)),
        tie('tree'),
        { maxKeys: 4 },
      ).map((children) => {
        // Children overwrite props of the same name, so # keys also receive junk values.
        const element: Record<string, unknown> = { ...props };
        for (const [key, value] of Object.entries(children)) {
          Object.defineProperty(element, key, { value, enumerable: true, writable: true, configurable: true });
        }
        return element;
      }),
    ),
}));

