/**
 * The memory exports of ABI §2 and the SDK's private byte helpers.
 *
 * The kernel calls `alloc(len)` before every tap to place the input. Plugins compile with
 * `--runtime stub` (a bump allocator; see docs/writing-plugins.md): each request gets a fresh
 * instance, so nothing needs collecting and instantiation does no allocator set-up at all.
 */

/**
 * ABI §2 `alloc`: a pointer to `size` writable bytes, or 0 when `size` is negative. Running out
 * of memory traps (the kernel reports it as the plugin's memory limit).
 */
export function alloc(size: i32): i32 {
  if (size < 0) return 0;
  // A zero-size request still gets a distinct valid pointer, which keeps callers simple.
  return <i32>heap.alloc(<usize>max(size, 1));
}

/**
 * ABI §2 `dealloc`. The stub runtime only reclaims the most recent block, which is exactly the
 * pattern of an input buffer released right after use.
 */
export function dealloc(ptr: i32, size: i32): void {
  if (ptr != 0) heap.free(<usize>ptr);
}

/** @internal UTF-8 bytes at (ptr, len) as a string. */
export function readUtf8(ptr: usize, len: i32): string {
  if (len <= 0) return "";
  return String.UTF8.decodeUnsafe(ptr, <usize>len);
}

/**
 * @internal A string copied into an unmanaged UTF-8 block, for passing to a host function.
 * Release blocks with `release` in reverse order of creation, so the stub runtime reclaims them.
 */
export class Utf8Block {
  ptr: usize;
  len: i32;
  constructor(s: string) {
    const len = String.UTF8.byteLength(s);
    this.len = len;
    this.ptr = heap.alloc(<usize>max(len, 1));
    // A lone surrogate cannot travel as UTF-8: it becomes U+FFFD (the same byte count).
    String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, this.ptr, false, String.UTF8.ErrorMode.REPLACE);
  }
  release(): void {
    heap.free(this.ptr);
  }
}
