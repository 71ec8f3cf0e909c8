import { describe, expect, it } from 'vitest';
import { base64Of, binaryString } from './bytes';

describe('bytes as text', () => {
  it('keeps every byte, across slice boundaries and past what one call can take', () => {
    const bytes = new Uint8Array(0x8000 * 3 + 17).map((_, i) => (i * 31 + 7) % 256);
    const s = binaryString(bytes);
    expect(s.length).toBe(bytes.length);
    for (const i of [0, 1, 0x7fff, 0x8000, 0x8001, bytes.length - 1])
      expect(s.charCodeAt(i)).toBe(bytes[i]);
    expect(base64Of(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    expect(base64Of(bytes.buffer)).toBe(Buffer.from(bytes).toString('base64'));
    expect(base64Of(new Uint8Array(0))).toBe('');
  });
});
