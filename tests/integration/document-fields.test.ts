import { beforeAll, describe, expect, it } from 'vitest';
import { findItem } from '$lib/domain/catalog';
import type { DocType, LockedRecord } from '$lib/domain/record';
import { starterCatalog } from '$lib/domain/starter-catalog';
import { TEMPLATE_VERSION } from '$lib/notices/content';
import type { Layout } from '$lib/notices/render';
import { fixture, pdftotext, qrOf, renderDoc, type Fixture } from '../support/documents';

/**
 * REFERENCE §5, field by field, in the text poppler extracts from each document as printed
 * (current template): a person who signed, an organisation that refused before a witness, and a
 * deadline case decided at its re-inspection; A4 and 80 mm roll paper.
 */

const POPPLER = process.env.PB_NO_POPPLER !== '1';
const LAYOUTS: Layout[] = ['a4', '80mm'];
const FIXTURES: Fixture[] = ['person', 'organisation', 'shop', 'reinspected'];

type Field = [label: string, expected: string[], absent?: string[]];

function partyFields(r: LockedRecord): Field[] {
  const p = r.party;
  if (p.kind === 'business') {
    return [
      ['party: name', [p.name]],
      ['party: credit code', ['统一社会信用代码', p.uscc ?? '?']],
      ['party: legal representative', ['法定代表人（负责人）', p.legalRepresentative ?? '?']],
      ['party: premises', ['住所（经营场所）', p.address]],
    ];
  }
  if (p.kind !== 'person') throw new Error('fixtures are people or organisations');
  return [
    ['party: name', [p.name]],
    ['party: ID', [p.idNumber ?? '?']],
    ['party: address', ['住址', p.address ?? '?']],
  ];
}

function receipt(r: LockedRecord, label: string): Field {
  const p = r.signatures.party;
  return p.kind === 'refused'
    ? [
        `${label}: refused before a witness`,
        [label, '拒绝签字', p.reason, '见证人', p.witness.name],
      ]
    : [`${label}: signed`, [label, p.kind === 'signed' ? p.signature.signerName : '?']];
}

const OFFICERS: Field = [
  'two officers with certificate numbers',
  ['王喆', '34151002', '李堃', '34151003'],
];
const AGENCY: Field = ['issuing agency', ['六安市城市管理局']];

function fieldsOf(docType: DocType, r: LockedRecord, layout: Layout): Field[] {
  const item = findItem(starterCatalog, r.itemCode);
  if (!item) throw new Error(r.itemCode);
  const you = r.party.kind === 'business' ? '你单位' : '你';
  const notYou = r.party.kind === 'business' ? [] : ['你（单位）', '你单位'];
  const facts: Field = [
    'facts: time, place, act',
    ['2026年11月27日10时30分', r.place.address, r.facts],
  ];
  const deadline = r.answers.correction?.mode === 'deadline' ? r.answers.correction.deadline : null;
  const correct = deadline
    ? `于${deadline.slice(0, 4)}年${Number(deadline.slice(5, 7))}月${Number(deadline.slice(8))}日前改正`
    : '立即改正';
  const clause = `${item.prohibitingClause.law}${item.prohibitingClause.article}`;
  const penalty = `${item.penaltyClause.law}${item.penaltyClause.article}`;
  switch (docType) {
    case 'orderToCorrect':
      return [
        ...partyFields(r),
        facts,
        ['clause breached', [clause]],
        ['basis: Art. 28 and the regulation', ['第二十八条第一款', penalty]],
        ['what to correct and by when', [`责令${you}${correct}`], notYou],
        ['consequence if not corrected', ['逾期不改正的']],
        OFFICERS,
        AGENCY,
        ['date', ['2026年11月27日']],
        receipt(r, '当事人签收'),
      ];
    case 'commitmentLetter':
      return [
        facts,
        ['violation and legal basis', [clause, penalty]],
        ['education given', ['已接受的教育', '说服教育']],
        ['commitment to correct and comply', ['承诺', correct, '今后自觉遵守']],
        ['liability if broken or repeated', ['再次实施同一违法行为', '承担相应的法律责任']],
        ['catalog item', [item.code, item.name]],
        [
          'agency side: Art. 33 and its undertaking',
          ['执法机关告知', '第三十三条第一款', '本机关依法不予行政处罚'],
        ],
        receipt(r, '承诺人'),
        OFFICERS,
        ['date', ['2026年11月27日']],
      ];
    case 'noPenaltyDecision': {
      const atReinspection = r.reinspection?.doneAt !== undefined;
      const statement = r.education?.partyStatement ?? '';
      return [
        ...partyFields(r),
        facts,
        [
          'evidence, only what exists',
          ['现场照片2张', '现场检查笔录', ...(statement ? ['当事人陈述'] : [])],
          statement ? [] : ['当事人陈述'],
        ],
        ['clause breached', [clause]],
        ['reason: Art. 33 branch and catalog item', ['第三十三条第一款', item.code], notYou],
        ['education given', ['第三十三条第三款', '说服教育']],
        ['remedies: reconsideration body, 60 days', ['六十日内', '向六安市人民政府申请行政复议']],
        ['remedies: court, 6 months', ['六个月内', '向有管辖权的人民法院提起行政诉讼']],
        AGENCY,
        ['seal', ['（印章）']],
        ['officer signature slots', ['执法人员1', '执法人员2']],
        ['date', [atReinspection ? '2026年11月29日' : '2026年11月27日']],
      ];
    }
    case 'inspectionRecord': {
      const recorder = r.officers[r.procedure?.recorder ?? 0];
      return [
        ['cause', ['检查事由', item.name]],
        ['start and end time', ['检查时间', '至']],
        ['place', ['检查地点', r.place.address]],
        ['inspectors', ['检查人员', ...OFFICERS[1]]],
        ['recorder chosen on site', [`记录人：${recorder.name}（${recorder.certificateNo}）`]],
        ['certificates shown (Art. 55)', ['出示执法证件', '第五十五条']],
        ['recusal notice (Art. 43)', ['申请执法人员回避', '第四十三条']],
        ...partyFields(r),
        [
          'witness',
          [
            '见证人',
            r.signatures.party.kind === 'refused' ? r.signatures.party.witness.name : '见证人：无',
          ],
        ],
        ['findings', ['检查情况', r.facts]],
        ['photo references', ['现场照片', 'SHA-256']],
        receipt(r, '当事人'),
        ...(layout === 'a4' ? ([['page x of y', ['第1页共']]] as Field[]) : []),
      ];
    }
    case 'proofOfService': {
      const p = r.signatures.party;
      const left = r.procedure?.leftAt;
      const decision = r.documents.find((d) => d.docType === 'noPenaltyDecision');
      return [
        ['documents and numbers', ['送达文书', '现场检查笔录', '责令（限期）改正通知书']],
        ['recipient', ['受送达人']],
        p.kind === 'refused'
          ? [
              'refusal: reason, date, witness, left at the premises (留置送达)',
              [
                '留置送达',
                '拒收理由',
                p.reason,
                '见证人周敏',
                `受送达人${left?.kind === 'premises' ? '经营场所' : '住所'}：${left?.address ?? '?'}`,
                '视为送达',
              ],
              [`送达地点：${r.place.address}`],
            ]
          : ['direct service with signature', ['直接送达', '受送达人签收']],
        ...(r.reinspection?.doneAt && decision
          ? ([
              [
                'a decision made at the re-inspection: its own receipt, nothing claimed',
                [
                  '复查时作出的文书',
                  decision.number,
                  '2026年11月29日作出',
                  '第六十一条',
                  '____年__月__日',
                ],
              ],
            ] as Field[])
          : []),
        OFFICERS,
        ['date', ['2026年11月27日']],
      ];
    }
    case 'reinspectionRecord':
      return [
        ['date', ['复查时间', '2026年11月29日10时00分']],
        ['two officers', ['复查人员', ...OFFICERS[1]]],
        ['corrected or not', ['当事人已按期改正']],
        ['after-photos', ['改正后照片', 'SHA-256']],
        ['outcome: close', ['本案结案', '不予行政处罚决定书']],
        ['officer signature slots', ['复查人员1', '复查人员2']],
      ];
  }
}

const records = new Map<Fixture, LockedRecord>();
beforeAll(async () => {
  for (const f of FIXTURES) records.set(f, await fixture(f, TEMPLATE_VERSION));
});

/** The documents each case issues: every type is printed by at least one case. */
const ISSUED: Record<Fixture, DocType[]> = {
  person: [
    'inspectionRecord',
    'orderToCorrect',
    'commitmentLetter',
    'noPenaltyDecision',
    'proofOfService',
  ],
  organisation: ['inspectionRecord', 'orderToCorrect', 'proofOfService'],
  shop: [
    'inspectionRecord',
    'orderToCorrect',
    'commitmentLetter',
    'noPenaltyDecision',
    'proofOfService',
  ],
  reinspected: [
    'inspectionRecord',
    'orderToCorrect',
    'commitmentLetter',
    'noPenaltyDecision',
    'proofOfService',
    'reinspectionRecord',
  ],
};

it('the cases issue the documents the tests expect', () => {
  for (const f of FIXTURES) {
    expect([...(records.get(f)?.documents.map((d) => d.docType) ?? [])].sort()).toEqual(
      [...ISSUED[f]].sort(),
    );
  }
});

const cases = FIXTURES.flatMap((f) =>
  LAYOUTS.flatMap((l) => ISSUED[f].map((d) => [d, f, l] as const)),
);

describe.skipIf(!POPPLER)('REFERENCE §5 fields in the printed text', () => {
  it.each(cases)('%s of the %s case on %s paper', async (docType, name, layout) => {
    const record = records.get(name);
    if (!record) throw new Error(name);
    const { bytes, number, short } = await renderDoc(record, docType, layout);
    const text = pdftotext(bytes, `${name}-${docType}-${layout}`);
    const strip = (s: string) => s.replace(/\s+/g, '');
    expect(text, 'number').toContain(strip(number));
    expect(text, 'verification code').toContain(short);
    for (const [label, expected, absent = []] of fieldsOf(docType, record, layout)) {
      for (const s of expected) expect(text, `${docType}: ${label}: ${s}`).toContain(strip(s));
      for (const s of absent)
        expect(text, `${docType}: ${label}: not ${s}`).not.toContain(strip(s));
    }
  });
});

/** Each document type on each paper once: the code is drawn by one function for all. */
const qrCases = [...new Map(cases.map((c) => [`${c[0]}-${c[2]}`, c])).values()];

describe.skipIf(!POPPLER)('the verification QR code', () => {
  it.each(qrCases)(
    '%s of the %s case on %s paper reads as its address',
    async (docType, name, l) => {
      const record = records.get(name);
      if (!record) throw new Error(name);
      const { bytes, url } = await renderDoc(record, docType, l);
      expect(qrOf(bytes, `qr-${name}-${docType}-${l}`)).toBe(url);
    },
  );
});
