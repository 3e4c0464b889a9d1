/** SHA-256 of plugin bytes as lowercase hex (recipes' integrity, exports' file list, the rewrite cache's keys). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // A copy in a plain ArrayBuffer: subtle.digest refuses views over SharedArrayBuffer.
  const digest = await crypto.subtle.digest('SHA-256', bytes.slice().buffer as ArrayBuffer);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
