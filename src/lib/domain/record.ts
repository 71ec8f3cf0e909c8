import { z } from 'zod';
import { catalogVersionIdSchema, findItem, itemCodeSchema, type Catalog } from './catalog';
import { amendmentIssues, type PreviousVersion } from './amendment';
import { answersSchema, correctionIssues, evaluationSchema } from './evaluate';
import { freeText, instantSchema, LIMITS, text } from './fields';
import { canonicalJson, sha256Hex, type Digests } from './integrity';
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

export * from './amendment';
export * from './record-parts';
import {
  documentRefSchema,
  educationSchema,
  evidenceSchema,
  firstOffenceCheckSchema,
  officerRefSchema,
  partySignatureSchema,
  placeSchema,
  procedureSchema,
  reinspectionSchema,
  sha256Schema,
  signatureSchema,
  SOURCES,
  type DocType,
} from './record-parts';

export const RECORD_SCHEMA_VERSION = 1;
const sha256 = sha256Schema;

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
  /** The city platform's task this record handles (issue 19), kept by every later version. */
  taskId: z.string().regex(UUID_V7, '任务编号应为 UUIDv7').optional(),
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

/** The hashed content, everything except the hash itself, as canonical JSON. */
export function recordCanonicalContent(record: RecordContent | LockedRecord): string {
  const { contentHash: _omit, ...content } = record as LockedRecord;
  void _omit;
  return canonicalJson(content);
}

/** The hash of the content: SHA-256 of `recordCanonicalContent`. */
export async function recordContentHash(
  record: RecordContent | LockedRecord,
  digests?: Digests,
): Promise<string> {
  return sha256Hex(recordCanonicalContent(record), digests);
}

/**
 * The text a locked record is stored as, made from the canonical content its hash was checked
 * over (`recordCanonicalContent`) with the hash as first member: `JSON.parse` of it gives the
 * record back, and the server does not serialise each pushed record a second time.
 */
export function lockedRecordText(canonicalContent: string, contentHash: string): string {
  if (!canonicalContent.startsWith('{')) throw new TypeError('lockedRecordText: not an object');
  const rest = canonicalContent.slice(1);
  return `{"contentHash":${JSON.stringify(contentHash)}${rest === '}' ? '' : ','}${rest}`;
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
