/**
 * UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Generated on the device, so a
 * record has its final id before it ever reaches the server and a replayed push is recognisable.
 * Ids sort by creation time, which keeps database indexes append-mostly.
 */

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function uuidv7(now: number = Date.now(), random?: Uint8Array): string {
  const bytes = random ?? globalThis.crypto.getRandomValues(new Uint8Array(16));
  if (bytes.length < 16) throw new RangeError('uuidv7: need 16 random bytes');
  const b = new Uint8Array(bytes.slice(0, 16));
  let ms = Math.floor(now);
  for (let i = 5; i >= 0; i--) {
    b[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x70;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Creation time encoded in a UUIDv7. */
export function uuidv7Time(id: string): number {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}
