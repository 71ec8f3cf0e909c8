import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Of, binaryString } from './bytes';

describe('bytes as text', () => {
  it('keeps every byte, across slice boundaries and past what one call can take', () => {
    const bytes = new Uint8Array(0x8000 * 3 + 17).map((_, i) => (i * 31 + 7) % 256);
    const s = binaryString(bytes);
    expect(s.length).toBe(bytes.length);
    for (const i of [0, 1, 0xfff, 0x1000, 0x1001, 0x7fff, 0x8000, 0x8001, bytes.length - 1])
      expect(s.charCodeAt(i)).toBe(bytes[i]);
    expect(s).toBe(Buffer.from(bytes).toString('latin1'));
    expect(base64Of(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    expect(base64Of(bytes.buffer)).toBe(Buffer.from(bytes).toString('base64'));
    expect(base64Of(new Uint8Array(0))).toBe('');
  });

  it('is one character per byte, in order, for any bytes and any length around a slice', () => {
    fc.assert(
      fc.property(
        // Lengths from empty to past three slices, with the bytes at the ends of each slice.
        fc.integer({ min: 0, max: 0x3010 }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.integer({ min: 0, max: 255 }),
        (length, pattern, offset) => {
          const bytes = new Uint8Array(length).map(
            (_, i) => ((pattern[i % pattern.length] ?? 0) + offset + (i >> 12)) % 256,
          );
          let expected = '';
          for (const b of bytes) expected += String.fromCharCode(b);
          expect(binaryString(bytes)).toBe(expected);
          // A view into a larger buffer: only the view's bytes.
          const wider = new Uint8Array(length + 8);
          wider.set(bytes, 4);
          expect(binaryString(wider.subarray(4, 4 + length))).toBe(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
