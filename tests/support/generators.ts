/**
 * fast-check generators of what an officer can type into the wizard: parties (valid, mistyped,
 * full-width, lowercase x), every catalog item with its answers, texts from empty to past their
 * limits with CJK, astral characters, emoji, line breaks and the odd control character, deadlines,
 * refusals and absences. Shared by the generative test and its long run.
 */
import fc from 'fast-check';
import type { Catalog, CatalogItem } from '$lib/domain/catalog';
import { LIMITS, type LimitKey } from '$lib/domain/fields';
import { orgCodeCheckChar, residentIdCheckChar, usccCheckChar } from '$lib/domain/party';
import { newDraft, type Draft } from '$lib/domain/record-builder';
import type { OfficerRef } from '$lib/domain/record';
import { addDays, shanghaiDate, shanghaiIso } from '$lib/domain/time';
import { uuidv7 } from '$lib/domain/uuid';

const PALETTES = [
  '执法人员发现当事人在人行道上摆摊',
  'abc XYZ 0123',
  '李堃𠮷😀欧阳',
  '，。（）、 商铺',
];
const ODD = ['\u0000', '\u202e', '\u0007', '\ufeff', '\ud800', '\n', '\t', '   ', '\u2028'];

/** Text of about `size` UTF-16 units made of whole code points (an emoji is two units). */
function textOf(size: number, palette: string): string {
  const points = [...palette];
  let s = '';
  for (let i = 0; s.length < size; i++) {
    const cp = points[i % points.length] ?? 'x';
    if (s.length + cp.length > size) break;
    s += cp;
  }
  return s;
}

/** A text for a field with a limit: mostly short, often at the limit, sometimes past it. */
export function text(limit: LimitKey | number): fc.Arbitrary<string> {
  const max = typeof limit === 'number' ? limit : LIMITS[limit];
  return fc
    .record({
      size: fc.oneof(
        { weight: 60, arbitrary: fc.integer({ min: 1, max: Math.min(24, max) }) },
        { weight: 8, arbitrary: fc.integer({ min: Math.max(1, max - 2), max }) },
        { weight: 2, arbitrary: fc.integer({ min: max + 1, max: max + 3 }) },
        { weight: 1, arbitrary: fc.constant(max * 2 + 7) },
        { weight: 1, arbitrary: fc.constant(0) },
      ),
      palette: fc.constantFrom(...PALETTES),
      odd: fc.oneof(
        { weight: 60, arbitrary: fc.constant('') },
        { weight: 1, arbitrary: fc.constantFrom(...ODD) },
      ),
      at: fc.nat(),
      pad: fc.oneof(
        { weight: 9, arbitrary: fc.constant('') },
        { weight: 1, arbitrary: fc.constant('  ') },
      ),
    })
    .map(({ size, palette, odd, at, pad }) => {
      const s = textOf(size, palette);
      const i = at % (s.length + 1);
      return pad + s.slice(0, i) + odd + s.slice(i) + pad;
    });
}

const PROVINCE = fc.constantFrom('11', '31', '34', '44', '51', '65');

/** A resident ID as people type it: right, with a wrong check digit, full-width, too short. */
export const residentId: fc.Arbitrary<string> = fc
  .record({
    province: PROVINCE,
    rest: fc.integer({ min: 0, max: 9999 }),
    year: fc.integer({ min: 1940, max: 2005 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    seq: fc.integer({ min: 0, max: 999 }),
    how: fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom('ok', 'lower', 'fullwidth', 'spaced') },
      { weight: 1, arbitrary: fc.constantFrom('badCheck', 'short') },
    ),
  })
  .map(({ province, rest, year, month, day, seq, how }) => {
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    const first17 = `${province}${pad(rest, 4)}${year}${pad(month, 2)}${pad(day, 2)}${pad(seq, 3)}`;
    const check = residentIdCheckChar(first17);
    const id = first17 + check;
    switch (how) {
      case 'lower':
        return id.toLowerCase();
      case 'fullwidth':
        return [...id].map((c) => String.fromCodePoint((c.codePointAt(0) ?? 48) + 0xfee0)).join('');
      case 'spaced':
        return `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`;
      case 'badCheck':
        return first17 + (check === '0' ? '1' : '0');
      case 'short':
        return id.slice(0, 15);
      default:
        return id;
    }
  });

export const mobile: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .integer({ min: 0, max: 99_999_999 })
      .map((n) => `138${String(n).padStart(8, '0')}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('+86 139 0000 1111', '12345', '1380013800a') },
);

const USCC = '0123456789ABCDEFGHJKLMNPQRTUWXY';
export const uscc: fc.Arbitrary<string> = fc
  .record({
    org: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 8, maxLength: 8 }),
    wrong: fc.oneof(
      { weight: 12, arbitrary: fc.constant(false) },
      { weight: 1, arbitrary: fc.constant(true) },
    ),
  })
  .map(({ org, wrong }) => {
    // A company (91) registered in Lu'an's Jin'an district, with its organisation code.
    const code = org.map((i) => USCC[i]).join('');
    const first17 = `91341502${code}${orgCodeCheckChar(code)}`;
    const check = usccCheckChar(first17);
    return first17 + (wrong ? (check === '0' ? '1' : '0') : check);
  });

export const plate: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('皖A12345', '皖AD12345', '皖N8K2Q7', '皖a12345') },
  { weight: 1, arbitrary: fc.constantFrom('京A1234I', '沪12345') },
);

const optional = <T>(a: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 2, arbitrary: a }, { weight: 1, arbitrary: fc.constant(undefined) });

export const party: fc.Arbitrary<Draft['party']> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('person' as const),
      name: text('personName'),
      idNumber: optional(residentId),
      mobile: optional(mobile),
      address: optional(text('address')),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('business' as const),
      name: text('businessName'),
      uscc: optional(uscc),
      operatorName: optional(text('personName')),
      operatorIdNumber: optional(residentId),
      mobile: optional(mobile),
      address: text('address'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('vehicle' as const),
      plate,
      driverName: optional(text('personName')),
      driverIdNumber: optional(residentId),
      mobile: optional(mobile),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('unknown' as const),
      description: text('partyDescription'),
    }),
  },
);

/** Answers an officer can give to an item's checklist. */
function answers(item: CatalogItem, today: string): fc.Arbitrary<Draft['answers']> {
  const conditions: Record<string, fc.Arbitrary<boolean | number>> = {};
  for (const c of item.conditions) {
    if (c.kind === 'fact')
      conditions[c.id] = fc.oneof(
        { weight: 5, arbitrary: fc.constant(c.expected) },
        { weight: 1, arbitrary: fc.boolean() },
      );
    if (c.kind === 'threshold')
      conditions[c.id] = fc.oneof(
        { weight: 8, arbitrary: fc.double({ min: 0, max: c.limit * 2, noNaN: true }) },
        { weight: 1, arbitrary: fc.constant(c.limit) },
        { weight: 1, arbitrary: fc.constantFrom(-1, 2e9) },
      );
  }
  const exclusions: Record<string, fc.Arbitrary<boolean>> = {};
  for (const e of item.exclusions)
    exclusions[e.id] = fc.oneof(
      { weight: 7, arbitrary: fc.constant(false) },
      { weight: 1, arbitrary: fc.constant(true) },
    );
  const modes: fc.Arbitrary<Draft['answers']['correction']>[] = [fc.constant(undefined)];
  if (item.correction.onTheSpot)
    modes.push(
      fc.record({
        mode: fc.constant('onTheSpot' as const),
        corrected: fc.oneof(
          { weight: 6, arbitrary: fc.constant(true) },
          { weight: 1, arbitrary: fc.constant(false) },
        ),
      }),
      fc.record({ mode: fc.constant('onTheSpot' as const), corrected: fc.constant(true) }),
    );
  const max = item.correction.deadline?.maxDays;
  if (max !== undefined)
    modes.push(
      fc.record({
        mode: fc.constant('deadline' as const),
        setOn: fc.constant(today),
        deadline: fc.oneof(
          {
            weight: 12,
            arbitrary: fc.integer({ min: 0, max: max + 2 }).map((d) => addDays(today, d)),
          },
          { weight: 1, arbitrary: fc.constantFrom(addDays(today, -1), '2026-02-31') },
        ),
      }),
    );
  return fc.record(
    {
      conditions: fc.record(conditions),
      exclusions: fc.record(exclusions),
      correction: fc.oneof(...modes),
      commitmentSigned: optional(fc.boolean()),
      noFaultEvidence: fc.oneof(
        { weight: 9, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.boolean() },
      ),
      discretion: fc.oneof(
        { weight: 8, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom('exempt' as const, 'decline' as const) },
      ),
      discretionReason: optional(text('discretionReason')),
      noFaultEvidenceNote: optional(text('noFaultEvidence')),
    },
    { requiredKeys: ['conditions', 'exclusions'] },
  );
}

export type Pool = { photos: string[]; signatures: string[] };

/** A whole draft as the wizard leaves it, for an item of `catalog`. */
export function draft(
  catalog: Catalog,
  options: { pool: Pool; officer: string; second: OfficerRef; now: Date },
): fc.Arbitrary<Draft> {
  const { pool, now } = options;
  const today = shanghaiDate(now);
  const at = shanghaiIso(now);
  const signature = (name: fc.Arbitrary<string>) =>
    fc.record({
      sha256: fc.constantFrom(...pool.signatures),
      signerName: name,
      signedAt: fc.constant(at),
    });
  return fc
    .constantFrom(...catalog.items)
    .chain((item) =>
      fc.record({
        item: fc.oneof(
          { weight: 40, arbitrary: fc.constant(item.code) },
          { weight: 1, arbitrary: fc.constant(null) },
        ),
        party,
        address: text('address'),
        gps: fc.oneof(
          {
            weight: 6,
            arbitrary: fc.record({
              lat: fc.double({ min: 31.6, max: 31.9, noNaN: true }),
              lng: fc.double({ min: 116.3, max: 116.7, noNaN: true }),
              accuracyM: fc.integer({ min: 1, max: 60 }),
            }),
          },
          { weight: 3, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: fc.constant({ lat: 91, lng: 116.5, accuracyM: 5 }) },
        ),
        source: fc.constantFrom<Draft['source']>('patrol', 'complaint', 'hotline12319', 'camera'),
        facts: text('facts'),
        answers: answers(item, today),
        methods: fc.subarray(['persuasion', 'guidance', 'publicity'] as const),
        content: text('educationContent'),
        law: text('lawExplained'),
        statement: optional(text('partyStatement')),
        before: fc.oneof(
          { weight: 9, arbitrary: fc.constantFrom(...pool.photos) },
          { weight: 1, arbitrary: fc.constant(null) },
        ),
        after: fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...pool.photos) },
          { weight: 1, arbitrary: fc.constant(null) },
        ),
        note: optional(text('evidenceNote')),
        second: fc.oneof(
          { weight: 19, arbitrary: fc.constant(options.second) },
          { weight: 1, arbitrary: fc.constant(null) },
        ),
        partySig: fc.oneof(
          {
            weight: 7,
            arbitrary: signature(text('signerName')).map((s) => ({
              kind: 'signed' as const,
              signature: s,
            })),
          },
          {
            weight: 2,
            arbitrary: fc.record({
              kind: fc.constant('refused' as const),
              reason: text('refusalReason'),
              witness: fc.record({
                name: text('witnessName'),
                role: text('witnessRole'),
                signature: signature(text('witnessName')),
              }),
            }),
          },
          {
            weight: 1,
            arbitrary: fc.record({
              kind: fc.constant('absent' as const),
              reason: text('absentReason'),
            }),
          },
          { weight: 1, arbitrary: fc.constant(null) },
        ),
        officerSigs: fc.tuple(
          signature(fc.constant('张伟')),
          signature(fc.constant(options.second.name)),
        ),
        unsigned: fc.oneof(
          { weight: 19, arbitrary: fc.constant(false) },
          { weight: 1, arbitrary: fc.constant(true) },
        ),
        procedure: fc.oneof(
          {
            weight: 17,
            arbitrary: fc.record({
              certificatesShown: fc.constant(true),
              recusalNotified: fc.constant(true),
              recorder: fc.constantFrom<0 | 1>(0, 1),
              leftAt: fc.record({
                kind: fc.constantFrom<'residence' | 'premises'>('residence', 'premises'),
                address: fc.oneof(
                  { weight: 9, arbitrary: text('address') },
                  { weight: 1, arbitrary: fc.constant('') },
                ),
              }),
            }),
          },
          {
            weight: 2,
            arbitrary: fc.record({
              certificatesShown: fc.boolean(),
              recusalNotified: fc.boolean(),
              recorder: fc.constantFrom<0 | 1>(0, 1),
            }),
          },
          { weight: 1, arbitrary: fc.constant(undefined) },
        ),
      }),
    )
    .map((g) => {
      const d = newDraft(catalog, uuidv7(now.getTime()), now);
      d.itemCode = g.item;
      d.party = g.party;
      d.place = { address: g.address, source: g.gps ? 'gps' : 'manual', ...(g.gps ?? {}) };
      d.source = g.source;
      d.facts = g.facts;
      d.answers = g.answers;
      d.education = {
        methods: [...g.methods],
        content: g.content,
        lawExplained: g.law,
        ...(g.statement !== undefined ? { partyStatement: g.statement } : {}),
      };
      const photo = (sha256: string, kind: 'before' | 'after') => ({
        sha256,
        kind,
        mime: 'image/png' as const,
        bytes: 70,
        width: 1,
        height: 1,
        takenAt: at,
        capturedBy: options.officer,
        ...(g.note !== undefined ? { note: g.note } : {}),
      });
      d.evidence = [
        ...(g.before ? [photo(g.before, 'before')] : []),
        ...(g.after && g.after !== g.before ? [photo(g.after, 'after')] : []),
      ];
      d.secondOfficer = g.second;
      if (g.procedure) d.procedure = g.procedure;
      d.signatures = {
        party: g.partySig,
        officers: g.unsigned ? [g.officerSigs[0], null] : [g.officerSigs[0], g.officerSigs[1]],
      };
      return d;
    });
}

/** What an officer may change when amending a locked version. */
export type Amendment = 'note' | 'facts' | 'factsSigned' | 'photo' | 'dropPhoto' | 'longStatement';
export const amendment: fc.Arbitrary<Amendment> = fc.constantFrom(
  'note',
  'facts',
  'factsSigned',
  'photo',
  'dropPhoto',
  'longStatement',
);
