import { describe, expect, it } from 'vitest';
import { catalogItem, testCatalog, testCatalogInput } from '../../../tests/support/factories';
import {
  catalogFieldErrors,
  catalogInForce,
  catalogSchema,
  findItem,
  lookbackReach,
  lookbackStart,
  unconfirmedCitations,
  unverifiedClauses,
  type CatalogInput,
  type CatalogItemInput,
} from './catalog';
import data from './data/starter-catalog.json';
import { starterCatalog } from './starter-catalog';

describe('starter catalog', () => {
  it('has at least 20 items from the reference list, all valid', () => {
    expect(starterCatalog.items.length).toBeGreaterThanOrEqual(20);
    expect(catalogSchema.safeParse(data).success).toBe(true);
    expect(findItem(starterCatalog, 'SR-01')?.name).toBe('出店经营');
  });

  it('marks every clause the reference says is unconfirmed', () => {
    const sr04 = findItem(starterCatalog, 'SR-04');
    expect(sr04?.prohibitingClause.verified).toBe(true);
    expect(sr04?.penaltyClause.verified).toBe(false);
    const unverified = unverifiedClauses(starterCatalog);
    expect(unverified.length).toBeGreaterThan(10);
    // A clause whose article text says 待核/待确认 must never be marked verified.
    for (const item of starterCatalog.items) {
      for (const clause of [item.prohibitingClause, item.penaltyClause]) {
        if (/待核|待确认/.test(clause.article + clause.law)) expect(clause.verified).toBe(false);
      }
    }
  });

  it('gives each item a lookback window, correction rule and education template', () => {
    for (const item of starterCatalog.items) {
      expect(item.lookbackMonths).toBe(12);
      expect(item.educationTemplate.length).toBeGreaterThan(10);
      expect(item.correction.onTheSpot || item.correction.deadline !== null).toBe(true);
    }
  });

  it('has the road-occupation thresholds of the reference', () => {
    const sr03 = findItem(starterCatalog, 'SR-03');
    const limits = sr03?.conditions.flatMap((c) =>
      c.kind === 'threshold' ? [[c.id, c.limit, c.unit]] : [],
    );
    expect(limits).toEqual([
      ['area', 5, 'm²'],
      ['duration', 2, '天'],
    ]);
  });
});

describe('catalog schema', () => {
  /** Each bad catalog with the field the schema names and its Chinese message. */
  const bad: [string, Partial<CatalogInput>, string, string][] = [
    [
      'duplicate item codes',
      { items: [catalogItem(), catalogItem()] },
      'items.1.code',
      '事项编码 TS-01 重复',
    ],
    [
      'unknown category',
      { items: [catalogItem({ category: 'nope' })] },
      'items.0.category',
      '没有分类 nope',
    ],
    [
      'condition for a branch the item lacks',
      {
        items: [
          catalogItem({
            conditions: [
              { id: 'a', kind: 'fact', text: 'x', expected: true, branches: ['mild'] },
              { id: 'corrected', kind: 'correction', text: 'c' },
              { id: 'firstOffence', kind: 'firstOffence', text: 'f' },
            ],
          }),
        ],
      },
      'items.0.conditions.0.branches',
      '条件 a 适用的类型（mild）不是本事项的免罚类型',
    ],
    [
      'first-offence item without a first-offence check',
      {
        items: [catalogItem({ conditions: [{ id: 'corrected', kind: 'correction', text: 'c' }] })],
      },
      'items.0.conditions',
      '首违不罚事项须有“初次违法”条件',
    ],
    [
      'no correction mode at all',
      { items: [catalogItem({ correction: { onTheSpot: false, deadline: null } })] },
      'items.0.correction.onTheSpot',
      '至少允许一种改正方式（当场改正或限期改正）',
    ],
    [
      'negative threshold',
      {
        items: [
          catalogItem({
            conditions: [
              { id: 'a', kind: 'threshold', text: 'x', unit: 'm²', limit: -1 },
              { id: 'corrected', kind: 'correction', text: 'c' },
              { id: 'firstOffence', kind: 'firstOffence', text: 'f' },
            ],
          }),
        ],
      },
      'items.0.conditions.0.limit',
      '不能小于 0',
    ],
    [
      'bad item code',
      { items: [catalogItem({ code: 'sr1' })] },
      'items.0.code',
      '事项编码格式应如 SR-01',
    ],
    [
      'bad effective date',
      { effectiveFrom: '2026-02-30' },
      'effectiveFrom',
      '日期无效（应为 YYYY-MM-DD 的真实日期）',
    ],
    [
      'unknown field',
      { items: [{ ...catalogItem(), extra: 1 } as CatalogItemInput] },
      'items.0',
      '含有无法识别的字段：extra',
    ],
  ];
  it.each(bad)('rejects %s, naming the field', (_name, overrides, path, message) => {
    const parsed = catalogSchema.safeParse(testCatalogInput([catalogItem()], overrides));
    expect(parsed.success).toBe(false);
    if (parsed.success) throw new Error('accepted');
    expect(catalogFieldErrors(parsed.error)).toMatchObject({ [path]: message });
  });

  it('defaults the lookback window to 12 months', () => {
    const { lookbackMonths: _drop, ...item } = catalogItem();
    expect(testCatalog([item]).items[0]?.lookbackMonths).toBe(12);
  });
});

describe('catalogInForce', () => {
  const versions = [
    { versionId: 'a', effectiveFrom: '2026-01-01' },
    { versionId: 'b', effectiveFrom: '2026-07-01' },
    { versionId: 'c', effectiveFrom: '2027-01-01' },
  ];
  it.each([
    ['2025-12-31', undefined],
    ['2026-01-01', 'a'],
    ['2026-06-30', 'a'],
    ['2026-07-01', 'b'],
    ['2026-12-31', 'b'],
  ])('on %s: %s', (date, expected) => {
    expect(catalogInForce(versions, date)?.versionId).toBe(expected);
  });
});

describe('first-offence windows', () => {
  const months = { lookbackMonths: 12, lookbackKind: 'months' as const };
  const year = { lookbackMonths: 12, lookbackKind: 'calendarYear' as const };
  it.each([
    ['12 months back from the finding', months, '2026-11-27', '2025-11-27', '2027-11-27'],
    ['a month end', { ...months, lookbackMonths: 1 }, '2026-03-31', '2026-02-28', '2026-04-30'],
    ['the calendar year of the finding', year, '2026-11-27', '2026-01-01', '2026-12-31'],
    ['a finding on New Year', year, '2027-01-01', '2027-01-01', '2027-12-31'],
  ] as const)('%s', (_name, item, date, start, reach) => {
    expect(lookbackStart(item, date)).toBe(start);
    expect(lookbackReach(item, date)).toBe(reach);
  });
});

describe('unconfirmed citations', () => {
  it('a clause still marked 待核 or 待确认 cannot be published as confirmed', () => {
    for (const [law, article, ok] of [
      ['《城市道路管理条例》', '第二十七条', true],
      ['地方性法规（待法制科确认）', '待确认', false],
      ['《城市市容和环境卫生管理条例》', '第三十六条（待核）', false],
      ['local regulation (to confirm)', '—', false],
    ] as const) {
      const item = catalogItem({ prohibitingClause: { law, article, verified: true } });
      const parsed = catalogSchema.safeParse(testCatalogInput([item]));
      expect(parsed.success, `${law}${article}`).toBe(ok);
      if (!parsed.success) {
        expect(parsed.error.issues[0]?.path).toEqual(['items', 0, 'prohibitingClause', 'verified']);
      }
    }
  });

  it('names what each document would cite unconfirmed, and nothing for the others', () => {
    const sr04 = findItem(starterCatalog, 'SR-04');
    const sr02 = findItem(starterCatalog, 'SR-02');
    if (!sr04 || !sr02) throw new Error('starter items missing');
    const table: [string, number][] = [
      ['orderToCorrect', 1],
      ['commitmentLetter', 1],
      ['noPenaltyDecision', 0],
      ['inspectionRecord', 0],
      ['proofOfService', 0],
      ['reinspectionRecord', 0],
    ];
    for (const [docType, n] of table) {
      expect(unconfirmedCitations(sr04, docType).length, docType).toBe(n);
      expect(unconfirmedCitations(sr02, docType)).toEqual([]);
    }
  });
});
