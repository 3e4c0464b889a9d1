/**
 * What `assemblyscript/asc` resolves to in the playground's bundles (see `ascFromVendor` in
 * vite-plugin.ts): the compiler downloaded from the static files, so compile-plugin.ts runs
 * unchanged in Node (the package) and in the browser (this).
 */
import { loadAssemblyScript } from './vendor-loader.js';

const asc = await loadAssemblyScript();

export default asc.default;
