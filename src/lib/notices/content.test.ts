import { describe, expect, it } from 'vitest';
import { lockedRecord } from '../../../tests/support/factories';
import { starterCatalog } from '$lib/domain/starter-catalog';
import type { Catalog } from '$lib/domain/catalog';
import { documentContent, printBlockers, UnknownTemplateError } from './content';

describe('what may be printed', () => {
  const withoutRemedies: Catalog = {
    ...starterCatalog,
    bureau: { name: starterCatalog.bureau.name, shortName: starterCatalog.bureau.shortName },
  };

  it.each<[string, string, string, Catalog, string[]]>([
    ['confirmed citations', 'SR-02', 'orderToCorrect', starterCatalog, []],
    [
      'an unconfirmed penalty clause',
      'SR-04',
      'orderToCorrect',
      starterCatalog,
      ['unconfirmedCitation'],
    ],
    ['the decision cites no penalty clause', 'SR-04', 'noPenaltyDecision', starterCatalog, []],
    [
      'a decision naming nowhere to appeal',
      'SR-02',
      'noPenaltyDecision',
      withoutRemedies,
      ['noRemedies'],
    ],
    ['a document that needs no remedies', 'SR-02', 'orderToCorrect', withoutRemedies, []],
  ])('%s', async (_name, itemCode, docType, catalog, codes) => {
    const record = await lockedRecord({ itemCode });
    const doc = record.documents.find((d) => d.docType === docType);
    if (!doc) throw new Error(`no ${docType}`);
    expect(printBlockers({ record, doc, catalog }).map((b) => b.code)).toEqual(codes);
  });

  it('a version-1 decision prints as it did, without the remedies setting', async () => {
    const record = await lockedRecord({ templateVersion: '1' });
    const doc = record.documents.find((d) => d.docType === 'noPenaltyDecision');
    if (!doc) throw new Error('no decision');
    expect(printBlockers({ record, doc, catalog: withoutRemedies })).toEqual([]);
  });

  it('a template version nobody wrote is refused, not guessed', async () => {
    const record = await lockedRecord();
    const doc = { ...record.documents[0]!, templateVersion: '99' };
    expect(() => documentContent({ record, doc, catalog: starterCatalog })).toThrow(
      UnknownTemplateError,
    );
  });
});
