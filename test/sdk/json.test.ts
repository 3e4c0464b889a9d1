import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { instantiatePlugin, type PluginHarness } from '../support/run-tap.js';
import { compileTestPlugin } from './support.js';

// Echoes its input through the SDK: parse (tap does it), then serialize (tap does it). Extra
// exports exercise the parser's error reporting and the builders.
const ECHO = `
import { JsonValue, tap, tryParseJson, formatNumber } from "../../sdk";
export { alloc, dealloc } from "../../sdk";

export function echo(ptr: i32, len: i32): i64 { return tap(ptr, len, same); }
function same(input: JsonValue): JsonValue { return input; }

// Input: {"text": "..."}; output: the parse error of text, or {"ok": <reserialized>}.
export function parse_text(ptr: i32, len: i32): i64 { return tap(ptr, len, parseText); }
function parseText(input: JsonValue): JsonValue {
  const r = tryParseJson(input.getString("text"));
  const v = r.value;
  if (v === null) return JsonValue.obj().setString("error", r.error).setNumber("line", r.line).setNumber("column", r.column);
  return JsonValue.obj().setString("ok", v.toString());
}

// Input: [numbers]; output: each as formatNumber writes it.
export function formatted(ptr: i32, len: i32): i64 { return tap(ptr, len, formatAll); }
function formatAll(input: JsonValue): JsonValue {
  const out = JsonValue.arr();
  for (let i = 0; i < input.length; i++) out.push(JsonValue.str(formatNumber(input.at(i)!.asNumber())));
  return out;
}

export function built(ptr: i32, len: i32): i64 { return tap(ptr, len, build); }
function build(input: JsonValue): JsonValue {
  const o = JsonValue.obj().setString("b", "x").setNumber("a", 1).setBool("t", true).setNull("n");
  o.set("b", JsonValue.str("replaced"));
  o.set("list", JsonValue.arr().push(JsonValue.num(-2.5)).push(JsonValue.num(1e21)).push(JsonValue.num(NaN)));
  o.setString("lone", String.fromCharCode(0xd800) + "x");
  return o;
}
`;

let plugin: PluginHarness;

beforeAll(async () => {
  plugin = await instantiatePlugin(await compileTestPlugin('json_echo', ECHO));
}, 60_000);

const echo = (text: string): string | null => plugin.callRaw('echo', text);

describe('SDK JSON', () => {
  it.each([
    ['BMP text', '"héllo wörld — ©"'],
    ['astral text (surrogate pairs)', '"emoji 😀 and 𝄞"'],
    ['escaped astral text', '"\\ud83d\\ude00"'],
    ['escapes', '"quote \\" backslash \\\\ slash \\/ \\b\\f\\n\\r\\t \\u0001 \\u001f"'],
    ['nested objects', '{"a":{"b":{"c":[1,{"d":[]},{}]}},"e":null}'],
    ['integers', '[0,1,-1,42,9007199254740991,-9007199254740991]'],
    ['fractions and exponents', '[0.5,-0.25,1e-7,1.5e300,2e-308,1E+2,1e21,123e-2]'],
    ['large numbers', '[1e20,12345678901234567890,1.7976931348623157e308]'],
    ['booleans and null', '[true,false,null]'],
    ['whitespace', ' { "a" : [ 1 , 2 ] ,\n\t"b" : "c" } '],
  ])('round-trips %s like JSON.stringify(JSON.parse(x))', (_, text) => {
    expect(echo(text)).toBe(JSON.stringify(JSON.parse(text)));
  });

  it('formatNumber writes numbers as JSON does: 1, not the 1.0 of f64.toString()', () => {
    expect(plugin.call('formatted', [1, -3, 2.5, 1e21, 0.1])).toEqual(['1', '-3', '2.5', '1e+21', '0.1']);
  });

  it('keeps object keys in insertion order, a repeated key keeping its first place with the last value', () => {
    expect(echo('{"z":1,"a":2,"m":3,"a":4}')).toBe('{"z":1,"a":4,"m":3}');
  });

  it('prints integer-valued numbers without ".0" and non-finite numbers as null', () => {
    expect(plugin.call('built')).toEqual({ b: 'replaced', a: 1, t: true, n: null, list: [-2.5, 1e21, null], lone: '\ud800x' });
    expect(plugin.callRaw('built', null)).toContain('"lone":"\\ud800x"');
  });

  it('round-trips any JSON value (property test)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        const out = echo(text);
        expect(out).not.toBeNull();
        // Numbers are compared by value: both sides print the shortest form, but -0 and
        // float formatting details are not what this checks.
        expect(JSON.parse(out as string)).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('parses and prints every double back to the same value (property test)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        // The printed digits may differ from JS's in the 17th place (AssemblyScript's dtoa is
        // not always the closest shortest form), but they must name the same double.
        expect(JSON.parse(echo(JSON.stringify(x)) as string)).toBe(x === 0 ? 0 : x);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['ties round to even', '9007199254740993'],
    ['just above a tie', '9007199254740993.0000000000000001'],
    ['many digits', '0.' + '3'.repeat(900)],
    ['smallest subnormal', '5e-324'],
    ['below half the smallest subnormal', '2e-324'],
    ['largest double', '1.7976931348623157e308'],
    ['overflow', '1.8e308'],
    ['exponent with leading zeros', '1e0000000000000000005'],
  ])('parses %s like JSON.parse', (_, text) => {
    const expected = JSON.parse(text) as number;
    const out = JSON.parse(`[${echo(`[${text}]`)}]`) as number[][];
    expect(out[0][0]).toBe(Number.isFinite(expected) ? expected : null);
  });

  it('round-trips any string exactly, including lone surrogates and control characters', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(echo(JSON.stringify(s))).toBe(JSON.stringify(s));
      }),
      { numRuns: 300 },
    );
    // Sized by run count; the time a busy two-core machine needs is not the test's business.
  });

  it.each([
    ['{"a" 1}', "expected ':' after the object key \"a\"", 1, 6],
    ['[1,2', "an array is not closed: expected ',' or ']'", 1, 5],
    ['[1 2]', "expected ',' or ']' in an array but found '2'", 1, 4],
    ['{"a":1', "an object is not closed: expected ',' or '}'", 1, 7],
    ['{"a":1 "b":2}', "expected ',' or '}' in an object but found '\"'", 1, 8],
    ['{"a":1,}', 'expected a string key', 1, 8],
    ['"abc', 'a string is not closed', 1, 5],
    ['[1]\n  x', "unexpected 'x' after the JSON value", 2, 3],
    ['"\\x"', "unknown escape '\\x'", 1, 3],
    ['01', "unexpected '1' after the JSON value", 1, 2],
    ['-', 'a number has no digits', 1, 2],
    ['"\\u12G4"', 'four hex digits', 1, 6],
    ['', 'expected a value but found the end of the input', 1, 1],
  ])('reports a clear error for %j', (text, message, line, column) => {
    const result = plugin.call('parse_text', { text }) as { error: string; line: number; column: number };
    expect(result.error).toContain(message);
    expect({ line: result.line, column: result.column }).toEqual({ line, column });
  });

  it('answers input that is not JSON with an {"error"} result naming the position', () => {
    expect(JSON.parse(echo('{"a":') as string)).toEqual({
      error: expect.stringMatching(/not valid JSON \(line 1, column 6\)/),
    });
  });
});
