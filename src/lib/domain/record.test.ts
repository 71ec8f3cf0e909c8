import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  catalogItem,
  lockedRecord,
  prior,
  recordContent,
  testCatalog,
} from '../../../tests/support/factories';
import { canonicalJson, sha256Hex } from './integrity';
import {
  amendmentOf,
  catalogIssues,
  checkContent,
  consistencyIssues,
  lockedRecordSchema,
  lockedRecordText,
  lockRecord,
  RecordIncompleteError,
  recordCanonicalContent,
  recordContentHash,
  requiredDocuments,
  verifyRecordHash,
  type LockedRecord,
  type RecordContent,
} from './record';

describe('locked record schema', () => {
  it('accepts a factory record', async () => {
    const r = await lockedRecord();
    expect(lockedRecordSchema.safeParse(r).success).toBe(true);
  });

  const mutations: [string, (r: Record<string, unknown>) => void][] = [
    ['a non-v7 id', (r) => (r.id = '00000000-0000-4000-8000-000000000000')],
    ['a date in 1900', (r) => (r.foundAt = '1900-01-01T00:00:00+08:00')],
    ['an unknown field', (r) => (r.extra = 1)],
    ['a 10 MB string', (r) => (r.facts = 'x'.repeat(10 * 1024 * 1024))],
    ['a negative version', (r) => (r.version = -1)],
    ['a bad hash', (r) => (r.contentHash = 'abc')],
    [
      'one officer twice',
      (r) => (r.officers = [(r.officers as unknown[])[0], (r.officers as unknown[])[0]]),
    ],
    ['GPS without coordinates', (r) => (r.place = { address: '某路', source: 'gps' })],
    ['partyKeys that do not match the party', (r) => (r.partyKeys = ['id:11010519491231002X'])],
  ];
  it.each(mutations)('rejects %s', async (_name, mutate) => {
    const r = structuredClone(await lockedRecord()) as unknown as Record<string, unknown>;
    mutate(r);
    expect(lockedRecordSchema.safeParse(r).success).toBe(false);
  });
});

describe('consistency rules', () => {
  const cases: [string, Partial<RecordContent>, string][] = [
    ['no education for a no-penalty result', { education: null }, '教育'],
    ['no photo of the scene', { evidence: [] }, '照片'],
    ['first version naming a previous one', { previousVersionHash: 'a'.repeat(64) }, '首个版本'],
  ];
  it.each(cases)('%s', (_name, overrides, fragment) => {
    const content = { ...recordContent(), ...overrides };
    const issues = consistencyIssues(content);
    expect(issues.map((i) => i.message).join()).toContain(fragment);
  });

  it('refuses to lock an incomplete record', async () => {
    await expect(lockRecord({ ...recordContent(), education: null })).rejects.toBeInstanceOf(
      RecordIncompleteError,
    );
  });

  it('refuses to lock a record whose checklist is unfinished', async () => {
    const content = recordContent({ answers: { correction: undefined } });
    expect(content.evaluation.complete).toBe(false);
    await expect(lockRecord(content)).rejects.toThrow(/未回答/);
  });

  it('an unidentified, absent party cannot get a no-penalty result', () => {
    const content = recordContent();
    content.signatures = { ...content.signatures, party: { kind: 'absent', reason: '当事人逃离' } };
    expect(
      consistencyIssues(content)
        .map((i) => i.message)
        .join(),
    ).toContain('未到场');
  });
});

describe('content hash', () => {
  it('is stable and detects tampering', async () => {
    const r = await lockedRecord();
    expect(await verifyRecordHash(r)).toBe(true);
    expect(await recordContentHash(structuredClone(r))).toBe(r.contentHash);
    const tampered = { ...r, facts: r.facts + '。' };
    expect(await verifyRecordHash(tampered)).toBe(false);
    const photo = structuredClone(r);
    photo.evidence[0]!.sha256 = 'f'.repeat(64);
    expect(await verifyRecordHash(photo)).toBe(false);
  });
});

describe('amendments', () => {
  it('an amendment is a new version chained to the old hash, never an edit in place', async () => {
    const v1 = await lockedRecord();
    const before = structuredClone(v1);
    const v2content = amendmentOf(v1, '补充当事人陈述');
    v2content.education = { ...v2content.education!, partyStatement: '补充陈述' };
    const v2 = await lockRecord(v2content);
    expect(v2).toMatchObject({ id: v1.id, version: 2, previousVersionHash: v1.contentHash });
    expect(v2.contentHash).not.toBe(v1.contentHash);
    expect(v1).toEqual(before);
    expect(() => amendmentOf(v1, '  ')).toThrow(RangeError);
  });
});

describe('required documents', () => {
  it.each([
    [
      'on-the-spot first offence',
      {},
      [
        'inspectionRecord',
        'orderToCorrect',
        'commitmentLetter',
        'noPenaltyDecision',
        'proofOfService',
      ],
    ],
    [
      'deadline pending: the decision waits for the re-inspection',
      {
        itemCode: 'SR-01',
        answers: {
          conditions: { slightHarm: true, cooperates: true, smallScale: true },
          correction: { mode: 'deadline' as const, setOn: '2026-11-27', deadline: '2026-11-27' },
          commitmentSigned: true,
        },
      },
      ['inspectionRecord', 'orderToCorrect', 'commitmentLetter', 'proofOfService'],
    ],
    [
      'ineligible: no decision of no penalty and no exemption letter',
      { history: [prior({ itemCode: 'SR-02' })] },
      ['inspectionRecord', 'orderToCorrect', 'proofOfService'],
    ],
  ])('%s', (_name, options, expected) => {
    expect(requiredDocuments(recordContent(options))).toEqual(expected);
  });
});

describe('rules the phone and the server share', () => {
  const codes = (content: RecordContent) => consistencyIssues(content).map((i) => i.code);
  it.each([
    [
      'a resident ID with a wrong check digit',
      (c: RecordContent) => {
        c.party = { kind: 'person', name: '王某', idNumber: '340102199003071231' };
        c.partyKeys = [];
      },
      'idCheckDigit',
    ],
    [
      'an identifier not in its normal form',
      (c: RecordContent) => {
        c.party = { kind: 'person', name: '王某', idNumber: '11010519491231002x' };
        c.partyKeys = ['id:11010519491231002X'];
      },
      'idNotNormalised',
    ],
    [
      'a follow-up the content does not imply',
      (c: RecordContent) => {
        c.followUp = 'pending';
      },
      'followUpMismatch',
    ],
    [
      'a re-inspection on an on-the-spot correction',
      (c: RecordContent) => {
        c.reinspection = { dueDate: '2026-11-30' };
      },
      'reinspectionMismatch',
    ],
  ])('%s', (_name, change, code) => {
    const c = recordContent();
    change(c);
    expect(codes(c)).toContain(code);
  });
});

describe("the officer's correction answer is checked against the item, from the day of the finding", () => {
  // The test item allows on-the-spot correction and a deadline of at most 3 days; the factory's
  // finding is on 2026-11-27 (Shanghai).
  const catalog = testCatalog([catalogItem()]);
  const TS01 = { conditions: { slightHarm: true, area: 3 }, exclusions: { safetyRisk: false } };
  type Correction = NonNullable<RecordContent['answers']['correction']>;
  it.each<[string, Correction, string | null, string | null]>([
    ['on the spot', { mode: 'onTheSpot', corrected: true }, null, null],
    [
      'a deadline within the maximum',
      { mode: 'deadline', setOn: '2026-11-27', deadline: '2026-11-30' },
      null,
      null,
    ],
    [
      'a deadline one day beyond the maximum',
      { mode: 'deadline', setOn: '2026-11-27', deadline: '2026-12-01' },
      'answers.correction.deadline',
      'deadlineTooLong',
    ],
    [
      'a deadline before the finding',
      { mode: 'deadline', setOn: '2026-11-27', deadline: '2026-11-26' },
      'answers.correction.deadline',
      'deadlineBeforeFinding',
    ],
    [
      'an order to correct dated two days later (the deadline would stretch)',
      { mode: 'deadline', setOn: '2026-11-29', deadline: '2026-11-30' },
      'answers.correction.setOn',
      'orderNotOnFindingDay',
    ],
    [
      'not corrected, recorded on the deadline day',
      {
        mode: 'deadline',
        setOn: '2026-11-27',
        deadline: '2026-11-29',
        reinspection: { result: 'notCorrected', on: '2026-11-29' },
      },
      'answers.correction.reinspection',
      'uncorrectedBeforeDeadlineEnd',
    ],
    [
      'a re-inspection dated before the finding',
      {
        mode: 'deadline',
        setOn: '2026-11-27',
        deadline: '2026-11-29',
        reinspection: { result: 'corrected', on: '2026-11-26' },
      },
      'answers.correction.reinspection',
      'reinspectionBeforeFinding',
    ],
  ])('%s', (_name, correction, path, code) => {
    const c = recordContent({ catalog, itemCode: 'TS-01', answers: { ...TS01, correction } });
    const issues = catalogIssues(c, catalog);
    expect(issues.map((i) => [i.path.join('.'), i.code])).toEqual(
      path && code ? [[path, code]] : [],
    );
    // Never a legal result against the party: the case stays undecided and cannot be locked.
    expect(c.evaluation.branch).toBe(
      code ? null : correction.mode === 'onTheSpot' ? 'firstOffence' : 'pendingCorrection',
    );
    if (code) expect(checkContent(c, { catalog }).ok).toBe(false);
  });

  it('a mode the item does not allow is an input error too', () => {
    const noDeadline = testCatalog([
      catalogItem({ correction: { onTheSpot: true, deadline: null } }),
    ]);
    const c = recordContent({
      catalog: noDeadline,
      itemCode: 'TS-01',
      answers: {
        ...TS01,
        correction: { mode: 'deadline', setOn: '2026-11-27', deadline: '2026-11-28' },
      },
    });
    expect(catalogIssues(c, noDeadline).map((i) => [i.path.join('.'), i.code])).toEqual([
      ['answers.correction.mode', 'correctionModeNotAllowed'],
    ]);
    expect(c.evaluation.branch).toBe(null);
  });

  it('a party who refused to sign has not signed the commitment letter', () => {
    const c = recordContent();
    const o = c.signatures.officers[0];
    c.signatures = {
      ...c.signatures,
      party: {
        kind: 'refused',
        reason: '当事人拒绝签名',
        witness: { name: '李四', role: '社区网格员', signature: o },
      },
    };
    expect(consistencyIssues(c).map((i) => [i.path.join('.'), i.code])).toContainEqual([
      'answers.commitmentSigned',
      'commitmentSignedButRefused',
    ]);
    c.answers = { ...c.answers, commitmentSigned: false };
    expect(consistencyIssues(c).map((i) => i.code)).not.toContain('commitmentSignedButRefused');
  });
});

describe('lockedRecordText', () => {
  it('parses back to the record, for a real record and any JSON object', async () => {
    const record = await lockedRecord();
    const text = lockedRecordText(recordCanonicalContent(record), record.contentHash);
    expect(JSON.parse(text)).toEqual(record);
    expect(await sha256Hex(recordCanonicalContent(JSON.parse(text) as LockedRecord))).toBe(
      record.contentHash,
    );

    const content = fc
      .dictionary(fc.string(), fc.jsonValue())
      .filter((o) => !Object.hasOwn(o, 'contentHash'));
    fc.assert(
      fc.property(content, fc.stringMatching(/^[0-9a-f]{64}$/), (o, hash) => {
        const parsed: unknown = JSON.parse(lockedRecordText(canonicalJson(o), hash));
        expect(parsed).toEqual({ ...JSON.parse(JSON.stringify(o)), contentHash: hash });
      }),
      { numRuns: 300, seed: 20_261_204 },
    );
  });

  it('refuses what is not an object', () => {
    expect(() => lockedRecordText('[]', 'a')).toThrow(TypeError);
  });
});
