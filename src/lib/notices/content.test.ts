import { describe, expect, it } from 'vitest';
import { lockedRecord, recordContent } from '../../../tests/support/factories';
import { starterCatalog } from '$lib/domain/starter-catalog';
import type { Catalog } from '$lib/domain/catalog';
import { lockRecord } from '$lib/domain/record';
import { documentContent, documentText, printBlockers, UnknownTemplateError } from './content';

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

describe('wording follows the record', () => {
  const text = async (options: Parameters<typeof lockedRecord>[0]) => {
    const record = await lockedRecord(options);
    const doc = record.documents.find((d) => d.docType === 'noPenaltyDecision');
    if (!doc) throw new Error('no decision');
    return documentText(documentContent({ record, doc, catalog: starterCatalog }));
  };

  it('a no-fault decision states the evidence of no fault', async () => {
    const t = await text({
      answers: {
        noFaultEvidence: true,
        noFaultEvidenceNote: '出示的占道许可证系他人伪造，当事人不知情',
      },
    });
    expect(t).toContain('第三十三条第二款');
    expect(t).toContain('出示的占道许可证系他人伪造，当事人不知情');
  });

  it('names the party statement as evidence only when there is one', async () => {
    const withStatement = await text({});
    expect(withStatement).toContain('、当事人陈述等证据证实');
    const content = recordContent({});
    const silent = await lockRecord({
      ...content,
      education: { ...content.education!, partyStatement: '' },
    });
    const doc = silent.documents.find((d) => d.docType === 'noPenaltyDecision');
    if (!doc) throw new Error('no decision');
    const t = documentText(documentContent({ record: silent, doc, catalog: starterCatalog }));
    expect(t).not.toContain('当事人陈述');
  });

  it('addresses a person as 你 and an organisation as 你单位, never 你（单位）', async () => {
    const person = await text({});
    expect(person).toContain('对你不予行政处罚');
    const shop = await text({
      party: {
        kind: 'business',
        name: '皖西土菜馆',
        uscc: '91350100M000100Y43',
        legalRepresentative: '陈建国',
        address: '六安市金安区梅山南路12号',
      },
    });
    expect(shop).toContain('对你单位不予行政处罚');
    expect(shop).toContain('法定代表人（负责人）：陈建国');
    for (const t of [person, shop]) expect(t).not.toContain('你（单位）');
  });
});

describe('the re-inspection record says what the re-inspection found', () => {
  async function reinspectedOn(on: string, result: 'corrected' | 'notCorrected') {
    const content = recordContent({
      itemCode: 'SR-07',
      answers: {
        conditions: { slightHarm: true, cooperates: true },
        correction: {
          mode: 'deadline',
          setOn: '2026-11-27',
          deadline: '2026-11-28',
          reinspection: { result, on },
        },
        commitmentSigned: true,
      },
    });
    const doneAt = `${on}T10:00:00+08:00`;
    const [o1, o2] = content.officers;
    content.reinspection = {
      dueDate: '2026-11-28',
      doneAt,
      officers: [o1, o2],
      signatures: [
        { sha256: 'd'.repeat(64), signerName: o1.name, signedAt: doneAt },
        { sha256: 'e'.repeat(64), signerName: o2.name, signedAt: doneAt },
      ],
      result,
    };
    content.followUp = result === 'corrected' ? 'corrected' : 'escalated';
    content.documents.push({
      id: '019ac3e0-0000-7000-8000-00000000ffff',
      docType: 'reinspectionRecord',
      number: '六城管复查〔2026〕第0009号',
      provisional: false,
      templateVersion: content.documents[0]?.templateVersion ?? '2',
    });
    const record = await lockRecord(content);
    const doc = record.documents.find((d) => d.docType === 'reinspectionRecord');
    if (!doc) throw new Error('no re-inspection record');
    return {
      record,
      text: documentText(documentContent({ record, doc, catalog: starterCatalog })),
    };
  }

  it('corrected by the deadline: closed without penalty', async () => {
    const { record, text } = await reinspectedOn('2026-11-28', 'corrected');
    expect(record.evaluation.branch).toBe('firstOffence');
    expect(text).toContain('当事人已按期改正');
    expect(text).toContain('本案结案');
  });

  it('corrected only after the deadline: never "已按期改正", and the ordinary procedure', async () => {
    const { record, text } = await reinspectedOn('2026-11-30', 'corrected');
    expect(record.evaluation.branch).toBe('ineligible');
    expect(text).toContain('当事人已改正，但未在期限内改正');
    expect(text).not.toContain('已按期改正');
    expect(text).toContain('转一般程序办理');
  });

  it('not corrected after the deadline: the ordinary procedure', async () => {
    const { text } = await reinspectedOn('2026-11-30', 'notCorrected');
    expect(text).toContain('当事人逾期未改正');
    expect(text).toContain('转一般程序办理');
  });
});
