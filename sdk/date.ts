/**
 * Dates for display. Item times are Unix seconds (ABI §5); plugins have no locale, so dates are
 * shown in ISO form, which every reader can parse.
 */

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
  return y.toString() + "-" + pad2(m) + "-" + pad2(d);
}

function pad2(n: i64): string {
  return n < 10 ? "0" + n.toString() : n.toString();
}
