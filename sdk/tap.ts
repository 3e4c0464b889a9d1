/**
 * Declaring taps and route callbacks (ABI §3). A tap export is one line that hands its raw
 * `(ptr, len)` to `tap` together with a function from JSON to JSON:
 *
 * @example
 * export function tap_perm(ptr: i32, len: i32): i64 { return tap(ptr, len, perm); }
 * function perm(input: JsonValue): JsonValue | null { ... }
 */
import { JsonValue, tryParseJson } from "./json";
import { readUtf8, Utf8Block } from "./memory";

/** What a tap or route callback implements: JSON in, JSON out (`null` for "no result"). */
export type TapHandler = (input: JsonValue) => JsonValue | null;

/**
 * Runs `handler` on the tap input at (ptr, len) and returns the packed result
 * `(out_ptr << 32) | out_len`. An empty input (ptr 0, len 0) reaches the handler as JSON null;
 * a `null` result returns 0. Input that is not JSON returns an `{"error": ...}` result.
 */
export function tap(ptr: i32, len: i32, handler: TapHandler): i64 {
  let input = JsonValue.nil();
  if (len > 0) {
    const parsed = tryParseJson(readUtf8(<usize>ptr, len));
    const value = parsed.value;
    if (value === null) {
      return output(
        tapError(
          "The tap input is not valid JSON (line " + parsed.line.toString() + ", column " +
            parsed.column.toString() + "): " + parsed.error,
        ),
      );
    }
    input = value;
  }
  const result = handler(input);
  return result === null ? 0 : output(result);
}

/**
 * The error result of ABI §3 step 4: return it from a handler to report `message` as this
 * plugin's error (the kernel names the plugin and tap).
 *
 * @example
 * if (title.length == 0) return tapError("A post needs a title.");
 */
export function tapError(message: string): JsonValue {
  return JsonValue.obj().setString("error", message);
}

/**
 * Writes `value` as UTF-8 JSON into memory the plugin owns and packs the pointer and length.
 * The block is never released: the instance lives for one request.
 */
function output(value: JsonValue): i64 {
  const block = new Utf8Block(value.toString());
  return (<i64>block.ptr << 32) | <i64>(<u32>block.len);
}
