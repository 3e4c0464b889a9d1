/**
 * A call's input as UTF-8, written into a buffer that lives as long as the kernel: one per
 * nesting level, since a handler's host call can dispatch again while the outer input is still
 * being handed to the next handlers. `TextEncoder.encode` makes a new buffer each time (in Node
 * 20 about 1.3 µs for a 100-byte input, most of a warm JSON call); `encodeInto` an existing one
 * costs about a tenth of that.
 */
const utf8 = new TextEncoder();

/** A buffer is never kept larger than this between calls; a bigger input gets one for itself. */
const KEPT_BYTES = 1 << 20;

export class InputEncoder {
  readonly #buffers: Uint8Array[] = [];
  readonly #views: Array<Uint8Array | undefined> = [];
  #depth = 0;

  /**
   * `value` as UTF-8 JSON (null for no input: undefined or null), valid until the matching
   * `release()`. Every `encode` and `encodeText` must be paired with one `release`.
   */
  encode(value: unknown): Uint8Array | null {
    return this.encodeText(value === undefined || value === null ? null : JSON.stringify(value));
  }

  /** `text` as UTF-8 (null for no input); see encode. */
  encodeText(text: string | null | undefined): Uint8Array | null {
    const level = this.#depth++;
    if (text === null || text === undefined || text.length === 0) return null;
    // UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units).
    const most = text.length * 3;
    let buffer = this.#buffers[level];
    if (buffer === undefined || buffer.length < most) {
      buffer = new Uint8Array(Math.max(most, 1024));
      if (buffer.length <= KEPT_BYTES) {
        this.#buffers[level] = buffer;
        // The kept view was of the buffer this one replaces.
        this.#views[level] = undefined;
      }
    }
    const { written } = utf8.encodeInto(text, buffer);
    // The same length in the kept buffer is the same view: keep it rather than make another.
    // (Views are kept only of the kept buffer, so asking for that is enough; reading `.buffer`
    // of both views to compare them cost more than the rest of this check.)
    const kept = buffer === this.#buffers[level];
    const last = this.#views[level];
    if (kept && last !== undefined && last.length === written) return last;
    const view = buffer.subarray(0, written);
    if (kept) this.#views[level] = view;
    return view;
  }

  /** Ends the innermost encode: its buffer may be written again. */
  release(): void {
    this.#depth--;
  }
}
