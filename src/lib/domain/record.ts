import { z } from 'zod';
import { catalogVersionIdSchema, itemCodeSchema } from './catalog';
import { answersSchema, evaluationSchema, priorRecordSchema } from './evaluate';
import { hashCanonical, SHA256_HEX } from './integrity';
import { partyKeys, partySchema } from './party';
import { UUID, UUID_V7 } from './uuid';

/**
 * The enforcement record: what two officers found, decided and did, and its life cycle. Once
 * completed a version is locked by its content hash; any later change (an amendment after review,
 * a re-inspection) is a new version that names the hash of the one before.
 */

export const RECORD_SCHEMA_VERSION = 1;

/** Records and evidence are dated between 2020 and 2100; anything else is a typing error. */
const instant = z
  .string()
  .max(40)
  .refine((v) => {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) {
      return false;
    }
    const t = Date.parse(v);
    return Number.isFinite(t) && t >= Date.UTC(2020, 0, 1) && t < Date.UTC(2100, 0, 1);
  }, '时间格式无效或超出范围（应为 2020 至 2100 年之间的 ISO 8601 时间）');
const localDate = z.string().regex(/^20[2-9]\d-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');
const sha256 = z.string().regex(SHA256_HEX, '应为 64 位小写十六进制 SHA-256');
const text = (max: number) => z.string().trim().min(1).max(max);

export const certificateNoSchema = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z-]{4,32}$/, '执法证号应为 4 至 32 位字母、数字或连字符');

export const officerRefSchema = z
  .object({
    userId: z.string().min(1).max(64),
    name: text(50),
    certificateNo: certificateNoSchema,
  })
  .strict();
export type OfficerRef = z.infer<typeof officerRefSchema>;

export const placeSchema = z
  .object({
    address: text(200),
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
    accuracyM: z.number().min(0).max(100_000).optional(),
    source: z.enum(['gps', 'manual']),
  })
  .strict()
  .refine((p) => p.source === 'manual' || (p.lat !== undefined && p.lng !== undefined), {
    message: 'GPS 定位缺少经纬度',
  });
export type Place = z.infer<typeof placeSchema>;

export const EVIDENCE_MIME = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const MAX_EVIDENCE_BYTES = 15 * 1024 * 1024;

export const evidenceSchema = z
  .object({
    sha256,
    /** before: the violation as found; after: the corrected state; scene: anything else. */
    kind: z.enum(['before', 'after', 'scene']),
    mime: z.enum(EVIDENCE_MIME),
    bytes: z.number().int().min(1).max(MAX_EVIDENCE_BYTES),
    width: z.number().int().min(1).max(20_000).optional(),
    height: z.number().int().min(1).max(20_000).optional(),
    takenAt: instant,
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
    accuracyM: z.number().min(0).max(100_000).optional(),
    capturedBy: z.string().min(1).max(64),
    note: z.string().max(200).optional(),
  })
  .strict();
export type Evidence = z.infer<typeof evidenceSchema>;

export const signatureSchema = z
  .object({
    /** PNG of the strokes, stored as evidence by hash. */
    sha256,
    signerName: text(50),
    signedAt: instant,
  })
  .strict();
export type Signature = z.infer<typeof signatureSchema>;

export const partySignatureSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('signed'), signature: signatureSchema }).strict(),
  z
    .object({
      kind: z.literal('refused'),
      reason: text(300),
      witness: z
        .object({
          name: text(50),
          /** e.g. 社区居委会工作人员. */
          role: text(50),
          signature: signatureSchema,
        })
        .strict(),
    })
    .strict(),
  /** Only for a party who left or cannot be identified; never allows a no-penalty result. */
  z.object({ kind: z.literal('absent'), reason: text(300) }).strict(),
]);
export type PartySignature = z.infer<typeof partySignatureSchema>;

export const EDUCATION_METHODS = ['persuasion', 'guidance', 'publicity'] as const;
export const educationSchema = z
  .object({
    /** 说服教育 / 劝导示范 / 普法宣传 */
    methods: z.array(z.enum(EDUCATION_METHODS)).min(1).max(3),
    content: text(2000),
    lawExplained: text(1000),
    partyStatement: z.string().trim().max(2000),
  })
  .strict();
export type Education = z.infer<typeof educationSchema>;

export const DOC_TYPES = [
  'orderToCorrect',
  'commitmentLetter',
  'noPenaltyDecision',
  'inspectionRecord',
  'proofOfService',
  'reinspectionRecord',
] as const;
export const docTypeSchema = z.enum(DOC_TYPES);
export type DocType = z.infer<typeof docTypeSchema>;

export const documentRefSchema = z
  .object({
    /** Verification id printed in the QR code. */
    id: z.string().regex(UUID),
    docType: docTypeSchema,
    number: text(60),
    /** Issued with no reserved number left and no network; the server assigns the real one. */
    provisional: z.boolean(),
    templateVersion: z.string().min(1).max(20),
  })
  .strict();
export type DocumentRef = z.infer<typeof documentRefSchema>;

export const firstOffenceCheckSchema = z
  .object({
    checkedAt: instant,
    sources: z.array(z.enum(['local', 'server'])).max(2),
    partyKeys: z.array(z.string().max(300)).max(10),
    priors: z.array(priorRecordSchema).max(200),
  })
  .strict();
export type FirstOffenceCheck = z.infer<typeof firstOffenceCheckSchema>;

export const reinspectionSchema = z
  .object({
    dueDate: localDate,
    doneAt: instant.optional(),
    officers: z.tuple([officerRefSchema, officerRefSchema]).optional(),
    /** The re-inspecting officers' signatures on the re-inspection record. */
    signatures: z.tuple([signatureSchema, signatureSchema]).optional(),
    result: z.enum(['corrected', 'notCorrected']).optional(),
    note: z.string().max(1000).optional(),
  })
  .strict();
export type Reinspection = z.infer<typeof reinspectionSchema>;

export const RECORD_STATES = ['draft', 'completed', 'synced', 'returned', 'approved'] as const;
export type RecordState = (typeof RECORD_STATES)[number];
export const FOLLOW_UP_STATES = ['none', 'pending', 'corrected', 'escalated'] as const;
export type FollowUpState = (typeof FOLLOW_UP_STATES)[number];

export const SOURCES = ['patrol', 'complaint', 'hotline12319', 'camera'] as const;

const recordShape = {
  schemaVersion: z.literal(RECORD_SCHEMA_VERSION),
  id: z.string().regex(UUID_V7, '记录编号应为 UUIDv7'),
  version: z.number().int().min(1).max(1000),
  previousVersionHash: sha256.nullable(),
  deviceId: z.string().regex(UUID),
  squadId: z.string().min(1).max(64),
  officers: z.tuple([officerRefSchema, officerRefSchema]),
  createdAt: instant,
  foundAt: instant,
  place: placeSchema,
  source: z.enum(SOURCES),
  catalogVersion: catalogVersionIdSchema,
  itemCode: itemCodeSchema,
  party: partySchema,
  partyKeys: z.array(z.string().max(300)).max(10),
  facts: text(4000),
  answers: answersSchema,
  firstOffenceCheck: firstOffenceCheckSchema,
  evaluation: evaluationSchema,
  /** The instant the evaluation was computed at (its `now`), so the server can reproduce it. */
  evaluatedAt: instant,
  education: educationSchema.nullable(),
  evidence: z.array(evidenceSchema).max(30),
  signatures: z
    .object({
      party: partySignatureSchema,
      officers: z.tuple([signatureSchema, signatureSchema]),
    })
    .strict(),
  documents: z.array(documentRefSchema).max(12),
  followUp: z.enum(FOLLOW_UP_STATES),
  reinspection: reinspectionSchema.nullable(),
  /** Why this version replaces the previous one (amendments only). */
  amendmentNote: z.string().trim().max(1000).nullable(),
  completedAt: instant,
};

/** A locked record version as it travels and is stored; drafts live only on the phone. */
export const lockedRecordSchema = z
  .object({ ...recordShape, contentHash: sha256 })
  .strict()
  .superRefine((r, ctx) => {
    for (const issue of consistencyIssues(r)) ctx.addIssue({ code: 'custom', ...issue });
  });
export type LockedRecord = z.infer<typeof lockedRecordSchema>;
export type RecordContent = Omit<LockedRecord, 'contentHash'>;

export type Issue = { path: (string | number)[]; message: string };

/** Rules that span fields; the same list gates finishing on the phone and accepting on the server. */
export function consistencyIssues(r: RecordContent): Issue[] {
  const issues: Issue[] = [];
  const [a, b] = r.officers;
  if (a.userId === b.userId || a.certificateNo === b.certificateNo) {
    issues.push({
      path: ['officers'],
      message: '须由两名不同的执法人员共同执法（行政处罚法第四十二条）',
    });
  }
  if (r.version === 1 && r.previousVersionHash !== null) {
    issues.push({ path: ['previousVersionHash'], message: '首个版本不应引用前一版本' });
  }
  if (r.version > 1 && r.previousVersionHash === null) {
    issues.push({ path: ['previousVersionHash'], message: '修订版本必须引用前一版本的哈希' });
  }
  if (r.evaluation.itemCode !== r.itemCode || r.evaluation.catalogVersion !== r.catalogVersion) {
    issues.push({ path: ['evaluation'], message: '评估结果与事项或清单版本不一致' });
  }
  if (!r.evaluation.complete) {
    issues.push({ path: ['evaluation'], message: '核查清单尚有未回答的问题' });
  }
  const branch = r.evaluation.branch;
  const noPenalty = branch !== 'ineligible' && branch !== null;
  if (noPenalty && r.education === null) {
    issues.push({
      path: ['education'],
      message: '不予处罚的，应当对当事人进行教育（第三十三条第三款）',
    });
  }
  if (noPenalty && r.signatures.party.kind === 'absent') {
    issues.push({ path: ['signatures', 'party'], message: '当事人未到场的，不能适用免罚' });
  }
  if (!r.evidence.some((e) => e.kind === 'before' || e.kind === 'scene')) {
    issues.push({ path: ['evidence'], message: '至少需要一张违法现场照片' });
  }
  if (r.answers.correction?.mode === 'onTheSpot' && r.answers.correction.corrected) {
    if (!r.evidence.some((e) => e.kind === 'after')) {
      issues.push({ path: ['evidence'], message: '当场改正的，需要一张改正后照片' });
    }
  }
  if (r.completedAt < r.createdAt) {
    issues.push({ path: ['completedAt'], message: '完成时间早于创建时间' });
  }
  const keys = partyKeys(r.party);
  if (keys.length !== r.partyKeys.length || keys.some((k, i) => r.partyKeys[i] !== k)) {
    issues.push({ path: ['partyKeys'], message: '当事人匹配键与当事人信息不一致' });
  }
  const types = r.documents.map((d) => d.docType);
  if (new Set(types).size !== types.length) {
    issues.push({ path: ['documents'], message: '同一文书类型重复' });
  }
  return issues;
}

/** The hashed content: everything except the hash itself. */
export async function recordContentHash(record: RecordContent | LockedRecord): Promise<string> {
  const { contentHash: _omit, ...content } = record as LockedRecord;
  void _omit;
  return hashCanonical(content);
}

export async function lockRecord(content: RecordContent): Promise<LockedRecord> {
  const issues = consistencyIssues(content);
  if (issues.length > 0) throw new RecordIncompleteError(issues);
  return { ...content, contentHash: await recordContentHash(content) };
}

export async function verifyRecordHash(record: LockedRecord): Promise<boolean> {
  return (await recordContentHash(record)) === record.contentHash;
}

export class RecordIncompleteError extends Error {
  constructor(public readonly issues: Issue[]) {
    super(issues.map((i) => i.message).join('；'));
    this.name = 'RecordIncompleteError';
  }
}

// ---------------------------------------------------------------- life cycle

export type RecordEvent =
  | { type: 'complete' }
  | { type: 'synced' }
  | { type: 'return' }
  | { type: 'approve' }
  | { type: 'amend' };

const RECORD_TRANSITIONS: Record<RecordState, Partial<Record<RecordEvent['type'], RecordState>>> = {
  draft: { complete: 'completed' },
  completed: { synced: 'synced', amend: 'draft' },
  synced: { return: 'returned', approve: 'approved', amend: 'draft' },
  returned: { amend: 'draft' },
  approved: {},
};

export class IllegalTransitionError extends Error {
  constructor(
    public readonly from: string,
    public readonly event: string,
  ) {
    super(`illegal transition: ${event} from ${from}`);
    this.name = 'IllegalTransitionError';
  }
}

/**
 * The next state for an event; throws on an illegal one. `amend` yields the state of the new
 * version (a draft); the locked version it replaces keeps its own state.
 */
export function nextRecordState(from: RecordState, event: RecordEvent['type']): RecordState {
  const to = RECORD_TRANSITIONS[from][event];
  if (!to) throw new IllegalTransitionError(from, event);
  return to;
}

export type FollowUpEvent =
  'deadlineSet' | 'reinspectedCorrected' | 'reinspectedNotCorrected' | 'escalate';

const FOLLOW_UP_TRANSITIONS: Record<
  FollowUpState,
  Partial<Record<FollowUpEvent, FollowUpState>>
> = {
  none: { deadlineSet: 'pending', escalate: 'escalated' },
  pending: {
    reinspectedCorrected: 'corrected',
    reinspectedNotCorrected: 'escalated',
    escalate: 'escalated',
  },
  corrected: {},
  escalated: {},
};

export function nextFollowUp(from: FollowUpState, event: FollowUpEvent): FollowUpState {
  const to = FOLLOW_UP_TRANSITIONS[from][event];
  if (!to) throw new IllegalTransitionError(from, event);
  return to;
}

/** The content of the next version of a locked record, ready to be edited and locked again. */
export function amendmentOf(record: LockedRecord, note: string): RecordContent {
  if (!note.trim()) throw new RangeError('amendment needs a note');
  const { contentHash, ...content } = record;
  return {
    ...content,
    version: record.version + 1,
    previousVersionHash: contentHash,
    amendmentNote: note.trim(),
  };
}

/**
 * Documents a record needs, from its evaluation and correction mode (REFERENCE §5). A deadline
 * case gets its decision of no penalty only with the re-inspection that confirms the correction;
 * an ineligible case gets the order to correct but no letter or decision of exemption.
 */
export function requiredDocuments(
  r: Pick<RecordContent, 'evaluation' | 'answers' | 'reinspection'>,
): DocType[] {
  const docs: DocType[] = ['inspectionRecord', 'orderToCorrect'];
  const branch = r.evaluation.branch;
  // The notify-and-commit letter promises exemption in return for correction: never issued for a
  // case that goes to the ordinary procedure.
  if (r.answers.commitmentSigned === true && branch !== 'ineligible') docs.push('commitmentLetter');
  if (branch === 'mild' || branch === 'firstOffence' || branch === 'noFault') {
    docs.push('noPenaltyDecision');
  }
  if (r.reinspection?.result) docs.push('reinspectionRecord');
  docs.push('proofOfService');
  return docs;
}

/** Every file a record references by hash: evidence photos and signature images. */
export function referencedBlobs(
  r: Pick<LockedRecord, 'evidence' | 'signatures'> & {
    reinspection?: LockedRecord['reinspection'];
  },
): string[] {
  const out = new Set<string>();
  for (const s of r.reinspection?.signatures ?? []) out.add(s.sha256);
  for (const e of r.evidence) out.add(e.sha256);
  for (const s of r.signatures.officers) out.add(s.sha256);
  const p = r.signatures.party;
  if (p.kind === 'signed') out.add(p.signature.sha256);
  if (p.kind === 'refused') out.add(p.witness.signature.sha256);
  return [...out];
}
