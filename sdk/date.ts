/**
 * Dates for display. Item times are Unix seconds (ABI §5); plugins have no locale, so dates are
 * shown in ISO form, which every reader can parse.
 */
import { StringBuilder } from "./json";

/** `YYYY-MM-DD` (UTC) of Unix time `seconds`. */
export function isoDate(seconds: i64): string {
  // Days to civil date, after Howard Hinnant's `civil_from_days` (exact for every i64 day count we meet).
  let days = seconds / 86400;
  if (seconds % 86400 < 0) days--;
  const z = days + 719468;
  const era = (z >= 0 ? z : z - 146096) / 146097;
  const doe = z - era * 146097;
  const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const mp = (5 * doy + 2) / 153;
  const d = doy - (153 * mp + 2) / 5 + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  // Written in place: a list page formats a date per entry, and concatenation allocates per step.
  const out = new StringBuilder(10);
  out.appendInt(y);
  out.appendCode(0x2d);
  pad2(out, m);
  out.appendCode(0x2d);
  pad2(out, d);
  return out.finish();
}

function pad2(out: StringBuilder, n: i64): void {
  if (n < 10) out.appendCode(0x30);
  out.appendInt(n);
}

/**
 * The request's time in Unix seconds. It is fixed for the whole request: every call in one
 * request gets the same value (the kernel answers `Date.now()` with the request's time).
 */
export function now(): i64 {
  return Date.now() / 1000;
}

/** The request's time in Unix milliseconds (fixed for the whole request, like `now`). */
export function nowMs(): i64 {
  return Date.now();
}
