/**
 * Bytes as a "binary string" (one character per byte, as `btoa` and jsPDF take them), built a
 * slice at a time: one character per step is slow, and a whole large array spread into one call
 * overflows the stack.
 */
export function binaryString(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[]);
  }
  return out;
}

export function base64Of(bytes: Uint8Array | ArrayBuffer): string {
  return btoa(binaryString(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)));
}
