import { describe, expect, it } from 'vitest';
import { answers, catalogItem, prior, testCatalog } from '../../../tests/support/factories';
import { evaluate, evaluationSchema, type ChecklistAnswers, type Evaluation } from './evaluate';
import { starterCatalog } from './starter-catalog';
import { FIRST_OFFENCE_CASES } from '../../../tests/support/evaluate-cases';

const NOW = '2026-11-27T02:00:00Z'; // 2026-11-27 10:00 in Shanghai
const KEYS = ['id:340102199003071232'];

const firstOffenceCatalog = testCatalog([catalogItem()]);
const mildCatalog = testCatalog([
  catalogItem({
    code: 'TS-02',
    branches: ['mild'],
    conditions: [
      { id: 'noHarm', kind: 'fact', text: '未造成危害后果', expected: true },
      { id: 'corrected', kind: 'correction', text: '及时改正' },
      { id: 'commitment', kind: 'commitment', text: '签署承诺书', required: 'deadlineOnly' },
    ],
  }),
]);
const bothCatalog = testCatalog([
  catalogItem({
    code: 'TS-03',
    branches: ['mild', 'firstOffence'],
    conditions: [
      { id: 'firstOffence', kind: 'firstOffence', text: '首次违法', branches: ['firstOffence'] },
      { id: 'noHarm', kind: 'fact', text: '未造成危害后果', expected: true, branches: ['mild'] },
      {
        id: 'slightHarm',
        kind: 'fact',
        text: '危害后果轻微',
        expected: true,
        branches: ['firstOffence'],
      },
      { id: 'corrected', kind: 'correction', text: '及时改正' },
      { id: 'commitment', kind: 'commitment', text: '签署承诺书', required: 'always' },
    ],
  }),
]);

function run(
  a: Partial<ChecklistAnswers>,
  options: Partial<Parameters<typeof evaluate>[0]> = {},
): Evaluation {
  return evaluate({
    catalog: firstOffenceCatalog,
    itemCode: 'TS-01',
    answers: answers(a),
    partyKeys: KEYS,
    history: [],
    foundOn: '2026-11-27',
    now: NOW,
    ...options,
  });
}

const codes = (e: Evaluation) => e.reasons.map((r) => r.code);

describe('evaluate: first-offence item', () => {
  it.each(FIRST_OFFENCE_CASES)('$name', (c) => {
    const e = run(c.answers ?? {}, {
      ...(c.foundOn ? { foundOn: c.foundOn } : {}),
      ...(c.history ? { history: c.history } : {}),
      ...(c.partyKeys ? { partyKeys: c.partyKeys } : {}),
    });
    expect(e.branch).toBe(c.branch);
    if (c.noPenalty) expect(e.noPenalty).toBe(c.noPenalty);
    if (c.reason) expect(codes(e)).toContain(c.reason);
    if (c.notReason) expect(codes(e)).not.toContain(c.notReason);
    if (c.unanswered) expect(e.unanswered.map((q) => `${q.kind}:${q.id}`)).toEqual(c.unanswered);
    else if (c.branch !== null) expect(e.unanswered).toEqual([]);
    expect(e.complete).toBe(c.branch !== null && (c.unanswered ?? []).length === 0);
    // Whatever the result, it is valid wire data.
    expect(() => evaluationSchema.parse(e)).not.toThrow();
  });

  it('every reason names its legal basis', () => {
    for (const e of [
      run({}),
      run({ exclusions: { safetyRisk: true } }),
      run({}, { history: [prior()] }),
    ]) {
      for (const r of e.reasons) expect(r.basis.length).toBeGreaterThan(0);
    }
    const result = run({}).reasons.find((r) => r.code === 'resultFirstOffence');
    expect(result?.basis).toContainEqual({
      kind: 'law',
      law: '《中华人民共和国行政处罚法》',
      article: '第三十三条第一款后段',
    });
    expect(result?.basis).toContainEqual({
      kind: 'catalog',
      versionId: 'test-1',
      itemCode: 'TS-01',
      itemName: '测试事项',
    });
  });

  it('requires a discretion reason only for first offence', () => {
    expect(run({}).discretionReasonRequired).toBe(true);
    expect(run({ noFaultEvidence: true }).discretionReasonRequired).toBe(false);
  });

  it.each([
    ['the first day of the year counts', '2026-01-01', 'ineligible'],
    ['the last day of the year before does not', '2025-12-31', 'firstOffence'],
  ] as const)('a calendar-year window (Lishui): %s', (_name, date, branch) => {
    const catalog = testCatalog([catalogItem({ lookbackKind: 'calendarYear' })]);
    const e = run({}, { catalog, history: [prior({ date })] });
    expect(e.branch).toBe(branch);
    expect(e.firstOffence).toMatchObject({
      windowStart: '2026-01-01',
      lookbackKind: 'calendarYear',
    });
    expect(() => evaluationSchema.parse(e)).not.toThrow();
  });

  it('never counts the record itself as its own prior', () => {
    const self = prior({ recordId: '0190a0b0-0000-7000-8000-00000000abcd' });
    expect(run({}, { history: [self], recordId: self.recordId }).branch).toBe('firstOffence');
  });

  it('reports the lookup it used', () => {
    const e = run({}, { history: [prior({ date: '2026-05-27' }), prior({ date: '2024-01-01' })] });
    expect(e.firstOffence?.windowStart).toBe('2025-11-27');
    expect(e.firstOffence?.priors.map((p) => p.date)).toEqual(['2026-05-27']);
  });

  it('counts the window from the day of the finding, whenever the evaluation runs', () => {
    const e = run({}, { now: '2027-03-01T02:00:00Z', history: [prior({ date: '2025-11-27' })] });
    expect(e.firstOffence?.windowStart).toBe('2025-11-27');
    expect(e.branch).toBe('ineligible');
  });

  it('rejects an item not on the list', () => {
    const e = run({}, { itemCode: 'XX-01' });
    expect(e.branch).toBe('ineligible');
    expect(codes(e)).toEqual(['notInCatalog']);
  });

  it('does not decide on a correction mode the item does not allow (an input error)', () => {
    const noDeadline = testCatalog([
      catalogItem({ correction: { onTheSpot: true, deadline: null } }),
    ]);
    const e = run(
      {
        correction: { mode: 'deadline', setOn: '2026-11-27', deadline: '2026-11-28' },
        commitmentSigned: true,
      },
      { catalog: noDeadline },
    );
    expect(e.branch).toBe(null);
    expect(codes(e)).toContain('correctionModeNotAllowed');
    expect(e.unanswered.map((q) => q.kind)).toContain('correction');
  });
});

describe('evaluate: mild item', () => {
  const mild = (a: Partial<ChecklistAnswers>, history: ReturnType<typeof prior>[] = []) =>
    evaluate({
      catalog: mildCatalog,
      itemCode: 'TS-02',
      answers: answers({ conditions: { noHarm: true }, discretionReason: undefined, ...a }),
      partyKeys: KEYS,
      history,
      foundOn: '2026-11-27',
      now: NOW,
    });

  it('leaves the officer no discretion to decline (must not be penalised)', () => {
    const e = mild({ discretion: 'decline' });
    expect(e.branch).toBe('mild');
    expect(e.discretionReasonRequired).toBe(false);
  });

  it('is mandatory no penalty and needs no discretion reason', () => {
    const e = mild({});
    expect(e).toMatchObject({
      branch: 'mild',
      noPenalty: 'mandatory',
      discretionReasonRequired: false,
      complete: true,
    });
    expect(e.reasons.find((r) => r.code === 'resultMild')?.basis[0]).toEqual({
      kind: 'law',
      law: '《中华人民共和国行政处罚法》',
      article: '第三十三条第一款前段',
    });
  });

  it('does not need a first-offence check but warns reviewers of earlier records', () => {
    const e = mild({}, [prior({ itemCode: 'TS-02' })]);
    expect(e.branch).toBe('mild');
    expect(codes(e)).toContain('priorNoPenaltyWarning');
  });

  it('is ineligible when there was a harmful consequence', () => {
    expect(mild({ conditions: { noHarm: false } }).branch).toBe('ineligible');
  });

  it('needs a commitment only for a deadline correction', () => {
    expect(mild({ commitmentSigned: undefined }).branch).toBe('mild');
    const deadline = mild({
      commitmentSigned: undefined,
      correction: { mode: 'deadline', setOn: '2026-11-27', deadline: '2026-11-28' },
    });
    expect(deadline.branch).toBeNull();
    expect(deadline.unanswered.map((q) => q.kind)).toContain('commitment');
  });

  it('pending correction names the branch it leads to', () => {
    const e = mild({
      commitmentSigned: true,
      correction: { mode: 'deadline', setOn: '2026-11-27', deadline: '2026-11-28' },
    });
    expect(e).toMatchObject({
      branch: 'pendingCorrection',
      prospectiveBranch: 'mild',
      noPenalty: 'mandatory',
    });
  });
});

describe('evaluate: item allowing both branches', () => {
  const both = (a: Partial<ChecklistAnswers>, history: ReturnType<typeof prior>[] = []) =>
    evaluate({
      catalog: bothCatalog,
      itemCode: 'TS-03',
      answers: answers({
        conditions: { noHarm: true, slightHarm: true },
        commitmentSigned: true,
        ...a,
      }),
      partyKeys: KEYS,
      history,
      foundOn: '2026-11-27',
      now: NOW,
    });

  it('prefers mild (mandatory) when no harm at all', () => {
    expect(both({}).branch).toBe('mild');
  });

  it('falls back to first offence when there was slight harm', () => {
    expect(both({ conditions: { noHarm: false, slightHarm: true } }).branch).toBe('firstOffence');
  });

  it('a prior record blocks only the first-offence branch', () => {
    expect(both({}, [prior({ itemCode: 'TS-03' })]).branch).toBe('mild');
    expect(
      both({ conditions: { noHarm: false, slightHarm: true } }, [prior({ itemCode: 'TS-03' })])
        .branch,
    ).toBe('ineligible');
  });

  it('waits for the mild question before settling on first offence', () => {
    const e = both({ conditions: { slightHarm: true } });
    expect(e.branch).toBeNull();
    expect(e.unanswered).toContainEqual({
      kind: 'condition',
      id: 'noHarm',
      text: '未造成危害后果',
    });
  });

  it('needs the commitment letter even when corrected on the spot (required: always)', () => {
    expect(both({ commitmentSigned: undefined }).branch).toBeNull();
  });
});

describe('evaluate: starter catalog', () => {
  it('SR-03 road occupation: 5 m² and 2 days are the limits', () => {
    const base = {
      catalog: starterCatalog,
      itemCode: 'SR-03',
      partyKeys: KEYS,
      history: [],
      foundOn: '2026-11-27',
      now: NOW,
    };
    const a = (area: number, duration: number) =>
      answers({
        conditions: { slightHarm: true, cooperates: true, area, duration },
        exclusions: { safetyRisk: false, personalInjury: false, propertyDamage: false },
        commitmentSigned: true,
      });
    expect(evaluate({ ...base, answers: a(5, 2) }).branch).toBe('firstOffence');
    expect(evaluate({ ...base, answers: a(5.5, 2) }).branch).toBe('ineligible');
    expect(evaluate({ ...base, answers: a(5, 3) }).branch).toBe('ineligible');
  });
});

describe('a violation the bureau records but does not list for exemption', () => {
  const offList = testCatalog([
    catalogItem({
      code: 'TS-90',
      name: '超限车辆擅自在城市道路上行驶',
      branches: [],
      conditions: [{ id: 'corrected', kind: 'correction', text: '及时改正' }],
      exclusions: [],
    }),
  ]);
  const runOffList = (a: Partial<ChecklistAnswers>) =>
    run(a, { catalog: offList, itemCode: 'TS-90' });

  it.each<[string, Partial<ChecklistAnswers>, Evaluation['branch'], string | null]>([
    [
      'no fault, with its evidence: not penalised (Art. 33 para 2)',
      {
        noFaultEvidence: true,
        noFaultEvidenceNote: '车辆系被盗后由他人驾驶，当事人已报案',
      },
      'noFault',
      'resultNoFault',
    ],
    ['otherwise the ordinary procedure, saying why', {}, 'ineligible', 'notOnExemptionList'],
    [
      'a first offence corrected on the spot is still not exempt',
      {
        conditions: {},
        correction: { mode: 'onTheSpot', corrected: true },
      },
      'ineligible',
      'notOnExemptionList',
    ],
    ['nothing decided while the correction is unanswered', { correction: undefined }, null, null],
  ])('%s', (_name, a, branch, reason) => {
    const e = runOffList(a);
    expect(e.branch).toBe(branch);
    if (reason) expect(codes(e)).toContain(reason);
    expect(() => evaluationSchema.parse(e)).not.toThrow();
  });
});
