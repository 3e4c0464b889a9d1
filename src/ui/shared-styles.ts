/**
 * Styles every page element shares (they render in shadow roots, so the global sheet does not
 * reach them): buttons, forms, tables, notices and the focus ring.
 */
import { css } from 'lit';

export const sharedStyles = css`
  :host { display: block; color: var(--trovato-text, #1c1e21); }
  h1 { font-size: 1.75rem; line-height: 1.25; margin: 0 0 1rem; }
  h2 { font-size: 1.25rem; margin: 1.5rem 0 0.75rem; }
  a { color: var(--trovato-link, #0a58a8); }
  a:hover { color: var(--trovato-link-hover, #073d75); }
  :focus-visible { outline: 3px solid var(--trovato-focus, #1a73e8); outline-offset: 2px; }
  button, .button {
    font: inherit; cursor: pointer; border-radius: 6px; padding: 0.4rem 0.9rem;
    border: 1px solid #0a58a8; background: #0a58a8; color: #fff; text-decoration: none; display: inline-block;
  }
  button:hover, .button:hover { background: #073d75; color: #fff; }
  button.secondary { background: #fff; color: #0a58a8; }
  button.secondary:hover { background: #eaf2fb; color: #073d75; }
  button.danger { background: #b3261e; border-color: #b3261e; }
  button.danger:hover { background: #8c1d18; }
  button:disabled { opacity: 0.55; cursor: not-allowed; }
  input, select, textarea { font: inherit; color: inherit; border: 1px solid #8a9099; border-radius: 6px; padding: 0.4rem 0.5rem; background: #fff; }
  textarea { width: 100%; box-sizing: border-box; min-height: 8rem; resize: vertical; }
  input[aria-invalid='true'], textarea[aria-invalid='true'], select[aria-invalid='true'] { border-color: #b3261e; box-shadow: 0 0 0 1px #b3261e; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: start; padding: 0.5rem 0.6rem; border-bottom: 1px solid #dde1e6; vertical-align: top; }
  th { font-weight: 600; background: #f4f6f8; }
  .table-wrap { overflow-x: auto; }
  .notice { border-radius: 6px; padding: 0.6rem 0.9rem; margin: 0 0 1rem; border: 1px solid; }
  .notice.error { background: #fdecea; border-color: #e3a29d; color: #5f100b; }
  .notice.ok { background: #e8f5e9; border-color: #9ccc9f; color: #1b4d1e; }
  .notice.warning { background: #fff8e1; border-color: #e0c46c; color: #4d3c00; }
  .notice ul { margin: 0.25rem 0 0; padding-inline-start: 1.25rem; }
  .muted { color: #5b636e; }
  .badge { display: inline-block; border-radius: 999px; padding: 0.05rem 0.55rem; font-size: 0.85em; border: 1px solid; white-space: nowrap; }
  .badge.on { background: #e8f5e9; border-color: #9ccc9f; color: #1b4d1e; }
  .badge.off { background: #f1f3f5; border-color: #b9c0c8; color: #3c434b; }
  .badge.bad { background: #fdecea; border-color: #e3a29d; color: #5f100b; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; }
`;
