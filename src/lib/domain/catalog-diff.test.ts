import { describe, expect, it } from 'vitest';
import { catalogItem, testCatalogInput } from '../../../tests/support/factories';
import { catalogDiff } from './catalog-diff';

describe('catalog diff against the published version', () => {
  const published = testCatalogInput([catalogItem(), catalogItem({ code: 'TS-02', name: '乙' })]);

  it('is empty for the same catalog under a new version id', () => {
    expect(catalogDiff(published, { ...published, versionId: 'test-2' })).toEqual({
      settings: [],
      items: [],
    });
  });

  it('names each changed field with before and after, and items added or removed', () => {
    const [first] = published.items;
    if (!first) throw new Error('no item');
    const draft = {
      ...published,
      bureau: {
        ...published.bureau,
        remedies: { reconsiderationBody: '测试市人民政府', court: '测试区人民法院' },
      },
      items: [
        {
          ...first,
          penaltyClause: { law: '《测试条例》', article: '第二条第一款', verified: true },
        },
        catalogItem({ code: 'TS-03', name: '丙' }),
      ],
    };
    const diff = catalogDiff(published, draft);
    expect(diff.settings.map((f) => f.path)).toEqual([
      'bureau.remedies.reconsiderationBody',
      'bureau.remedies.court',
    ]);
    expect(diff.items).toEqual([
      {
        kind: 'changed',
        code: 'TS-01',
        name: '测试事项',
        fields: [
          { path: 'penaltyClause.article', before: '第二条', after: '第二条第一款' },
          { path: 'penaltyClause.verified', before: 'false', after: 'true' },
        ],
      },
      { kind: 'added', code: 'TS-03', name: '丙' },
      { kind: 'removed', code: 'TS-02', name: '乙' },
    ]);
  });
});
