import { describe, expect, it } from 'vitest';
import { UUID_V7, uuidv7, uuidv7Time } from './uuid';

describe('uuidv7', () => {
  it('encodes the time and the version and variant bits', () => {
    const id = uuidv7(Date.parse('2026-11-27T00:00:00Z'), new Uint8Array(16).fill(0xff));
    expect(id).toMatch(UUID_V7);
    expect(uuidv7Time(id)).toBe(Date.parse('2026-11-27T00:00:00Z'));
    expect(id.slice(14, 15)).toBe('7');
  });

  it('sorts by creation time', () => {
    const a = uuidv7(1_000);
    const b = uuidv7(2_000);
    expect(a < b).toBe(true);
  });

  it('is unique across many calls', () => {
    const ids = new Set(Array.from({ length: 5000 }, () => uuidv7()));
    expect(ids.size).toBe(5000);
  });
});
