/**
 * How many bytes one `String.fromCharCode` call takes. V8 copies a call's arguments to the stack;
 * above some 8 K of them it takes a slower path (measured in Node 20, 3 MB in slices of 4 K:
 * 17.5 ms; of 8 K: 19.9 ms; of 16 K: 106 ms; of 32 K: 91 ms).
 */
const SLICE = 0x1000;

/**
 * Bytes as a "binary string" (one character per byte, as `btoa` and jsPDF take them), built a
 * slice at a time: one character per step is slow, and a whole large array spread into one call
 * overflows the stack.
 */
export function binaryString(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += SLICE) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + SLICE) as unknown as number[]);
  }
  return out;
}

export function base64Of(bytes: Uint8Array | ArrayBuffer): string {
  return btoa(binaryString(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)));
}
