import { describe, expect, it } from 'vitest';
import { lockedRecord } from '../../../tests/support/factories';
import { amendmentIssues, amendmentOf, attestedContent, previousVersionOf } from './record';

describe('a version and the one it replaces', () => {
  it('keeps signatures while what they attest is unchanged, and asks for new ones otherwise', async () => {
    const v1 = await lockedRecord();
    const prev = previousVersionOf(v1);
    const photo = amendmentOf(v1, '补充照片');
    photo.evidence = [
      ...photo.evidence,
      { ...photo.evidence[0]!, sha256: 'c'.repeat(64), kind: 'scene' },
    ];
    expect(amendmentIssues(prev, photo)).toEqual([]);

    const facts = { ...amendmentOf(v1, '改事实'), facts: `${v1.facts}补充。` };
    expect(amendmentIssues(prev, facts).map((i) => [i.path.join('.'), i.code])).toEqual([
      ['signatures.party', 'signaturesStale'],
      ['signatures.officers', 'signaturesStale'],
    ]);
    const at = '2026-11-28T10:00:00+08:00';
    facts.signatures = {
      party: {
        kind: 'signed',
        signature: { sha256: 'd'.repeat(64), signerName: '欧阳娜娜', signedAt: at },
      },
      officers: [
        { ...facts.signatures.officers[0], sha256: 'e'.repeat(64), signedAt: at },
        { ...facts.signatures.officers[1], sha256: 'f'.repeat(64), signedAt: at },
      ],
    };
    expect(amendmentIssues(prev, facts)).toEqual([]);

    const dropped = amendmentOf(v1, '删照片');
    dropped.evidence = dropped.evidence.slice(1);
    dropped.documents = dropped.documents.slice(1);
    expect(amendmentIssues(prev, dropped).map((i) => i.code)).toEqual([
      'evidenceRemoved',
      'documentsDropped',
    ]);
  });

  it('a re-inspection leaves the on-site signatures valid', async () => {
    const deadline = { mode: 'deadline' as const, setOn: '2026-11-27', deadline: '2026-11-28' };
    const v1 = await lockedRecord({
      itemCode: 'SR-03',
      answers: {
        conditions: { slightHarm: true, cooperates: true, area: 3, duration: 1 },
        correction: deadline,
      },
    });
    const v2 = amendmentOf(v1, '复查：已改正');
    v2.answers = {
      ...v2.answers,
      correction: { ...deadline, reinspection: { result: 'corrected', on: '2026-11-28' } },
    };
    expect(attestedContent(v2)).toBe(attestedContent(v1));
    expect(amendmentIssues(previousVersionOf(v1), v2)).toEqual([]);
  });
});
