import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  hashCanonical,
  normaliseShortHash,
  sha256Hex,
  shortHash,
} from './integrity';

describe('canonicalJson', () => {
  it.each([
    [{ b: 1, a: 2 }, '{"a":2,"b":1}'],
    [{ a: { d: [3, { z: 1, y: 2 }], c: null } }, '{"a":{"c":null,"d":[3,{"y":2,"z":1}]}}'],
    [{ a: undefined, b: '王喆〔〕' }, '{"b":"王喆〔〕"}'],
    [[1.5, -0, 1e21, 'x\n"'], '[1.5,0,1e+21,"x\\n\\""]'],
    [{ é: 1, e: 2, E: 3 }, '{"E":3,"e":2,"é":1}'],
    [true, 'true'],
  ])('%j -> %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('is independent of key insertion order', () => {
    expect(canonicalJson({ x: 1, y: { b: 2, a: 1 } })).toBe(
      canonicalJson({ y: { a: 1, b: 2 }, x: 1 }),
    );
  });

  it.each([[NaN], [Infinity], [() => 1], [BigInt(1)]])('rejects %s', (value) => {
    expect(() => canonicalJson({ v: value })).toThrow(TypeError);
  });

  it('equals the plain reading of RFC 8785 for any JSON value, astral keys included', () => {
    // The specification written the obvious way: keys compared by UTF-16 code units.
    const spec = (v: unknown): string => {
      if (Array.isArray(v)) return `[${v.map(spec).join(',')}]`;
      if (v !== null && typeof v === 'object') {
        const keys = Object.keys(v).sort((a, b) => {
          for (let i = 0; i < Math.min(a.length, b.length); i++) {
            const d = a.charCodeAt(i) - b.charCodeAt(i);
            if (d !== 0) return d;
          }
          return a.length - b.length;
        });
        return `{${keys.map((k) => `${JSON.stringify(k)}:${spec((v as Record<string, unknown>)[k])}`).join(',')}}`;
      }
      return JSON.stringify(Object.is(v, -0) ? 0 : v);
    };
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), (value) => {
        expect(canonicalJson(value)).toBe(spec(value));
      }),
      { numRuns: 500 },
    );
    // Objects of every size either side of the insertion sort's limit, keys in any order.
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ unit: 'binary', maxLength: 4 }), fc.integer(), {
          maxKeys: 60,
          size: 'max',
        }),
        (value) => {
          expect(canonicalJson(value)).toBe(spec(value));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('rejects cycles', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => canonicalJson(a)).toThrow(/cycle/);
  });
});

describe('sha256Hex (WebCrypto) agrees with node:crypto', () => {
  it.each(['', 'abc', '柔性执法〔2026〕第0012号', 'x'.repeat(100_000)])('%#', async (input) => {
    expect(await sha256Hex(input)).toBe(createHash('sha256').update(input, 'utf8').digest('hex'));
  });

  it('hashes bytes', async () => {
    const bytes = new Uint8Array([0, 1, 2, 255]);
    expect(await sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('matches the published vector for "abc"', async () => {
    expect(await sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('hashCanonical hashes the canonical form', async () => {
    expect(await hashCanonical({ b: 1, a: 2 })).toBe(await sha256Hex('{"a":2,"b":1}'));
  });
});

describe('short hash', () => {
  it('prints 12 hex digits in groups', () => {
    expect(shortHash('ba7816bf8f01cfea414140de')).toBe('BA78-16BF-8F01');
  });
  it.each([
    ['ba78 16bf 8f01', 'BA78-16BF-8F01'],
    ['BA78-16BF-8F01', 'BA78-16BF-8F01'],
    ['ＢＡ７８１６ＢＦ８Ｆ０１', 'BA78-16BF-8F01'],
    ['BA78-16BF', ''],
    ['ZZ78-16BF-8F01', ''],
  ])('normalises %s', (input, expected) => {
    expect(normaliseShortHash(input)).toBe(expected);
  });
});
