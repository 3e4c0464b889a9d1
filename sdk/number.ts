/**
 * Decimal text -> f64, correctly rounded (the result JS's JSON.parse gives). AssemblyScript's
 * `parseFloat` is off by powers of ten for some large exponents, so the SDK parses numbers
 * itself: an f64 estimate, then exact big-integer comparisons with the halfway points around
 * it until the nearest double (ties to even) is found.
 */

// More digits than any double needs to be decided; beyond this a sticky digit stands in.
const MAX_DIGITS = 800;

/** Little-endian base-2^32 natural number, just enough for the comparisons below. */
class Big {
  limbs: u32[] = [0];

  static fromDigits(digits: string): Big {
    const b = new Big();
    for (let i = 0; i < digits.length; i++) b.mulAdd(10, <u32>(digits.charCodeAt(i) - 0x30));
    return b;
  }

  static fromU64(v: u64): Big {
    const b = new Big();
    b.limbs[0] = <u32>v;
    if (v >> 32) b.limbs.push(<u32>(v >> 32));
    return b;
  }

  mulAdd(m: u32, add: u32): void {
    let carry: u64 = add;
    for (let i = 0; i < this.limbs.length; i++) {
      const v = <u64>unchecked(this.limbs[i]) * <u64>m + carry;
      unchecked((this.limbs[i] = <u32>v));
      carry = v >> 32;
    }
    if (carry) this.limbs.push(<u32>carry);
  }

  mulPow10(n: i32): void {
    while (n >= 9) {
      this.mulAdd(1000000000, 0);
      n -= 9;
    }
    let m: u32 = 1;
    while (n-- > 0) m *= 10;
    if (m > 1) this.mulAdd(m, 0);
  }

  shl(bits: i32): void {
    const words = bits >>> 5;
    const rest = bits & 31;
    if (rest) {
      let carry: u32 = 0;
      for (let i = 0; i < this.limbs.length; i++) {
        const v = unchecked(this.limbs[i]);
        unchecked((this.limbs[i] = (v << rest) | carry));
        carry = v >>> (32 - rest);
      }
      if (carry) this.limbs.push(carry);
    }
    if (words) {
      const zeros = new Array<u32>(words);
      for (let i = 0; i < words; i++) zeros[i] = 0;
      this.limbs = zeros.concat(this.limbs);
    }
  }

  compare(other: Big): i32 {
    const a = this.limbs;
    const b = other.limbs;
    let na = a.length;
    let nb = b.length;
    while (na > 1 && a[na - 1] == 0) na--;
    while (nb > 1 && b[nb - 1] == 0) nb--;
    if (na != nb) return na < nb ? -1 : 1;
    for (let i = na - 1; i >= 0; i--) {
      const x = unchecked(a[i]);
      const y = unchecked(b[i]);
      if (x != y) return x < y ? -1 : 1;
    }
    return 0;
  }
}

/** Compares digits * 10^exp10 with odd * 2^exp2 exactly: -1, 0 or 1. */
function compareDecimal(digits: string, exp10: i32, odd: u64, exp2: i32): i32 {
  const left = Big.fromDigits(digits);
  const right = Big.fromU64(odd);
  if (exp10 >= 0) left.mulPow10(exp10);
  else right.mulPow10(-exp10);
  if (exp2 >= 0) right.shl(exp2);
  else left.shl(-exp2);
  return left.compare(right);
}

/**
 * Parses JSON number text (already validated by the caller's grammar) to the nearest f64.
 */
export function parseJsonNumber(text: string): f64 {
  let i = 0;
  let negative = false;
  if (text.charCodeAt(0) == 0x2d) {
    negative = true;
    i = 1;
  }
  // Significant digits without leading zeros, and the power of ten they are scaled by.
  let exp10: i32 = 0;
  let intStart = i;
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  let digits = text.substring(intStart, i);
  if (i < text.length && text.charCodeAt(i) == 0x2e) {
    const fracStart = ++i;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    // One concatenation, not Array#join: asc compiles join to repeated concatenation when shrinking.
    digits += text.substring(fracStart, i);
    exp10 -= i - fracStart;
  }
  if (i < text.length && (text.charCodeAt(i) == 0x65 || text.charCodeAt(i) == 0x45)) {
    i++;
    let expNegative = false;
    if (text.charCodeAt(i) == 0x2b) i++;
    else if (text.charCodeAt(i) == 0x2d) {
      expNegative = true;
      i++;
    }
    let e: i32 = 0;
    while (i < text.length) {
      // Saturate: anything this large is 0 or Infinity anyway.
      if (e < 100000) e = e * 10 + (text.charCodeAt(i) - 0x30);
      i++;
    }
    exp10 += expNegative ? -e : e;
  }
  let start = 0;
  while (start < digits.length && digits.charCodeAt(start) == 0x30) start++;
  let end = digits.length;
  while (end > start && digits.charCodeAt(end - 1) == 0x30) {
    end--;
    exp10++;
  }
  digits = digits.substring(start, end);
  if (digits.length == 0) return negative ? -0.0 : 0.0;
  if (digits.length > MAX_DIGITS) {
    exp10 += digits.length - MAX_DIGITS;
    digits = digits.substring(0, MAX_DIGITS) + "1";
    exp10 -= 1;
  }
  const magnitude = digits.length + exp10; // value is in [10^(magnitude-1), 10^magnitude)
  let result: f64;
  if (magnitude > 310) result = Infinity;
  else if (magnitude < -330) result = 0;
  else result = nearest(digits, exp10);
  return negative ? -result : result;
}

function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}

function nearest(digits: string, exp10: i32): f64 {
  // Exact when the digits fit in 2^53 and 10^|exp10| is exact (Clinger's fast path).
  if (digits.length <= 15 && exp10 >= -22 && exp10 <= 22) {
    const w = <f64>I64.parseInt(digits);
    return exp10 >= 0 ? w * Math.pow(10, exp10) : w / Math.pow(10, -exp10);
  }
  let y = estimate(digits, exp10);
  // Walk to the correctly rounded neighbour; the estimate is within a few units in the last place.
  for (let round = 0; round < 2000; round++) {
    if (!isFinite(y)) return y;
    const bits = reinterpret<u64>(y);
    const biased = <i32>(bits >> 52);
    let m: u64 = bits & 0xfffffffffffff;
    let k: i32;
    if (biased == 0) {
      k = -1074;
    } else {
      m |= 1 << 52;
      k = biased - 1075;
    }
    // Above: halfway to the next double is (2m+1) * 2^(k-1).
    const up = compareDecimal(digits, exp10, 2 * m + 1, k - 1);
    if (up > 0 || (up == 0 && (m & 1) == 1)) {
      y = reinterpret<f64>(bits + 1);
      continue;
    }
    if (m == 0) return y;
    // Below: the gap halves under a power of two (except at the subnormal boundary).
    let down: i32;
    if (m == (<u64>1 << 52) && biased > 1) down = compareDecimal(digits, exp10, 4 * m - 1, k - 2);
    else down = compareDecimal(digits, exp10, 2 * m - 1, k - 1);
    if (down < 0 || (down == 0 && (m & 1) == 1)) {
      y = reinterpret<f64>(bits - 1);
      continue;
    }
    return y;
  }
  return y;
}

function estimate(digits: string, exp10: i32): f64 {
  const head = digits.length > 17 ? digits.substring(0, 17) : digits;
  let e = exp10 + (digits.length - head.length);
  let w = <f64>I64.parseInt(head);
  // Scale in steps so neither 10^e nor the product leaves the f64 range on the way.
  while (e > 300) {
    w *= 1e300;
    e -= 300;
  }
  while (e < -300) {
    w /= 1e300;
    e += 300;
  }
  const scaled = e >= 0 ? w * Math.pow(10, e) : w / Math.pow(10, -e);
  // A zero or infinite estimate of a value in range is moved to the smallest/largest double to walk from.
  if (scaled == 0) return reinterpret<f64>(<u64>1);
  if (!isFinite(scaled)) return f64.MAX_VALUE;
  return scaled;
}
