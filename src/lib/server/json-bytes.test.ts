import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonBytes, parseSplit, SPLIT_BYTES, type SplitTuning } from './json-bytes';

/** What the server did before, and what `parseJsonBytes` must equal. */
function reference(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) };
  } catch {
    return { ok: false };
  }
}

function ours(
  bytes: Uint8Array,
  tuning?: SplitTuning,
): { ok: true; value: unknown } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: parseJsonBytes(bytes, 'records', tuning) };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Deep equality that also tells -0 from 0, key order, and an own "__proto__" from a prototype. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return Object.is(a, b);
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((x, i) => same(x, other[i]));
  }
  const ka = Reflect.ownKeys(a);
  const kb = Reflect.ownKeys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) =>
    same((a as Record<PropertyKey, unknown>)[k], (b as Record<PropertyKey, unknown>)[k]),
  );
}

function agrees(bytes: Uint8Array, tuning?: SplitTuning): void {
  const want = reference(bytes);
  const got = ours(bytes, tuning);
  if (!want.ok) {
    expect(got.ok, 'accepted what JSON.parse refuses').toBe(false);
    return;
  }
  if (!got.ok) throw new Error(`refused what JSON.parse accepts: ${String(got.error)}`);
  expect(same(got.value, want.value), 'a different value from JSON.parse').toBe(true);
}

const encode = (s: string) => new TextEncoder().encode(s);
const SPACE = fc.constantFrom('', '', '', ' ', '\n', '\t', '\r\n  ');
/** Split everything, in groups of any size. */
const TUNING = fc.nat({ max: 96 }).map((groupBytes) => ({ minBytes: 0, groupBytes }));

/** Text that is hard on the cuts: the separators and the key itself, quotes, escapes. */
const TRICKY = fc
  .array(
    fc.constantFrom(
      '},{',
      '"records":[',
      '"records',
      ']}',
      '"',
      '\\',
      '\\"',
      '王喆',
      'a',
      '\uFEFF',
      '\u2028',
      '\u{1F600}',
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(''));

/** JSON text of any value, with random whitespace between tokens and keys JSON.parse treats
 * specially (repeated, "__proto__", integer-like, the split key). */
function jsonText(): fc.Arbitrary<string> {
  const { text } = fc.letrec<{ text: string }>((tie) => ({
    text: fc.oneof(
      { maxDepth: 3, withCrossShrink: true },
      fc.oneof(
        fc.constantFrom('true', 'false', 'null', '-0', '0', '1e5', '-1.25E-3'),
        fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
        fc.string({ unit: 'binary' }).map((s) => JSON.stringify(s)),
        TRICKY.map((s) => JSON.stringify(s)),
      ),
      fc
        .array(fc.tuple(SPACE, tie('text'), SPACE), { maxLength: 4 })
        .chain((items) =>
          SPACE.map((inner) =>
            items.length ? `[${items.map(([a, v, b]) => a + v + b).join(',')}]` : `[${inner}]`,
          ),
        ),
      object(tie('text')),
    ),
  }));
  return text;
}

function object(value: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .array(
      fc.tuple(
        fc.oneof(
          fc.string(),
          TRICKY,
          fc.constantFrom('__proto__', 'records', 'records', 'a', '0', '10', 'constructor'),
        ),
        SPACE,
        value,
        SPACE,
      ),
      { maxLength: 4 },
    )
    .chain((entries) =>
      SPACE.map((inner) =>
        entries.length
          ? `{${entries.map(([k, a, v, b]) => `${a}${JSON.stringify(k)}${b}:${a}${v}${b}`).join(',')}}`
          : `{${inner}}`,
      ),
    );
}

/** A body of the push's shape: some members, then "records": an array of objects. */
function pushLike(): fc.Arbitrary<string> {
  const element = fc.oneof(
    { weight: 4, arbitrary: object(jsonText()) },
    { weight: 1, arbitrary: jsonText() },
  );
  return fc
    .tuple(
      fc.array(fc.tuple(fc.oneof(fc.string(), TRICKY, fc.constant('records')), jsonText()), {
        maxLength: 3,
      }),
      // mostly the key split at; sometimes one that ends like it
      fc.constantFrom('records', 'records', 'records', 'x"records', '\\"records'),
      fc.array(element, { maxLength: 12 }),
      fc.constantFrom(',', ', ', ' ,\n'),
      SPACE,
    )
    .map(([members, key, elements, comma, space]) => {
      const head = members.map(([k, v]) => `${JSON.stringify(k)}:${v},`).join('');
      return `{${head}${JSON.stringify(key)}:[${space}${elements.join(comma)}${space}]}`;
    });
}

/** A byte-level corruption: each is something a broken client or a cut connection could send. */
const edit = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('replace', 'insert', 'delete', 'truncate', 'byte-order mark'),
  byte: fc.constantFrom(
    0x22,
    0x5c,
    0x2c,
    0x3a,
    0x7b,
    0x7d,
    0x5b,
    0x5d,
    0x20,
    0x0a,
    0x00,
    0x31,
    0x2d,
    0x74,
    0x80,
    0xbf,
    0xc0,
    0xe4,
    0xed,
    0xef,
    0xbb,
    0xf0,
    0xff,
  ),
});

type Edit = { at: number; kind: string; byte: number };

function corrupt(bytes: Uint8Array, edits: Edit[]): Uint8Array {
  let out = Array.from(bytes);
  for (const e of edits) {
    const at = out.length ? e.at % (out.length + 1) : 0;
    if (e.kind === 'replace' && at < out.length) out[at] = e.byte;
    else if (e.kind === 'insert') out.splice(at, 0, e.byte);
    else if (e.kind === 'delete') out.splice(at, 1);
    else if (e.kind === 'truncate') out = out.slice(0, at);
    else if (e.kind === 'byte-order mark') out.splice(at, 0, 0xef, 0xbb, 0xbf);
  }
  return new Uint8Array(out);
}

/** A push body as the phone sends it (JSON.stringify of the envelope). */
function phoneBody(
  count: number,
  facts = (i: number) => `当事人在人行道上摆摊销售水果，编号${i}。`,
) {
  const records = Array.from({ length: count }, (_, i) => ({
    id: `rec-${i}`,
    party: { name: '王喆', address: '六安市金安区佛子岭路18号' },
    facts: facts(i).repeat(4),
    photos: Array.from({ length: 3 }, (_, j) => ({ sha256: String(j).repeat(64) })),
  }));
  return encode(JSON.stringify({ deviceId: '0190a0b0-0000-7000-8000-000000000001', records }));
}

describe('parseJsonBytes', () => {
  it('equals JSON.parse of the decoded text for any body of the push shape, in any groups', () => {
    fc.assert(
      fc.property(pushLike(), TUNING, (text, tuning) => {
        agrees(encode(text), tuning);
      }),
      { numRuns: 3000 },
    );
  });

  it('equals JSON.parse for any other JSON document', () => {
    fc.assert(
      fc.property(jsonText(), TUNING, (text, tuning) => {
        agrees(encode(text), tuning);
      }),
      { numRuns: 1500 },
    );
  });

  it('refuses exactly what JSON.parse refuses, for any corruption of a body', () => {
    fc.assert(
      fc.property(
        pushLike(),
        fc.array(edit, { minLength: 1, maxLength: 3 }),
        TUNING,
        (text, edits, tuning) => {
          agrees(corrupt(encode(text), edits), tuning);
        },
      ),
      { numRuns: 4000 },
    );
  });

  it('splits a body as the phone sends it, whatever its fields and records hold', () => {
    const records = fc.array(fc.jsonValue(), { minLength: 1, maxLength: 20 });
    const field = fc.string({ unit: fc.constantFrom('"', '\\', '"records":[', 'a', '王') });
    fc.assert(
      fc.property(field, records, TUNING, (deviceId, values, tuning) => {
        const body = JSON.stringify({ deviceId, records: values.map((v) => ({ v })) });
        // no value holds a nested object that begins with "v" right after another object
        fc.pre(body.split('},{"v":').length === values.length);
        const bytes = encode(body);
        const split = parseSplit(bytes, 'records', tuning);
        expect(split, 'parsed whole instead of split').not.toBeUndefined();
        expect(same(split, JSON.parse(body))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['a leading byte-order mark, which the decoder drops', '\uFEFF{"a":1,"records":[{},{}]}', true],
    ['a byte-order mark after whitespace', ' \uFEFF{"records":[{},{}]}', false],
    ['a byte-order mark before an element', '{"records":[\uFEFF{},{}]}', false],
    ['a byte-order mark after a cut', '{"records":[{},\uFEFF{}]}', false],
    ['two leading byte-order marks', '\uFEFF\uFEFF{"records":[{},{}]}', false],
    [
      'the key repeated (the last wins, in the first place)',
      '{"records":[1],"a":2,"records":[{},{}]}',
      true,
    ],
    ['the key inside a string of the head', '{"a":"\\"records\\":[","records":[{},{}]}', true],
    ['the key as the end of a longer key', '{"records":[],"x\\"records":[{"a":1},{"b":2}]}', true],
    ['only a longer key that ends like it', '{"x\\"records":[{"a":1},{"b":2}]}', true],
    ['"},{" inside a string', '{"records":[{"a":"},{"},{"b":"},{"}]}', true],
    ['the cut inside a string', '{"records":[{"a":"},{\\"a\\":"},{"a":"},{\\"a\\":"}]}', true],
    ['the cut between nested objects', '{"records":[{"a":[{"a":1},{"a":2}]},{"a":3}]}', true],
    ['elements that begin differently', '{"records":[{"a":1},{"b":2},{"a":3}]}', true],
    ['an own "__proto__" key', '{"__proto__":{"x":1},"records":[{},{}]}', true],
    ['a trailing comma in the array', '{"records":[{},{},]}', false],
    ['two commas', '{"records":[{},,{}]}', false],
    ['a missing comma', '{"records":[{}{}]}', false],
    ['an empty array', '{"records":[]}', true],
    ['whitespace only in the array', '{"records":[ \n ]}', true],
    ['mismatched brackets', '{"records":[{},{]}', false],
    ['the array not last', '{"records":[{},{}],"a":1}', true],
    ['the array nested', '{"a":{"records":[{},{}]}}', true],
    ['text after the body', '{"records":[{},{}]} x', false],
    ['an empty body', '', false],
    ['a bare string', '"王喆"', true],
  ])('%s', (_, text, valid) => {
    for (const groupBytes of [0, 1, 3, 1 << 20]) {
      const tuning = { minBytes: 0, groupBytes };
      agrees(encode(text), tuning);
      expect(ours(encode(text), tuning).ok).toBe(valid);
    }
  });

  it('refuses invalid UTF-8 in the head, an element and at a cut', () => {
    const cases = [
      [...encode('{"a":"'), 0xc0, 0xaf, ...encode('","records":[{},{}]}')], // overlong, head
      [...encode('{"records":[{"'), 0xed, 0xa0, 0x80, ...encode('":1},{}]}')], // surrogate
      [...encode('{"records":[{},'), 0xa0, ...encode('{}]}')], // a stray byte at a cut
      [...encode('{"records":[{"a":"'), 0xe4, 0xb8, ...encode('"},{}]}')], // a cut character
    ];
    for (const c of cases) {
      for (const groupBytes of [0, 1, 1 << 20]) {
        expect(ours(new Uint8Array(c), { minBytes: 0, groupBytes }).ok).toBe(false);
      }
    }
  });

  it('splits a 300-record push body at the real sizes, and refuses it cut short anywhere', () => {
    const bytes = phoneBody(300);
    expect(bytes.length).toBeGreaterThan(SPLIT_BYTES * 3);
    const split = parseSplit(bytes, 'records', { minBytes: SPLIT_BYTES, groupBytes: SPLIT_BYTES });
    expect(split, 'parsed whole instead of split').not.toBeUndefined();
    expect(same(split, JSON.parse(new TextDecoder().decode(bytes)))).toBe(true);
    agrees(bytes);
    for (const at of [1, SPLIT_BYTES, bytes.length - 2, bytes.length - 1]) {
      expect(ours(bytes.subarray(0, at)).ok).toBe(false);
    }
  });

  it('splits a body whose records hold the cut in their text', () => {
    const bytes = phoneBody(300, (i) => `第${i}条},{"id":"rec-x"}`);
    expect(bytes.length).toBeGreaterThan(SPLIT_BYTES * 3);
    expect(parseSplit(bytes, 'records', { minBytes: 0, groupBytes: 100 })).not.toBeUndefined();
    agrees(bytes);
  });

  it('parses whole, the same, a body whose records nest objects that begin like them', () => {
    const records = Array.from({ length: 300 }, (_, i) => ({
      id: `rec-${i}`,
      facts: '当事人在人行道上摆摊销售水果。'.repeat(8),
      history: [{ id: `a-${i}` }, { id: `b-${i}` }],
    }));
    const bytes = encode(JSON.stringify({ deviceId: 'd', records }));
    expect(bytes.length).toBeGreaterThan(SPLIT_BYTES * 3);
    expect(parseSplit(bytes, 'records', { minBytes: 0, groupBytes: 100 })).toBeUndefined();
    agrees(bytes);
  });
});
