/**
 * binaryen's npm build carries its WebAssembly inside its JavaScript: a 13 MB template literal
 * that every load of the compiler parses, decodes into bytes and compiles from scratch (no
 * engine caches code compiled from bytes). For the playground the literal is cut out at build
 * time and served as `binaryen.wasm`: the page compiles it with `WebAssembly.compileStreaming`
 * from its URL, which the browser's compiled-code cache keeps between visits, and hands the
 * module to binaryen through `binaryen-wasm.js` (see vendor-loader.ts).
 */

/** The served file the compiled module is handed over through. */
export const WASM_SLOT_FILE = 'binaryen-wasm.js';
export const WASM_FILE = 'binaryen.wasm';

/**
 * binaryen-wasm.js: the loader calls `provide` with the module it compiled (with progress);
 * binaryen.js awaits `compiled`. One module instance per URL, so both see the same slot.
 */
export const WASM_SLOT_SOURCE = `// Filled by the playground's vendor-loader.ts with binaryen's compiled module.
let provide;
export const compiled = new Promise((resolve, reject) => { provide = (module) => module.then(resolve, reject); });
export function provideModule(module) { provide(module); }
`;

export interface SplitBinaryen {
  /** binaryen.js without the literal, instantiating the module it is handed. */
  js: string;
  /** The module's bytes. */
  wasm: Uint8Array<ArrayBuffer>;
}

/**
 * Splits binaryen's index.js into its JavaScript and its wasm. Throws when the file is not laid
 * out as expected (another binaryen build): the playground must then be updated, not shipped
 * with a compiler that cannot start.
 */
export function splitBinaryen(text: string): SplitBinaryen {
  const open = text.indexOf('`\\0asm');
  if (open < 0) throw new Error('binaryen/index.js has no embedded wasm literal (`\\0asm...`): its build changed; update binaryen-vendor.ts, which vendors the compiler.');
  let close = open + 1;
  while (close < text.length && text[close] !== '`') close += text[close] === '\\' ? 2 : 1;
  if (close >= text.length) throw new Error('binaryen/index.js: the embedded wasm literal does not end.');
  const literal = text.slice(open + 1, close);
  if (/(^|[^\\])\$\{/.test(literal)) throw new Error('binaryen/index.js: the embedded wasm literal has a substitution; update binaryen-vendor.ts, which vendors the compiler.');
  const wasm = literalBytes(literal);
  // The factory runs at import with no options: give it one that instantiates the handed module.
  const factoryCall = /var (\w+)=await (\w+)\(\),(\w+)=\1;export\{\3 as default\};?\s*$/;
  const rest = text.slice(0, open) + '``' + text.slice(close + 1);
  if (!factoryCall.test(rest)) throw new Error("binaryen/index.js does not end with its factory's call (`var X=await F(),Y=X;export{Y as default};`); update binaryen-vendor.ts, which vendors the compiler.");
  const js =
    `import { compiled as __trovatoCompiled } from "./${WASM_SLOT_FILE}";\n` +
    rest.replace(
      factoryCall,
      (_all, value: string, factory: string, alias: string) =>
        `var __trovatoModule=await __trovatoCompiled;` +
        `var ${value}=await ${factory}({instantiateWasm(imports,receive){var instance=new WebAssembly.Instance(__trovatoModule,imports);receive(instance,__trovatoModule);return instance.exports}}),${alias}=${value};export{${alias} as default};\n`,
    );
  return { js, wasm };
}

/** The bytes a template literal of 8-bit characters stands for (binaryen decodes it char by char). */
function literalBytes(literal: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(literal.length);
  let n = 0;
  for (let i = 0; i < literal.length; i++) {
    let code = literal.charCodeAt(i);
    if (code === 0x5c) {
      const next = literal[++i];
      switch (next) {
        case '0': code = 0; break;
        case 'b': code = 8; break;
        case 't': code = 9; break;
        case 'n': code = 10; break;
        case 'v': code = 11; break;
        case 'f': code = 12; break;
        case 'r': code = 13; break;
        case 'x': code = parseInt(literal.slice(i + 1, i + 3), 16); i += 2; break;
        case 'u': {
          const braced = literal[i + 1] === '{';
          const end = braced ? literal.indexOf('}', i) : i + 5;
          code = parseInt(literal.slice(i + (braced ? 2 : 1), end), 16);
          i = braced ? end : end - 1;
          break;
        }
        case '\n': continue; // a line continuation stands for nothing
        default: code = next.charCodeAt(0); // \\ \` \$ \' \"
      }
    }
    if (code > 0xff || Number.isNaN(code)) throw new Error(`binaryen/index.js: the embedded wasm literal holds a character that is not a byte (${code}) at ${i}.`);
    out[n++] = code;
  }
  return out.slice(0, n);
}
