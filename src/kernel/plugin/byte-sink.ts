/**
 * A growable byte buffer with LEB128, for writing wasm: the module rewrite and the fuel meter
 * build sections and function bodies with it.
 */
export class ByteSink {
  #buffer = new Uint8Array(256);
  #length = 0;

  byte(b: number): this {
    this.#reserve(1);
    this.#buffer[this.#length++] = b;
    return this;
  }

  bytes(bytes: Uint8Array): this {
    this.#reserve(bytes.length);
    this.#buffer.set(bytes, this.#length);
    this.#length += bytes.length;
    return this;
  }

  u32(n: number): this {
    return this.uleb(n);
  }

  /** Unsigned LEB128 of a non-negative integer up to 2^53 (memory64 page counts included). */
  uleb(n: number): this {
    let rest = n;
    do {
      const low = rest % 128;
      rest = Math.floor(rest / 128);
      this.byte(rest > 0 ? low | 0x80 : low);
    } while (rest > 0);
    return this;
  }

  /** Signed LEB128 of a 32-bit integer (i32.const immediates). */
  sleb(n: number): this {
    let rest = n | 0;
    for (;;) {
      const low = rest & 0x7f;
      rest >>= 7;
      const done = (rest === 0 && (low & 0x40) === 0) || (rest === -1 && (low & 0x40) !== 0);
      this.byte(done ? low : low | 0x80);
      if (done) return this;
    }
  }

  finish(): Uint8Array {
    return this.#buffer.slice(0, this.#length);
  }

  #reserve(n: number): void {
    if (this.#length + n <= this.#buffer.length) return;
    const next = new Uint8Array(Math.max(this.#buffer.length * 2, this.#length + n));
    next.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = next;
  }
}
