import { describe, expect, it } from 'vitest';
import { completeDraft, DRAFT_AT } from '../../../tests/support/drafts';
import { officerMe } from '../../../tests/support/factories';
import { authorOf } from '$lib/client/records';
import { findItem } from './catalog';
import {
  applyDrafting,
  COMMON_STATEMENTS,
  draftFacts,
  educationTextOf,
  lawExplainedOf,
  statementPhrasesOf,
} from './drafting';
import { buildContent, newDraft } from './record-builder';
import { starterCatalog } from './starter-catalog';

const at = new Date(DRAFT_AT);
const item = (code: string) => {
  const found = findItem(starterCatalog, code);
  if (!found) throw new Error(code);
  return found;
};
const context = {
  catalog: starterCatalog,
  author: authorOf(officerMe()),
  deviceId: '00000000-0000-7000-8000-0000000000aa',
  now: at,
};

describe('drafted texts', () => {
  it('drafts the facts from the time, place, party, act and measured quantities', () => {
    const d = newDraft(starterCatalog, 'd1', at);
    d.itemCode = 'SR-03';
    d.party = { kind: 'business', name: '好运来便利店', address: '人民路66号' };
    d.place = { address: '六安市金安区人民路66号门前', source: 'manual' };
    d.answers.conditions = { area: 2.5 };
    const sr03 = item('SR-03');
    const threshold = sr03.conditions.find((c) => c.kind === 'threshold');
    if (threshold?.kind !== 'threshold') throw new Error('SR-03 measures');
    d.answers.conditions = { [threshold.id]: 2.5 };
    expect(draftFacts(d, sr03)).toBe(
      '2026年11月27日 10时00分，执法人员在六安市金安区人民路66号门前巡查时发现，' +
        `当事人好运来便利店未经批准在城市道路上堆放物料，经现场测量，${threshold.text}2.5${threshold.unit}。`,
    );
  });

  it.each([
    ['a person', { kind: 'person' as const, name: '李堃' }, '当事人李堃占用'],
    ['a vehicle', { kind: 'vehicle' as const, plate: '皖N12345' }, '当事人（车牌号皖N12345）占用'],
    ['nobody yet', {}, '当事人占用'],
  ])('names %s as the party', (_, party, expected) => {
    const d = newDraft(starterCatalog, 'd1', at);
    d.party = party;
    expect(draftFacts(d, item('SR-02'))).toContain(expected);
  });

  it('joins the education text of the chosen methods, the item first', () => {
    const sr02 = item('SR-02');
    expect(educationTextOf(sr02)).toBe(sr02.educationTemplate);
    const all = educationTextOf(sr02, ['persuasion', 'guidance', 'publicity']);
    expect(all.startsWith(sr02.educationTemplate)).toBe(true);
    expect(all).toContain('示范');
    expect(all).toContain(`讲解${sr02.prohibitingClause.law}`);
    expect(lawExplainedOf(sr02)).toBe(
      '《城市道路管理条例》第二十七条第（一）项、第（七）项（禁止擅自占用城市道路，禁止其他损害、侵占城市道路的行为）；' +
        '《城市道路管理条例》第四十二条（责令限期改正，可以处以2万元以下的罚款）',
    );
  });

  it("offers the item's own statements first, then the common ones, once each", () => {
    const phrases = statementPhrasesOf(item('SR-02'));
    expect(phrases[0]).toBe('知道了，马上收摊。');
    expect(phrases).toEqual([...new Set(phrases)]);
    expect(statementPhrasesOf(null)).toEqual([...COMMON_STATEMENTS]);
  });

  it('follows the case while the text is as drafted, and never writes over an edit', () => {
    const d = newDraft(starterCatalog, 'd1', at);
    expect(applyDrafting(d, null)).toBe(false);
    d.itemCode = 'SR-02';
    expect(applyDrafting(d, item('SR-02'))).toBe(true);
    expect(d.facts).toContain('占用城市道路设摊经营');
    expect(d.education.content).toBe(item('SR-02').educationTemplate);
    expect(d.education.lawExplained).toBe(lawExplainedOf(item('SR-02')));
    // The place typed later reaches the drafted facts.
    d.place.address = '皖西路8号';
    applyDrafting(d, item('SR-02'));
    expect(d.facts).toContain('在皖西路8号巡查时发现');
    // Another item: every text still as drafted follows it.
    d.itemCode = 'SR-01';
    applyDrafting(d, item('SR-01'));
    expect(d.facts).toContain('在店门外摆放商品经营');
    expect(d.education.content).toBe(item('SR-01').educationTemplate);
    // Edited by the officer: kept as written from then on.
    d.facts = '当事人在店门外摆放水果三筐。';
    d.education.content = '口头教育。';
    d.education.methods = ['persuasion', 'publicity'];
    d.place.address = '人民路1号';
    applyDrafting(d, item('SR-01'));
    expect(d.facts).toBe('当事人在店门外摆放水果三筐。');
    expect(d.education.content).toBe('口头教育。');
    // Cleared: drafted again.
    d.facts = '';
    applyDrafting(d, item('SR-01'));
    expect(d.facts).toContain('在人民路1号巡查时发现');
  });

  it('drafts the first-offence reason from the correction, empties it on declining, and chooses persuasion', () => {
    const d = newDraft(starterCatalog, 'd1', at);
    d.itemCode = 'SR-02';
    applyDrafting(d, item('SR-02'));
    expect(d.education.methods).toEqual(['persuasion']);
    expect(d.answers.discretionReason).toBe('初次违法，危害后果轻微，及时改正');
    d.answers.correction = { mode: 'onTheSpot', corrected: true };
    applyDrafting(d, item('SR-02'));
    expect(d.answers.discretionReason).toBe('初次违法，危害后果轻微，已当场改正');
    d.answers.discretion = 'decline';
    applyDrafting(d, item('SR-02'));
    expect(d.answers.discretionReason).toBe('');
    // A mild item asks for no reason: none is drafted.
    const m = newDraft(starterCatalog, 'd2', at);
    m.itemCode = 'SR-11';
    applyDrafting(m, item('SR-11'));
    expect(m.answers.discretionReason).toBeUndefined();
    // Methods the officer cleared stay cleared.
    m.education.methods = [];
    applyDrafting(m, item('SR-11'));
    expect(m.education.methods).toEqual([]);
  });

  it('drafts nothing into an amendment (its texts are the locked version’s)', () => {
    const d = completeDraft(at, 'u-officer1');
    d.kind = 'amend';
    d.facts = '';
    expect(applyDrafting(d, item('SR-02'))).toBe(false);
    expect(d.facts).toBe('');
  });
});

describe('what the phone still needs, all at once', () => {
  const codes = (d: ReturnType<typeof completeDraft>) =>
    buildContent(d, context).issues.map((i) => `${i.code}@${i.path.join('.')}`);

  it('a complete draft has none', () => {
    expect(codes(completeDraft(at, 'u-officer1'))).toEqual([]);
  });

  it('lists the photos with the missing signatures, not after them', () => {
    const d = completeDraft(at, 'u-officer1');
    d.signatures = { party: null, officers: [null, null] };
    d.evidence = [];
    expect(codes(d)).toEqual([
      'officerSignaturesMissing@signatures.officers',
      'partySignatureMissing@signatures.party',
      'evidenceBefore@evidence',
      'evidenceAfter@evidence',
    ]);
  });

  it('names each open question and where it is answered', () => {
    const d = completeDraft(at, 'u-officer1');
    d.answers.conditions = { slightHarm: true };
    delete d.answers.correction;
    d.signatures.party = null;
    const issues = buildContent(d, context).issues;
    expect(issues.map((i) => `${i.code}@${i.path.join('.')}`)).toEqual([
      'partySignatureMissing@signatures.party',
      'questionOpen@answers.correction',
      'questionOpen@answers.conditions.cooperates',
      'questionOpen@answers.conditions.notFixedSpot',
    ]);
    expect(issues[2]?.params).toEqual({
      question: '当事人配合调查，如实陈述违法事实',
      kind: 'condition',
    });
    expect(issues.some((i) => i.code === 'checklistIncomplete')).toBe(false);
  });

  it('a draft with no party yet still hears about its photos and correction dates', () => {
    const d = completeDraft(at, 'u-officer1');
    d.party = {};
    d.evidence = d.evidence.filter((e) => e.kind === 'before');
    expect(codes(d)).toEqual(['partyMissing@party', 'evidenceAfter@evidence']);
  });
});
