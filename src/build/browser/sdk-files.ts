/**
 * The SDK the browser's compiler gets as virtual files, bundled as text. Globbed from the
 * project root, so this module reads the same wherever it lives.
 */

/** The SDK sources keyed `sdk/<file>.ts`, where a plugin's `import ... from "../../sdk"` finds them. */
export const SDK_FILES: Record<string, string> = Object.fromEntries(
  Object.entries(import.meta.glob<string>('/sdk/*.ts', { query: '?raw', import: 'default', eager: true })).map(([path, text]) => [path.replace(/^\//, ''), text]),
);
