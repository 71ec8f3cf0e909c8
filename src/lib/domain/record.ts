import { z } from 'zod';
import { catalogVersionIdSchema, findItem, itemCodeSchema, type Catalog } from './catalog';
import { answersSchema, correctionIssues, evaluationSchema, priorRecordSchema } from './evaluate';
import {
  accuracySchema,
  freeText,
  instantSchema,
  latitudeSchema,
  LIMITS,
  line,
  localDateSchema,
  longitudeSchema,
  text,
} from './fields';
import { canonicalJson, hashCanonical, SHA256_HEX } from './integrity';
import { issue, issuesFromZod, type Issue } from './issues';
import { FOLLOW_UP_STATES, followUpOf } from './lifecycle';
import { partyIssues, partyKeys, partySchema } from './party';
import { shanghaiDate } from './time';
import { UUID, UUID_V7 } from './uuid';

/**
 * The enforcement record: what two officers found, decided and did, and its life cycle. Once
 * completed a version is locked by its content hash; any later change (an amendment after review,
 * a re-inspection) is a new version that names the hash of the one before.
 */

export const RECORD_SCHEMA_VERSION = 1;

const sha256 = z.string().regex(SHA256_HEX, '应为 64 位小写十六进制 SHA-256');

export const certificateNoSchema = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z-]{4,32}$/, '执法证号应为 4 至 32 位字母、数字或连字符');

export const officerRefSchema = z
  .object({
    userId: z.string().min(1).max(64),
    name: line(LIMITS.officerName),
    certificateNo: certificateNoSchema,
  })
  .strict();
export type OfficerRef = z.infer<typeof officerRefSchema>;

export const placeSchema = z
  .object({
    address: line(LIMITS.address),
    lat: latitudeSchema.optional(),
    lng: longitudeSchema.optional(),
    accuracyM: accuracySchema.optional(),
    source: z.enum(['gps', 'manual']),
  })
  .strict()
  .refine((p) => p.source === 'manual' || (p.lat !== undefined && p.lng !== undefined), {
    message: 'GPS 定位缺少经纬度',
    params: { code: 'invalid' },
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
    takenAt: instantSchema,
    lat: latitudeSchema.optional(),
    lng: longitudeSchema.optional(),
    accuracyM: accuracySchema.optional(),
    capturedBy: z.string().min(1).max(64),
    note: freeText(LIMITS.evidenceNote).optional(),
  })
  .strict();
export type Evidence = z.infer<typeof evidenceSchema>;

export const signatureSchema = z
  .object({
    /** PNG of the strokes, stored as evidence by hash. */
    sha256,
    signerName: line(LIMITS.signerName),
    signedAt: instantSchema,
  })
  .strict();
export type Signature = z.infer<typeof signatureSchema>;

export const partySignatureSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('signed'), signature: signatureSchema }).strict(),
  z
    .object({
      kind: z.literal('refused'),
      reason: text(LIMITS.refusalReason),
      witness: z
        .object({
          name: line(LIMITS.witnessName),
          /** e.g. 社区居委会工作人员. */
          role: line(LIMITS.witnessRole),
          signature: signatureSchema,
        })
        .strict(),
    })
    .strict(),
  /** Only for a party who left or cannot be identified; never allows a no-penalty result. */
  z.object({ kind: z.literal('absent'), reason: text(LIMITS.absentReason) }).strict(),
]);
export type PartySignature = z.infer<typeof partySignatureSchema>;

export const EDUCATION_METHODS = ['persuasion', 'guidance', 'publicity'] as const;
export const educationSchema = z
  .object({
    /** 说服教育 / 劝导示范 / 普法宣传 */
    methods: z.array(z.enum(EDUCATION_METHODS)).min(1).max(3),
    content: text(LIMITS.educationContent),
    lawExplained: text(LIMITS.lawExplained),
    partyStatement: freeText(LIMITS.partyStatement),
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
    number: line(LIMITS.documentNumber),
    /** Issued with no reserved number left and no network; the server assigns the real one. */
    provisional: z.boolean(),
    templateVersion: z.string().min(1).max(20),
  })
  .strict();
export type DocumentRef = z.infer<typeof documentRefSchema>;

export const firstOffenceCheckSchema = z
  .object({
    checkedAt: instantSchema,
    sources: z.array(z.enum(['local', 'server'])).max(2),
    partyKeys: z.array(z.string().max(300)).max(10),
    priors: z.array(priorRecordSchema).max(200),
  })
  .strict();
export type FirstOffenceCheck = z.infer<typeof firstOffenceCheckSchema>;

export const reinspectionSchema = z
  .object({
    dueDate: localDateSchema,
    doneAt: instantSchema.optional(),
    officers: z.tuple([officerRefSchema, officerRefSchema]).optional(),
    /** The re-inspecting officers' signatures on the re-inspection record. */
    signatures: z.tuple([signatureSchema, signatureSchema]).optional(),
    result: z.enum(['corrected', 'notCorrected']).optional(),
    note: freeText(LIMITS.reinspectionNote).optional(),
  })
  .strict();
export type Reinspection = z.infer<typeof reinspectionSchema>;

/**
 * How the on-site procedure was conducted, recorded by the officers (documents of template 2 on
 * print it): certificates shown first (Administrative Penalty Law Art. 55), the party told of the
 * right to ask for recusal (Art. 43), which officer wrote the inspection record, and, when the
 * party refused to sign, where the documents were left (留置送达 is valid only at the party's
 * residence or, for an organisation, its premises: Civil Procedure Law Art. 89).
 */
export const procedureSchema = z
  .object({
    certificatesShown: z.boolean(),
    recusalNotified: z.boolean(),
    /** Index into `officers` of the recorder (记录人). */
    recorder: z.union([z.literal(0), z.literal(1)]),
    leftAt: z
      .object({ kind: z.enum(['residence', 'premises']), address: line(LIMITS.address) })
      .strict()
      .optional(),
  })
  .strict();
export type Procedure = z.infer<typeof procedureSchema>;

export const SOURCES = ['patrol', 'complaint', 'hotline12319', 'camera'] as const;

const recordShape = {
  schemaVersion: z.literal(RECORD_SCHEMA_VERSION),
  id: z.string().regex(UUID_V7, '记录编号应为 UUIDv7'),
  version: z.number().int().min(1).max(1000),
  previousVersionHash: sha256.nullable(),
  deviceId: z.string().regex(UUID),
  squadId: z.string().min(1).max(64),
  officers: z.tuple([officerRefSchema, officerRefSchema]),
  createdAt: instantSchema,
  foundAt: instantSchema,
  place: placeSchema,
  source: z.enum(SOURCES),
  catalogVersion: catalogVersionIdSchema,
  itemCode: itemCodeSchema,
  party: partySchema,
  partyKeys: z.array(z.string().max(300)).max(10),
  facts: text(LIMITS.facts),
  answers: answersSchema,
  firstOffenceCheck: firstOffenceCheckSchema,
  evaluation: evaluationSchema,
  /** The instant the evaluation was computed at (its `now`), so the server can reproduce it. */
  evaluatedAt: instantSchema,
  education: educationSchema.nullable(),
  /** Absent on records whose documents are all of template 1 (issued before it existed). */
  procedure: procedureSchema.optional(),
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
  amendmentNote: freeText(LIMITS.amendmentNote).nullable(),
  completedAt: instantSchema,
};

/**
 * Stored versions are read back with the structure alone: a rule tightened later must not make
 * the records already accepted unreadable (changing a limit downwards needs a migration).
 */
export const storedRecordSchema = z.object({ ...recordShape, contentHash: sha256 }).strict();

const addConsistencyIssues = (r: RecordContent, ctx: z.RefinementCtx) => {
  for (const i of consistencyIssues(r)) {
    ctx.addIssue({
      code: 'custom',
      path: i.path,
      message: i.message,
      params: { code: i.code, ...i.params },
    });
  }
};

/** The content of a version before its hash: what the phone checks before it locks. */
export const recordContentSchema = z.object(recordShape).strict().superRefine(addConsistencyIssues);

/** A locked record version as it travels; the server accepts nothing else. */
export const lockedRecordSchema = z
  .object({ ...recordShape, contentHash: sha256 })
  .strict()
  .superRefine(addConsistencyIssues);
export type LockedRecord = z.infer<typeof lockedRecordSchema>;
export type RecordContent = Omit<LockedRecord, 'contentHash'>;

export type { Issue };

/** Rules that span fields; part of the schema, so phone and server apply the same list. */
export function consistencyIssues(r: RecordContent): Issue[] {
  const issues: Issue[] = [];
  const [a, b] = r.officers;
  if (a.userId === b.userId || a.certificateNo === b.certificateNo) {
    issues.push(issue(['officers'], 'twoOfficers'));
  }
  if (r.version === 1 && r.previousVersionHash !== null) {
    issues.push(issue(['previousVersionHash'], 'firstVersionHasPrevious'));
  }
  if (r.version > 1 && r.previousVersionHash === null) {
    issues.push(issue(['previousVersionHash'], 'amendmentNeedsPrevious'));
  }
  if (r.evaluation.itemCode !== r.itemCode || r.evaluation.catalogVersion !== r.catalogVersion) {
    issues.push(issue(['evaluation'], 'evaluationMismatch'));
  }
  if (!r.evaluation.complete) {
    issues.push(issue(['evaluation'], 'checklistIncomplete'));
  }
  const branch = r.evaluation.branch;
  const noPenalty = branch !== 'ineligible' && branch !== null;
  if (noPenalty && r.education === null) {
    issues.push(issue(['education'], 'educationRequired'));
  }
  if (noPenalty && r.signatures.party.kind === 'absent') {
    issues.push(issue(['signatures', 'party'], 'absentNoExemption'));
  }
  // A party who refused to sign (or was not there) signed no commitment letter either.
  if (r.answers.commitmentSigned === true && r.signatures.party.kind !== 'signed') {
    issues.push(issue(['answers', 'commitmentSigned'], 'commitmentSignedButRefused'));
  }
  if (!r.evidence.some((e) => e.kind === 'before' || e.kind === 'scene')) {
    issues.push(issue(['evidence'], 'evidenceBefore'));
  }
  if (r.answers.correction?.mode === 'onTheSpot' && r.answers.correction.corrected) {
    if (!r.evidence.some((e) => e.kind === 'after')) {
      issues.push(issue(['evidence'], 'evidenceAfter'));
    }
  }
  if (r.completedAt < r.createdAt) {
    issues.push(issue(['completedAt'], 'completedBeforeCreated'));
  }
  issues.push(...partyIssues(r.party, shanghaiDate(r.foundAt)));
  const keys = partyKeys(r.party);
  if (keys.length !== r.partyKeys.length || keys.some((k, i) => r.partyKeys[i] !== k)) {
    issues.push(issue(['partyKeys'], 'partyKeys'));
  }
  issues.push(...procedureIssues(r));
  const types = r.documents.map((d) => d.docType);
  if (new Set(types).size !== types.length) {
    issues.push(issue(['documents'], 'duplicateDocType'));
  }
  issues.push(...reinspectionIssues(r));
  if (r.followUp !== followUpOf(r)) {
    issues.push(issue(['followUp'], 'followUpMismatch'));
  }
  return issues;
}

/** Documents of template 2 on print the procedure, so it must be there and lawful. */
function procedureIssues(r: RecordContent): Issue[] {
  const p = r.procedure;
  const printsProcedure = r.documents.some((d) => d.templateVersion !== '1');
  if (!p) return printsProcedure ? [issue(['procedure'], 'procedureRequired')] : [];
  const issues: Issue[] = [];
  if (!p.certificatesShown)
    issues.push(issue(['procedure', 'certificatesShown'], 'certificatesNotShown'));
  if (!p.recusalNotified)
    issues.push(issue(['procedure', 'recusalNotified'], 'recusalNotNotified'));
  const refused = r.signatures.party.kind === 'refused';
  if (refused && !p.leftAt) issues.push(issue(['procedure', 'leftAt'], 'serviceAddressRequired'));
  if (!refused && p.leftAt)
    issues.push(issue(['procedure', 'leftAt'], 'serviceAddressOnlyForRefusal'));
  if (
    r.party.kind === 'person' &&
    !r.party.address &&
    requiredDocuments(r).includes('noPenaltyDecision')
  ) {
    issues.push(issue(['party', 'address'], 'addressRequiredForDecision'));
  }
  return issues;
}

/** A deadline case carries its re-inspection, and a re-inspection says who did it and how. */
function reinspectionIssues(r: RecordContent): Issue[] {
  const c = r.answers.correction;
  const re = r.reinspection;
  const wrong = [issue(['reinspection'], 'reinspectionMismatch')];
  if (c?.mode !== 'deadline') return re === null ? [] : wrong;
  if (re === null || re.dueDate !== c.deadline) return wrong;
  if ((re.result ?? null) !== (c.reinspection?.result ?? null)) return wrong;
  if (re.result && (!re.doneAt || !re.officers || !re.signatures)) return wrong;
  return [];
}

/**
 * Rules between a record and the catalog version it names: the item is in it, and the officer's
 * correction answer keeps to the item's rules, counted from the day of the finding.
 */
export function catalogIssues(
  r: Pick<RecordContent, 'itemCode' | 'catalogVersion' | 'answers' | 'foundAt'>,
  catalog: Catalog,
): Issue[] {
  const item = catalog.versionId === r.catalogVersion ? findItem(catalog, r.itemCode) : undefined;
  if (!item) {
    return [
      issue(['itemCode'], 'notInCatalog', {
        itemCode: r.itemCode,
        catalogVersion: r.catalogVersion,
      }),
    ];
  }
  return correctionIssues(item, r.answers.correction, shanghaiDate(r.foundAt));
}

/**
 * What a signature attests: the finding (party, place, time, facts, item), the officers, the
 * checklist answers and the priors the decision rests on, and the education. Not the evidence
 * list (photos carry their own time and place), the documents, the re-inspection or the note of
 * an amendment. ADR 0009 gives the reasons.
 */
export function attestedContent(
  r: Pick<
    RecordContent,
    | 'party'
    | 'place'
    | 'foundAt'
    | 'facts'
    | 'itemCode'
    | 'catalogVersion'
    | 'officers'
    | 'source'
    | 'answers'
    | 'education'
    | 'firstOffenceCheck'
  >,
): string {
  const correction = r.answers.correction;
  const onSite =
    correction?.mode === 'deadline' ? { ...correction, reinspection: undefined } : correction;
  return canonicalJson({
    party: r.party,
    place: r.place,
    foundAt: r.foundAt,
    facts: r.facts,
    itemCode: r.itemCode,
    catalogVersion: r.catalogVersion,
    officers: r.officers.map((o) => o.userId),
    source: r.source,
    answers: { ...r.answers, correction: onSite },
    education: r.education,
    priors: r.firstOffenceCheck.priors.map((p) => p.recordId).sort(),
  });
}

/** Hashes of every signature image a record holds (any shape: a quarantined body too). */
export function signatureHashes(signatures: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(walk);
    const o = v as Record<string, unknown>;
    if (typeof o.sha256 === 'string' && typeof o.signedAt === 'string') out.add(o.sha256);
    Object.values(o).forEach(walk);
  };
  walk(signatures);
  return out;
}

/** The version an amendment replaces, as far as the amendment rules need it. */
export type PreviousVersion = {
  version: number;
  contentHash: string;
  evidence: readonly string[];
  /** Verification ids of the documents it issued. */
  documents: readonly string[];
  /** Its two officers as canonical JSON (id, name, certificate number). */
  officers: string | null;
  signatures: Set<string>;
  /** null when the version could not be read as a record (a quarantined body). */
  attested: string | null;
};

export function previousVersionOf(r: LockedRecord): PreviousVersion {
  return {
    version: r.version,
    contentHash: r.contentHash,
    evidence: r.evidence.map((e) => e.sha256),
    documents: r.documents.map((d) => d.id),
    officers: canonicalJson(r.officers),
    signatures: signatureHashes(r.signatures),
    attested: attestedContent(r),
  };
}

/**
 * Rules between a version and the one it replaces: original evidence stays, and a signature made
 * for the earlier version carries over only while what it attests is unchanged.
 */
export function amendmentIssues(prev: PreviousVersion, next: RecordContent): Issue[] {
  const issues: Issue[] = [];
  if (next.version !== prev.version + 1 || next.previousVersionHash !== prev.contentHash) {
    issues.push(issue(['previousVersionHash'], 'previousChanged'));
  }
  const kept = new Set(next.evidence.map((e) => e.sha256));
  if (prev.evidence.some((h) => !kept.has(h))) issues.push(issue(['evidence'], 'evidenceRemoved'));
  // A document already served keeps its number and stays verifiable in every later version.
  const issued = new Set(next.documents.map((d) => d.id));
  if (prev.documents.some((id) => !issued.has(id))) {
    issues.push(issue(['documents'], 'documentsDropped'));
  }
  if (prev.officers !== null && prev.officers !== canonicalJson(next.officers)) {
    issues.push(issue(['officers'], 'officersChanged'));
  }
  if (prev.attested === null || prev.attested !== attestedContent(next)) {
    const stale = (sha: string | undefined) => sha !== undefined && prev.signatures.has(sha);
    const p = next.signatures.party;
    const partySha =
      p.kind === 'signed'
        ? p.signature.sha256
        : p.kind === 'refused'
          ? p.witness.signature.sha256
          : undefined;
    if (stale(partySha)) {
      issues.push(issue(['signatures', 'party'], 'signaturesStale', { version: prev.version }));
    }
    if (next.signatures.officers.some((s) => stale(s.sha256))) {
      issues.push(issue(['signatures', 'officers'], 'signaturesStale', { version: prev.version }));
    }
  }
  return issues;
}

/** The hashed content: everything except the hash itself. */
export async function recordContentHash(record: RecordContent | LockedRecord): Promise<string> {
  const { contentHash: _omit, ...content } = record as LockedRecord;
  void _omit;
  return hashCanonical(content);
}

export type LockContext = {
  /** The catalog version the record names. */
  catalog: Catalog;
  /** The version this one replaces, for amendments and re-inspections. */
  previous?: PreviousVersion | null;
};

/**
 * Every reason the server would refuse this content, found before locking: the schema (field
 * limits, formats, cross-field rules), the catalog and the amendment rules. On success, the
 * parsed content: trimmed exactly as the server will read it, so both hash the same text.
 */
export function checkContent(
  candidate: RecordContent,
  context: LockContext,
): { ok: true; content: RecordContent } | { ok: false; issues: Issue[] } {
  const parsed = recordContentSchema.safeParse(candidate);
  if (!parsed.success) return { ok: false, issues: issuesFromZod(parsed.error, candidate) };
  const content = parsed.data;
  const issues = [
    ...catalogIssues(content, context.catalog),
    ...(context.previous ? amendmentIssues(context.previous, content) : []),
  ];
  return issues.length > 0 ? { ok: false, issues } : { ok: true, content };
}

export async function lockRecord(
  content: RecordContent,
  context?: LockContext,
): Promise<LockedRecord> {
  const checked = context
    ? checkContent(content, context)
    : (() => {
        const parsed = recordContentSchema.safeParse(content);
        return parsed.success
          ? { ok: true as const, content: parsed.data }
          : { ok: false as const, issues: issuesFromZod(parsed.error, content) };
      })();
  if (!checked.ok) throw new RecordIncompleteError(checked.issues);
  return { ...checked.content, contentHash: await recordContentHash(checked.content) };
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
