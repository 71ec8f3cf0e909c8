import type { Catalog } from './catalog';
import { findItem } from './catalog';
import { evaluate, type Evaluation } from './evaluate';
import { issue, issuesFromZod, type Issue } from './issues';
import { followUpOf } from './lifecycle';
import {
  IDENTIFIER_ISSUE,
  normaliseParty,
  partyKeys,
  partySchema,
  validateParty,
  type Party,
} from './party';
import {
  attestedContent,
  checkContent,
  previousVersionOf,
  RECORD_SCHEMA_VERSION,
  type Education,
  type LockedRecord,
  type OfficerRef,
  type Place,
  type Procedure,
  type RecordContent,
  type Signature,
} from './record';
import { shanghaiDate, shanghaiIso } from './time';
import type { Author, BuildContext, Draft } from './draft';

/**
 * From what the officer typed to a record the server accepts. The phone's wizard, its lock step,
 * the demo seed and the test factories all build records here, and every record built is checked
 * with the same rules the server's ingest applies (`checkContent`), so what the phone locks, the
 * server takes.
 */

export type { Author, BuildContext, Draft } from './draft';

export function newDraft(catalog: Catalog, id: string, now: Date): Draft {
  const at = shanghaiIso(now);
  return {
    id,
    kind: 'new',
    base: null,
    createdAt: at,
    updatedAt: at,
    step: 0,
    catalogVersion: catalog.versionId,
    itemCode: null,
    foundAt: at,
    source: 'patrol',
    place: { source: 'manual' },
    party: {},
    facts: '',
    answers: { conditions: {}, exclusions: {} },
    firstOffenceCheck: null,
    education: {},
    evidence: [],
    secondOfficer: null,
    secondOfficerForReinspection: null,
    signatures: { party: null, officers: [null, null] },
  };
}

/** The next version of a locked record, to amend or to record a re-inspection. */
export function draftFrom(
  record: LockedRecord,
  kind: 'amend' | 'reinspect',
  now: Date,
  amendReason: 'returned' | 'rejected' = 'returned',
): Draft {
  return {
    id: record.id,
    kind,
    base: record,
    ...(kind === 'amend' ? { amendReason } : {}),
    createdAt: record.createdAt,
    updatedAt: shanghaiIso(now),
    step: 0,
    catalogVersion: record.catalogVersion,
    itemCode: record.itemCode,
    foundAt: record.foundAt,
    source: record.source,
    place: record.place,
    party: record.party,
    facts: record.facts,
    answers: structuredClone(record.answers),
    firstOffenceCheck: record.firstOffenceCheck,
    education: record.education ?? {},
    evidence: [...record.evidence],
    secondOfficer: record.officers[1],
    secondOfficerForReinspection: null,
    signatures: { party: record.signatures.party, officers: [...record.signatures.officers] },
    ...(record.procedure ? { procedure: structuredClone(record.procedure) } : {}),
    ...(kind === 'reinspect'
      ? { reinspection: { result: null, note: '', signatures: [null, null] } }
      : {}),
  };
}

/** The draft's party checked field by field; issues name the field (`party.idNumber`). */
export function partyOf(draft: Draft, today?: string): { party: Party | null; issues: Issue[] } {
  if (!draft.party.kind) return { party: null, issues: [issue(['party'], 'partyMissing')] };
  const parsed = partySchema.safeParse(draft.party);
  if (!parsed.success) {
    return { party: null, issues: issuesFromZod(parsed.error, draft.party, ['party']) };
  }
  const wrong = validateParty(parsed.data, today);
  if (wrong.length > 0) {
    return {
      party: null,
      issues: wrong.map((w) => issue(['party', w.field], IDENTIFIER_ISSUE[w.error])),
    };
  }
  return { party: normaliseParty(parsed.data), issues: [] };
}

/**
 * The party as the record will hold it: complete and normalised. Identifiers that fail their
 * checks stay in, to be named by the record's own rules (`partyIssues`), which the server applies
 * in the same words.
 */
function partyForContent(draft: Draft): { party: Party | null; issues: Issue[] } {
  if (!draft.party.kind) return { party: null, issues: [issue(['party'], 'partyMissing')] };
  const parsed = partySchema.safeParse(draft.party);
  if (!parsed.success) {
    return { party: null, issues: issuesFromZod(parsed.error, draft.party, ['party']) };
  }
  return { party: normaliseParty(parsed.data), issues: [] };
}

/** The draft's party if it is complete and valid, else null. */
export function draftParty(draft: Draft, today?: string): Party | null {
  return partyOf(draft, today).party;
}

export function educationComplete(draft: Draft): boolean {
  const e = draft.education;
  return Boolean(e.methods && e.methods.length > 0 && e.content?.trim() && e.lawExplained?.trim());
}

export function evaluateDraft(
  draft: Draft,
  catalog: Catalog,
  now: Date | string = new Date(),
): Evaluation | null {
  if (!draft.itemCode) return null;
  const party = draftParty(draft);
  return evaluate({
    catalog,
    itemCode: draft.itemCode,
    answers: { ...draft.answers, educationRecorded: educationComplete(draft) },
    partyKeys: party ? partyKeys(party) : [],
    history: draft.firstOffenceCheck?.priors ?? [],
    recordId: draft.id,
    foundOn: shanghaiDate(draft.foundAt),
    now,
  });
}

function placeOf(draft: Draft): Place {
  const p = draft.place;
  return {
    address: p.address?.trim() ?? '',
    source: p.lat !== undefined && p.lng !== undefined ? 'gps' : 'manual',
    ...(p.lat !== undefined ? { lat: p.lat } : {}),
    ...(p.lng !== undefined ? { lng: p.lng } : {}),
    ...(p.accuracyM !== undefined ? { accuracyM: p.accuracyM } : {}),
  };
}

function educationOf(draft: Draft): Education | null {
  if (!educationComplete(draft)) return null;
  return {
    methods: draft.education.methods ?? [],
    content: draft.education.content?.trim() ?? '',
    lawExplained: draft.education.lawExplained?.trim() ?? '',
    partyStatement: draft.education.partyStatement?.trim() ?? '',
  };
}

function officersOf(draft: Draft, author: Author): [OfficerRef, OfficerRef] | null {
  if (draft.base) return draft.base.officers;
  if (!draft.secondOfficer || !author.certificateNo) return null;
  const me = { userId: author.userId, name: author.name, certificateNo: author.certificateNo };
  return [me, draft.secondOfficer];
}

/**
 * Whether the signatures carried over from the version being replaced still attest this draft.
 * The wizard asks for new ones where not; `checkContent` refuses to lock until they are.
 */
export function carriedSignatures(
  draft: Draft,
  context: BuildContext,
): { stale: boolean; party: boolean; officers: [boolean, boolean] } {
  const base = draft.base;
  const none = { stale: false, party: false, officers: [false, false] as [boolean, boolean] };
  if (!base || !draft.itemCode) return none;
  const { party } = partyOf(draft, shanghaiDate(context.now));
  const officers = officersOf(draft, context.author);
  if (!party || !officers) return none;
  const now = attestedContent({
    party,
    place: placeOf(draft),
    foundAt: draft.foundAt,
    facts: draft.facts.trim(),
    itemCode: draft.itemCode,
    catalogVersion: context.catalog.versionId,
    officers,
    source: draft.source,
    answers: { ...draft.answers, educationRecorded: educationOf(draft) !== null },
    education: educationOf(draft),
    firstOffenceCheck: draft.firstOffenceCheck ?? base.firstOffenceCheck,
  });
  const old = new Set([
    ...base.signatures.officers.map((s) => s.sha256),
    ...(base.signatures.party.kind === 'signed' ? [base.signatures.party.signature.sha256] : []),
    ...(base.signatures.party.kind === 'refused'
      ? [base.signatures.party.witness.signature.sha256]
      : []),
  ]);
  const p = draft.signatures.party;
  const partySha =
    p?.kind === 'signed'
      ? p.signature.sha256
      : p?.kind === 'refused'
        ? p.witness.signature.sha256
        : null;
  return {
    stale: now !== attestedContent(base),
    party: partySha !== null && old.has(partySha),
    officers: [
      old.has(draft.signatures.officers[0]?.sha256 ?? ''),
      old.has(draft.signatures.officers[1]?.sha256 ?? ''),
    ],
  };
}

/**
 * The record content of a draft, without new documents, checked with every rule the server
 * applies. Missing pieces and rule violations come back as issues naming the field.
 */
export function buildContent(
  draft: Draft,
  context: BuildContext,
): { content: RecordContent | null; issues: Issue[] } {
  const issues: Issue[] = [];
  const { catalog, author, now } = context;
  const at = shanghaiIso(now);
  const item = draft.itemCode ? findItem(catalog, draft.itemCode) : undefined;
  if (!item) issues.push(issue(['itemCode'], 'itemMissing'));
  const { party, issues: partyProblems } = partyForContent(draft);
  issues.push(...partyProblems);
  if (!draft.place.address?.trim()) issues.push(issue(['place', 'address'], 'placeMissing'));
  if (!draft.facts.trim()) issues.push(issue(['facts'], 'factsMissing'));
  const squad = draft.base?.squadId ?? author.squadId;
  if (!squad || !author.certificateNo) issues.push(issue(['officers'], 'notOfficer'));
  const officers = officersOf(draft, author);
  if (!officers) issues.push(issue(['officers'], 'secondOfficerMissing'));
  const [s1, s2] = draft.signatures.officers;
  if (!s1 || !s2) issues.push(issue(['signatures', 'officers'], 'officerSignaturesMissing'));
  const partySig = draft.signatures.party;
  if (!partySig) issues.push(issue(['signatures', 'party'], 'partySignatureMissing'));
  const evaluation = evaluateDraft(draft, catalog, now);
  if (!evaluation) issues.push(issue(['answers'], 'checklistMissing'));
  // Each question still open, by name and where it is answered (not one "checklist incomplete").
  const open = evaluation && !evaluation.complete ? evaluation.unanswered.map(openQuestion) : [];
  issues.push(...open);
  const procedure = procedureOf(draft, partySig?.kind === 'refused');
  if (!procedure && printsProcedure(draft)) issues.push(issue(['procedure'], 'procedureRequired'));

  const reinspection = reinspectionOf(draft, author, at);
  if ('issue' in reinspection) issues.push(reinspection.issue);
  if (!item || !evaluation) return { content: null, issues };

  // Everything the draft lacks stands in for the moment, so the rules on the rest (photos,
  // education, the correction's dates, the procedure) are found now, all at once, instead of
  // one layer at a time as the missing pieces are filled in. Findings on a stand-in are dropped.
  const standIns = new Set<string>();
  const stand = <T>(value: T | null | undefined, heads: string[], fallback: () => T): T => {
    if (value) return value;
    for (const h of heads) standIns.add(h);
    return fallback();
  };
  const standInSignature = (): Signature => ({
    sha256: STAND_IN_SHA,
    signerName: '待签名',
    signedAt: at,
  });
  const contentParty = stand(party, ['party', 'partyKeys'], () => STAND_IN_PARTY);
  const keys = partyKeys(contentParty);
  const base = draft.base;
  const education = educationOf(draft);
  const answers = { ...draft.answers, educationRecorded: education !== null };
  const checkedReinspection = 'issue' in reinspection ? null : reinspection.value;
  const followUp = followUpOf({ answers, reinspection: checkedReinspection });
  const content: RecordContent = {
    schemaVersion: RECORD_SCHEMA_VERSION,
    id: draft.id,
    version: base ? base.version + 1 : 1,
    previousVersionHash: base ? base.contentHash : null,
    deviceId: context.deviceId,
    squadId: stand(squad, ['squadId', 'officers'], () => STAND_IN_ID),
    officers: stand(officers, ['officers'], () => STAND_IN_OFFICERS),
    createdAt: draft.createdAt,
    foundAt: draft.foundAt,
    place: draft.place.address?.trim() ? placeOf(draft) : (standIns.add('place'), STAND_IN_PLACE),
    source: draft.source,
    catalogVersion: catalog.versionId,
    itemCode: item.code,
    party: contentParty,
    partyKeys: keys,
    facts: draft.facts.trim() || (standIns.add('facts'), '待填写'),
    answers,
    firstOffenceCheck: draft.firstOffenceCheck ?? {
      checkedAt: at,
      sources: ['local'],
      partyKeys: keys,
      priors: [],
    },
    evaluation,
    evaluatedAt: at,
    education,
    ...(procedure ? { procedure } : {}),
    evidence: draft.evidence,
    signatures: {
      party: stand(partySig, ['signatures'], () => ({
        kind: 'signed' as const,
        signature: standInSignature(),
      })),
      officers: [
        stand(s1, ['signatures'], standInSignature),
        stand(s2, ['signatures'], standInSignature),
      ],
    },
    documents: base ? [...base.documents] : [],
    followUp,
    reinspection: checkedReinspection,
    ...(base?.taskId ? { taskId: base.taskId } : draft.taskId ? { taskId: draft.taskId } : {}),
    amendmentNote: base ? amendmentNote(draft) : null,
    completedAt: at,
  };
  const checked = checkContent(content, {
    catalog,
    previous: base ? previousVersionOf(base) : null,
  });
  if (issues.length === 0) {
    return checked.ok
      ? { content: checked.content, issues: [] }
      : { content, issues: checked.issues };
  }
  if (checked.ok) return { content: null, issues };
  const named = new Set(issues.map((i) => i.path.join('.')));
  const more = checked.issues.filter(
    (i) =>
      !standIns.has(String(i.path[0])) &&
      !named.has(i.path.join('.')) &&
      !(i.code === 'checklistIncomplete' && open.length > 0) &&
      !(i.code === 'educationRequired' && named.has('education')),
  );
  return { content: null, issues: [...issues, ...more] };
}

/** A stand-in for what the draft lacks while its other rules are checked (never locked). */
const STAND_IN_SHA = '0'.repeat(64);
const STAND_IN_ID = '00000000-0000-7000-8000-000000000000';
const STAND_IN_PARTY: Party = {
  kind: 'person',
  name: '待填写',
  idNumber: '11010519491231002X',
  address: '待填写',
};
const STAND_IN_OFFICERS: [OfficerRef, OfficerRef] = [
  { userId: STAND_IN_ID, name: '待填写', certificateNo: 'STAND-IN-1' },
  { userId: '00000000-0000-7000-8000-000000000001', name: '待填写', certificateNo: 'STAND-IN-2' },
];
const STAND_IN_PLACE: Place = { address: '待填写', source: 'manual' };

/** Where each kind of open question is answered in the draft. */
function openQuestion(q: Evaluation['unanswered'][number]): Issue {
  const path: (string | number)[] =
    q.kind === 'condition'
      ? ['answers', 'conditions', q.id]
      : q.kind === 'exclusion'
        ? ['answers', 'exclusions', q.id]
        : q.kind === 'noFaultEvidence'
          ? ['answers', 'noFaultEvidenceNote']
          : q.kind === 'correction'
            ? ['answers', 'correction']
            : q.kind === 'commitment'
              ? ['answers', 'commitmentSigned']
              : q.kind === 'discretionReason'
                ? ['answers', 'discretionReason']
                : ['education'];
  return issue(path, 'questionOpen', { question: q.text ?? '', kind: q.kind });
}

/** The re-inspection part of a version recording one; an issue where it is not complete. */
function reinspectionOf(
  draft: Draft,
  author: Author,
  at: string,
): { value: RecordContent['reinspection'] } | { issue: Issue } {
  const correction = draft.answers.correction;
  const base = draft.base;
  if (correction?.mode !== 'deadline') return { value: null };
  if (draft.kind !== 'reinspect') {
    return {
      value:
        base?.reinspection && base.reinspection.dueDate === correction.deadline
          ? base.reinspection
          : { dueDate: correction.deadline },
    };
  }
  const result = draft.reinspection?.result;
  if (!result) return { issue: issue(['reinspection'], 'reinspectionResultMissing') };
  const [r1, r2] = draft.reinspection?.signatures ?? [null, null];
  const second = draft.secondOfficerForReinspection;
  if (!r1 || !r2 || !second || !author.certificateNo) {
    return { issue: issue(['reinspection', 'signatures'], 'reinspectionSignaturesMissing') };
  }
  const note = draft.reinspection?.note.trim() ?? '';
  return {
    value: {
      dueDate: correction.deadline,
      doneAt: at,
      officers: [
        { userId: author.userId, name: author.name, certificateNo: author.certificateNo },
        second,
      ],
      signatures: [r1, r2],
      result,
      ...(note ? { note } : {}),
    },
  };
}

/**
 * A record prints the on-site procedure unless all its documents were issued under template 1
 * (before the procedure was recorded): a case keeps the template version it started with.
 */
export function printsProcedure(draft: Pick<Draft, 'base'>): boolean {
  return !draft.base || draft.base.documents.some((d) => d.templateVersion !== '1');
}

/** The draft's procedure once both questions are answered; the rules check the answers. */
function procedureOf(draft: Draft, refused: boolean): Procedure | null {
  const p = draft.procedure;
  if (!p || p.certificatesShown === undefined || p.recusalNotified === undefined) return null;
  const address = p.leftAt?.address?.trim() ?? '';
  return {
    certificatesShown: p.certificatesShown,
    recusalNotified: p.recusalNotified,
    recorder: p.recorder ?? 0,
    ...(refused && address ? { leftAt: { kind: p.leftAt?.kind ?? 'residence', address } } : {}),
  };
}

/** Recorded in Chinese whatever the interface language: it is part of the case file. */
export const AMENDMENT_NOTES = {
  returned: '按审核意见修改',
  rejected: '按服务器拒收原因修改',
  reinspectedCorrected: '复查：已改正',
  reinspectedNotCorrected: '复查：未改正',
} as const;
export type AmendmentNoteCode = keyof typeof AMENDMENT_NOTES;

/** The code of a recorded amendment note, for an interface in another language. */
export function amendmentNoteCode(note: string): AmendmentNoteCode | null {
  const found = Object.entries(AMENDMENT_NOTES).find(([, text]) => text === note);
  return found ? (found[0] as AmendmentNoteCode) : null;
}

function amendmentNote(draft: Draft): string {
  if (draft.kind === 'reinspect') {
    return draft.reinspection?.result === 'corrected'
      ? AMENDMENT_NOTES.reinspectedCorrected
      : AMENDMENT_NOTES.reinspectedNotCorrected;
  }
  return AMENDMENT_NOTES[draft.amendReason === 'rejected' ? 'rejected' : 'returned'];
}
