/**
 * Factories for domain objects, shared by unit, integration and browser tests. Each builds a
 * valid object by running the real domain code (evaluate, lockRecord), so a test states only
 * what it changes.
 */
import {
  parseCatalog,
  type Catalog,
  type CatalogInput,
  type CatalogItemInput,
} from '$lib/domain/catalog';
import { evaluate, type ChecklistAnswers, type PriorRecord } from '$lib/domain/evaluate';
import { partyKeys, type Party } from '$lib/domain/party';
import {
  lockRecord,
  requiredDocuments,
  RECORD_SCHEMA_VERSION,
  type LockedRecord,
  type OfficerRef,
  type RecordContent,
} from '$lib/domain/record';
import { starterCatalog } from '$lib/domain/starter-catalog';
import { shanghaiDate, shanghaiIso } from '$lib/domain/time';
import { uuidv7 } from '$lib/domain/uuid';
import { TEMPLATE_VERSION } from '$lib/notices/content';
import type { Me, PhoneTask } from '$lib/sync/contract';

export function catalogItem(overrides: Partial<CatalogItemInput> = {}): CatalogItemInput {
  return {
    code: 'TS-01',
    name: '测试事项',
    category: 'test',
    prohibitingClause: { law: '《测试条例》', article: '第一条', verified: true },
    penaltyClause: { law: '《测试条例》', article: '第二条', verified: false },
    branches: ['firstOffence'],
    conditions: [
      { id: 'firstOffence', kind: 'firstOffence', text: '首次违法', branches: ['firstOffence'] },
      { id: 'slightHarm', kind: 'fact', text: '危害后果轻微', expected: true },
      { id: 'area', kind: 'threshold', text: '占用面积', unit: 'm²', limit: 5 },
      { id: 'corrected', kind: 'correction', text: '及时改正' },
      { id: 'commitment', kind: 'commitment', text: '签署承诺书', required: 'deadlineOnly' },
    ],
    lookbackMonths: 12,
    correction: { onTheSpot: true, deadline: { maxDays: 3 } },
    exclusions: [{ id: 'safetyRisk', kind: 'safety', text: '存在安全隐患' }],
    educationTemplate: '已进行教育。',
    ...overrides,
  };
}

/** The input of a test catalog, before validation. */
export function testCatalogInput(
  items: CatalogItemInput[],
  overrides: Partial<CatalogInput> = {},
): CatalogInput {
  return {
    versionId: 'test-1',
    bureau: { name: '测试市城市管理局', shortName: '测试城管局' },
    title: '测试清单',
    effectiveFrom: '2026-01-01',
    categories: [{ id: 'test', name: '测试', tenDisorders: false }],
    items,
    ...overrides,
  };
}

export function testCatalog(
  items: CatalogItemInput[],
  overrides: Partial<CatalogInput> = {},
): Catalog {
  return parseCatalog(testCatalogInput(items, overrides));
}

export function answers(overrides: Partial<ChecklistAnswers> = {}): ChecklistAnswers {
  return {
    conditions: { slightHarm: true, area: 3 },
    exclusions: { safetyRisk: false },
    correction: { mode: 'onTheSpot', corrected: true },
    educationRecorded: true,
    discretionReason: '首次违法，当场改正，态度良好',
    ...overrides,
  };
}

export function prior(overrides: Partial<PriorRecord> = {}): PriorRecord {
  return {
    recordId: uuidv7(Date.parse('2026-06-01T00:00:00Z')),
    itemCode: 'TS-01',
    partyKeys: ['id:340102199003071232'],
    date: '2026-06-01',
    ...overrides,
  };
}

export const OFFICERS: [OfficerRef, OfficerRef] = [
  { userId: 'u-officer1', name: '张伟', certificateNo: '34010001' },
  { userId: 'u-officer2', name: '王喆', certificateNo: '34010002' },
];

/** Hashes of tiny real PNG/JPEG files are not needed here: evidence is referenced by hash only. */
export function fakeHash(seed: string): string {
  let h = 0n;
  for (const ch of seed) h = (h * 131n + BigInt(ch.codePointAt(0) ?? 0)) % (1n << 255n);
  return h.toString(16).padStart(64, '0').slice(-64);
}

export type RecordOptions = {
  id?: string;
  now?: string;
  itemCode?: string;
  party?: Party;
  officers?: [OfficerRef, OfficerRef];
  squadId?: string;
  deviceId?: string;
  answers?: Partial<ChecklistAnswers>;
  history?: PriorRecord[];
  evidenceHashes?: string[];
  catalog?: Catalog;
  facts?: string;
  /** '1' builds a record issued before the on-site procedure was recorded. */
  templateVersion?: string;
  /** The city platform's task the record handles. */
  taskId?: string;
};

/** A complete, locked record of a starter-catalog item (SR-02 by default), evaluated for real. */
export async function lockedRecord(options: RecordOptions = {}): Promise<LockedRecord> {
  return lockRecord(recordContent(options));
}

export function recordContent(options: RecordOptions = {}): RecordContent {
  const catalog = options.catalog ?? starterCatalog;
  const now = options.now ?? '2026-11-27T02:30:00Z';
  const id = options.id ?? uuidv7(Date.parse(now));
  const party: Party = options.party ?? {
    kind: 'person',
    name: '欧阳娜娜',
    idNumber: '340102199003071232',
    mobile: '13800138000',
    address: '六安市金安区佛子岭路18号',
  };
  const itemCode = options.itemCode ?? 'SR-02';
  const templateVersion = options.templateVersion ?? TEMPLATE_VERSION;
  const keys = partyKeys(party);
  const a: ChecklistAnswers = {
    conditions: { slightHarm: true, cooperates: true, notFixedSpot: true },
    exclusions: { safetyRisk: false, personalInjury: false, propertyDamage: false },
    correction: { mode: 'onTheSpot', corrected: true },
    commitmentSigned: true,
    educationRecorded: true,
    discretionReason: '首次违法，当场改正，危害后果轻微',
    ...options.answers,
  };
  const history = options.history ?? [];
  const evaluation = evaluate({
    catalog,
    itemCode,
    answers: a,
    partyKeys: keys,
    history,
    foundOn: shanghaiDate(now),
    now,
    recordId: id,
  });
  const officers = options.officers ?? OFFICERS;
  const [h1, h2, h3, h4, h5] = options.evidenceHashes ?? [
    fakeHash(id + 'before'),
    fakeHash(id + 'after'),
    fakeHash(id + 'sigParty'),
    fakeHash(id + 'sig1'),
    fakeHash(id + 'sig2'),
  ];
  const at = shanghaiIso(now);
  const content: RecordContent = {
    schemaVersion: RECORD_SCHEMA_VERSION,
    id,
    version: 1,
    previousVersionHash: null,
    deviceId: options.deviceId ?? '0190a0b0-0000-7000-8000-000000000001',
    squadId: options.squadId ?? 'sq-jinan',
    officers,
    createdAt: at,
    foundAt: at,
    place: {
      address: '六安市金安区梅山南路12号',
      lat: 31.7349,
      lng: 116.5078,
      accuracyM: 8,
      source: 'gps',
    },
    source: 'patrol',
    catalogVersion: catalog.versionId,
    itemCode,
    party,
    partyKeys: keys,
    facts: '当事人在人行道上摆摊销售水果，占用面积约2平方米。',
    answers: a,
    firstOffenceCheck: { checkedAt: at, sources: ['local'], partyKeys: keys, priors: history },
    evaluation,
    evaluatedAt: at,
    education: {
      methods: ['persuasion', 'publicity'],
      content: '向当事人宣讲了《城市道路管理条例》第二十七条，当事人表示理解。',
      lawExplained: '《城市道路管理条例》第二十七条、第四十二条',
      partyStatement: '我知道错了，马上收摊。',
    },
    ...(templateVersion === '1'
      ? {}
      : { procedure: { certificatesShown: true, recusalNotified: true, recorder: 0 as const } }),
    evidence: [
      {
        sha256: h1 ?? '',
        kind: 'before',
        mime: 'image/jpeg',
        bytes: 250_000,
        width: 1920,
        height: 1440,
        takenAt: at,
        capturedBy: officers[0].userId,
      },
      {
        sha256: h2 ?? '',
        kind: 'after',
        mime: 'image/jpeg',
        bytes: 240_000,
        width: 1920,
        height: 1440,
        takenAt: at,
        capturedBy: officers[0].userId,
      },
    ],
    signatures: {
      party: {
        kind: 'signed',
        signature: {
          sha256: h3 ?? '',
          signerName: party.kind === 'person' ? party.name : '当事人',
          signedAt: at,
        },
      },
      officers: [
        { sha256: h4 ?? '', signerName: officers[0].name, signedAt: at },
        { sha256: h5 ?? '', signerName: officers[1].name, signedAt: at },
      ],
    },
    documents: [],
    followUp: a.correction?.mode === 'deadline' ? 'pending' : 'none',
    reinspection: a.correction?.mode === 'deadline' ? { dueDate: a.correction.deadline } : null,
    ...(options.taskId ? { taskId: options.taskId } : {}),
    amendmentNote: null,
    completedAt: at,
    ...(options.facts ? { facts: options.facts } : {}),
  };
  content.documents = requiredDocuments(content).map((docType, i) => ({
    id: uuidv7(Date.parse(now) + i),
    docType,
    number: `六城管测〔${shanghaiDate(now).slice(0, 4)}〕第${String(i + 1).padStart(4, '0')}号`,
    provisional: false,
    templateVersion,
  }));
  return content;
}

/** The demo's officer1 as the phone knows them after signing in. */
/** A task from the city platform as a phone receives it (ADR 0023). */
export function phoneTask(overrides: Partial<PhoneTask> = {}): PhoneTask {
  return {
    id: '0190a0b0-0000-7000-8000-0000000000c1',
    caseId: '12319-2026-000101',
    source: 'hotline',
    address: '六安市金安区梅山南路 88 号',
    latitude: null,
    longitude: null,
    description: '市民来电：店铺门外摆放货架经营。',
    suspectedItemCode: 'SR-01',
    reportedAt: null,
    dueAt: '2026-12-03T10:00:00.000Z',
    squadId: 'sq-jinan',
    officerIds: ['u-officer1', 'u-officer2'],
    ...overrides,
  };
}

export function officerMe(overrides: Partial<Me> = {}): Me {
  return {
    id: 'u-officer1',
    username: 'officer1',
    role: 'officer',
    realName: '张伟',
    certificateNo: '34151001',
    squad: { id: 'sq-jinan', name: '金安区中队', district: '金安区' },
    supervisedSquads: [],
    bureau: { id: 'luan', name: '六安市城市管理局', shortName: '六安市城管局' },
    roster: [],
    streets: [],
    squadPlaces: [],
    deviceId: null,
    publicUrl: 'http://localhost:3000',
    ledgerKey: null,
    ledgerKeyId: null,
    failedSignIns: null,
    ...overrides,
  };
}
