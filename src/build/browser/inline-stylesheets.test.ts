import { describe, expect, it } from 'vitest';
import { inlineStylesheets } from './inline-stylesheets.js';

const files: Record<string, string> = { '/assets/site.css': 'body{margin:0}', '/assets/big.css': 'p{}'.repeat(100) };
const cssOf = (href: string) => files[href];

describe('small style sheets are written into the page', () => {
  it('replaces a link to a small sheet of the build with its text, leaving other tags as they are', () => {
    const html = '<head><link rel="icon" href="/x.svg"><link rel="stylesheet" crossorigin href="/assets/site.css"><link rel="modulepreload" href="/assets/a.js"></head>';
    expect(inlineStylesheets(html, cssOf)).toBe('<head><link rel="icon" href="/x.svg"><style>body{margin:0}</style><link rel="modulepreload" href="/assets/a.js"></head>');
  });

  it('leaves a sheet over the limit, or one the build does not hold (another origin, a public file), as a link', () => {
    const html = '<link rel="stylesheet" href="/assets/big.css"><link rel="stylesheet" href="https://cdn.example/x.css">';
    expect(inlineStylesheets(html, cssOf, 100)).toBe(html);
  });

  it('never lets the text close its <style> element', () => {
    const inlined = inlineStylesheets('<link rel="stylesheet" href="/a.css">', () => 'a::after{content:"</style><script>alert(1)</script>"}');
    expect(inlined).not.toMatch(/<\/style>.*<\/style>/);
    expect(inlined.match(/<\/style>/gi)).toHaveLength(1);
  });
});
