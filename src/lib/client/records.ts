import { findItem, type Catalog } from '$lib/domain/catalog';
import { evaluate, type Evaluation } from '$lib/domain/evaluate';
import { isLow, provisionalNumber, takeNext } from '$lib/domain/numbering';
import {
  normaliseParty,
  partyKeys,
  partySchema,
  validateParty,
  type Party,
} from '$lib/domain/party';
import {
  consistencyIssues,
  lockRecord,
  RECORD_SCHEMA_VERSION,
  requiredDocuments,
  type DocType,
  type DocumentRef,
  type Issue,
  type LockedRecord,
  type OfficerRef,
  type RecordContent,
} from '$lib/domain/record';
import { shanghaiDate, shanghaiIso, shanghaiYear } from '$lib/domain/time';
import { uuidv7 } from '$lib/domain/uuid';
import type { Me } from '$lib/sync/contract';
import type { Draft, LocalRecord, PatrolDb } from './db';
import { deviceId, getSetting, setSetting } from './settings';
import { TEMPLATE_VERSION } from '$lib/notices/content';
import { i18n } from '$lib/i18n/locale.svelte';

export function newDraft(catalog: Catalog, now = new Date()): Draft {
  const at = shanghaiIso(now);
  return {
    id: uuidv7(now.getTime()),
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

/** The next version of a locked record, to amend after a review or to record a re-inspection. */
export function draftFrom(
  record: LockedRecord,
  kind: 'amend' | 'reinspect',
  now = new Date(),
): Draft {
  return {
    id: record.id,
    kind,
    base: record,
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
    ...(kind === 'reinspect'
      ? { reinspection: { result: null, note: '', signatures: [null, null] } }
      : {}),
  };
}

/** The draft's party if it is complete and valid, else null. */
export function draftParty(draft: Draft, today?: string): Party | null {
  const parsed = partySchema.safeParse(draft.party);
  if (!parsed.success) return null;
  if (validateParty(parsed.data, today).length > 0) return null;
  return normaliseParty(parsed.data);
}

export function evaluateDraft(
  draft: Draft,
  catalog: Catalog,
  now: Date | string = new Date(),
): Evaluation | null {
  if (!draft.itemCode) return null;
  const party = draftParty(draft);
  const keys = party ? partyKeys(party) : [];
  return evaluate({
    catalog,
    itemCode: draft.itemCode,
    answers: {
      ...draft.answers,
      educationRecorded: educationComplete(draft),
    },
    partyKeys: keys,
    history: draft.firstOffenceCheck?.priors ?? [],
    recordId: draft.id,
    now,
  });
}

export function educationComplete(draft: Draft): boolean {
  const e = draft.education;
  return Boolean(e.methods && e.methods.length > 0 && e.content?.trim() && e.lawExplained?.trim());
}

export type FinishResult =
  | { ok: true; record: LockedRecord; provisional: DocType[]; lowOn: DocType[] }
  | { ok: false; issues: Issue[] };

/** Builds the record content of a draft (without documents); null fields become issues. */
export function contentOf(
  draft: Draft,
  options: { catalog: Catalog; me: Me; deviceId: string; now: Date },
): { content: RecordContent | null; issues: Issue[] } {
  const issues: Issue[] = [];
  const { catalog, me, now } = options;
  const at = shanghaiIso(now);
  const item = draft.itemCode ? findItem(catalog, draft.itemCode) : undefined;
  if (!item) issues.push({ path: ['itemCode'], message: i18n.t('finish.item') });
  const party = draftParty(draft, shanghaiDate(now));
  if (!party) issues.push({ path: ['party'], message: i18n.t('finish.party') });
  if (!draft.place.address?.trim())
    issues.push({ path: ['place'], message: i18n.t('finish.place') });
  if (!draft.facts.trim()) issues.push({ path: ['facts'], message: i18n.t('finish.facts') });
  const squad = draft.base?.squadId ?? me.squad?.id;
  if (!squad || !me.certificateNo)
    issues.push({ path: ['officers'], message: i18n.t('finish.notOfficer') });
  const officers: [OfficerRef, OfficerRef] | null = draft.base
    ? draft.base.officers
    : draft.secondOfficer && me.certificateNo
      ? [{ userId: me.id, name: me.realName, certificateNo: me.certificateNo }, draft.secondOfficer]
      : null;
  if (!officers) issues.push({ path: ['officers'], message: i18n.t('finish.secondOfficer') });
  const [s1, s2] = draft.signatures.officers;
  if (!s1 || !s2)
    issues.push({ path: ['signatures'], message: i18n.t('finish.officerSignatures') });
  const partySig = draft.signatures.party;
  if (!partySig)
    issues.push({ path: ['signatures', 'party'], message: i18n.t('finish.partySignature') });
  const evaluation = evaluateDraft(draft, catalog, now);
  if (!evaluation) issues.push({ path: ['evaluation'], message: i18n.t('finish.checklist') });
  if (
    issues.length > 0 ||
    !item ||
    !party ||
    !officers ||
    !s1 ||
    !s2 ||
    !partySig ||
    !evaluation ||
    !squad
  ) {
    return { content: null, issues };
  }
  const keys = partyKeys(party);
  const correction = draft.answers.correction;
  const base = draft.base;
  let followUp: RecordContent['followUp'] = correction?.mode === 'deadline' ? 'pending' : 'none';
  let reinspection: RecordContent['reinspection'] =
    correction?.mode === 'deadline' ? { dueDate: correction.deadline } : null;
  if (draft.kind === 'reinspect' && correction?.mode === 'deadline' && draft.reinspection?.result) {
    followUp = draft.reinspection.result === 'corrected' ? 'corrected' : 'escalated';
    const [r1, r2] = draft.reinspection.signatures;
    const second = draft.secondOfficerForReinspection;
    if (!r1 || !r2 || !second || !me.certificateNo) {
      issues.push({ path: ['reinspection'], message: i18n.t('finish.reinspectionSignatures') });
      return { content: null, issues };
    }
    reinspection = {
      dueDate: correction.deadline,
      doneAt: at,
      officers: [{ userId: me.id, name: me.realName, certificateNo: me.certificateNo }, second],
      signatures: [r1, r2],
      result: draft.reinspection.result,
      ...(draft.reinspection.note.trim() ? { note: draft.reinspection.note.trim() } : {}),
    };
  } else if (base) {
    followUp = base.followUp;
    reinspection = base.reinspection;
  }
  const education = educationComplete(draft)
    ? {
        methods: draft.education.methods ?? [],
        content: draft.education.content?.trim() ?? '',
        lawExplained: draft.education.lawExplained?.trim() ?? '',
        partyStatement: draft.education.partyStatement?.trim() ?? '',
      }
    : null;
  const content: RecordContent = {
    schemaVersion: RECORD_SCHEMA_VERSION,
    id: draft.id,
    version: base ? base.version + 1 : 1,
    previousVersionHash: base ? base.contentHash : null,
    deviceId: options.deviceId,
    squadId: squad,
    officers,
    createdAt: draft.createdAt,
    foundAt: draft.foundAt,
    place: {
      address: draft.place.address?.trim() ?? '',
      source: draft.place.lat !== undefined && draft.place.lng !== undefined ? 'gps' : 'manual',
      ...(draft.place.lat !== undefined ? { lat: draft.place.lat } : {}),
      ...(draft.place.lng !== undefined ? { lng: draft.place.lng } : {}),
      ...(draft.place.accuracyM !== undefined ? { accuracyM: draft.place.accuracyM } : {}),
    },
    source: draft.source,
    catalogVersion: catalog.versionId,
    itemCode: item.code,
    party,
    partyKeys: keys,
    facts: draft.facts.trim(),
    answers: { ...draft.answers, educationRecorded: education !== null },
    firstOffenceCheck: draft.firstOffenceCheck ?? {
      checkedAt: at,
      sources: ['local'],
      partyKeys: keys,
      priors: [],
    },
    evaluation,
    evaluatedAt: at,
    education,
    evidence: draft.evidence,
    signatures: { party: partySig, officers: [s1, s2] },
    documents: base ? [...base.documents] : [],
    followUp,
    reinspection,
    amendmentNote: base
      ? draft.kind === 'reinspect'
        ? `复查：${draft.reinspection?.result === 'corrected' ? '已改正' : '未改正'}`
        : '按审核意见修改'
      : null,
    completedAt: at,
  };
  return { content, issues: consistencyIssues(content) };
}

/**
 * Finishes a draft: takes document numbers, locks the record by its content hash and puts it in
 * the outbox. Numbers are taken in a first transaction and remembered in the draft (a crash
 * afterwards reuses them, never takes new ones); the record, its outbox row and the removal of
 * the draft commit together in a second one.
 */
export async function finishDraft(
  database: PatrolDb,
  draft: Draft,
  options: { catalog: Catalog; me: Me; now?: Date },
): Promise<FinishResult> {
  const now = options.now ?? new Date();
  const device = await deviceId(database);
  const built = contentOf(draft, { ...options, deviceId: device, now });
  if (!built.content || built.issues.length > 0) return { ok: false, issues: built.issues };
  const content = built.content;

  const needed = requiredDocuments(content).filter(
    (t) => !content.documents.some((d) => d.docType === t),
  );
  const provisional: DocType[] = [];
  const year = shanghaiYear(now);
  const assigned = await database.transaction(
    'rw',
    [database.drafts, database.numberBlocks, database.settings],
    async () => {
      const stored = await database.drafts.get(draft.id);
      const remembered: DocumentRef[] = stored?.issuedDocuments ?? [];
      const out: DocumentRef[] = [];
      for (const docType of needed) {
        const known = remembered.find((d) => d.docType === docType);
        if (known) {
          out.push(known);
          continue;
        }
        const blocks = await database.numberBlocks.where({ docType, year }).toArray();
        const taken = takeNext(blocks, docType, year);
        let number: string;
        if (taken.ok) {
          await database.numberBlocks.put({ ...taken.block, deviceId: device });
          number = taken.number;
        } else {
          const counter = ((await getSetting(database, 'provisionalCounter')) ?? 0) + 1;
          await setSetting(database, 'provisionalCounter', counter);
          number = provisionalNumber(device, docType, counter);
          provisional.push(docType);
        }
        out.push({
          id: uuidv7(now.getTime()),
          docType,
          number,
          provisional: !taken.ok,
          templateVersion: TEMPLATE_VERSION,
        });
      }
      if (stored) await database.drafts.put({ ...stored, issuedDocuments: out });
      return out;
    },
  );
  content.documents = [...content.documents, ...assigned];

  const record = await lockRecord(content);
  const date = shanghaiDate(record.foundAt);
  await database.transaction(
    'rw',
    [database.records, database.outbox, database.ledger, database.drafts],
    async () => {
      if (record.version > 1) {
        await database.records.where('id').equals(record.id).modify({ latest: 0 });
        // An earlier version still waiting (held after a rejection) is superseded by this one.
        await database.outbox.where('recordId').equals(record.id).delete();
      }
      const local: LocalRecord = {
        id: record.id,
        version: record.version,
        record,
        latest: 1,
        state: 'completed',
        syncStatus: 'waiting',
        syncMessage: null,
        flags: [],
        reviews: [],
        foundDate: date,
        followUp: record.followUp,
        dueDate: record.followUp === 'pending' ? (record.reinspection?.dueDate ?? null) : null,
        assignedNumbers: [],
      };
      await database.records.put(local);
      await database.outbox.add({
        recordId: record.id,
        version: record.version,
        createdAt: new Date().toISOString(),
        attempts: 0,
        status: 'pending',
        lastError: null,
      });
      await database.ledger.where('recordId').equals(record.id).delete();
      await database.ledger.bulkPut(
        record.partyKeys.map((partyKey) => ({
          recordId: record.id,
          partyKey,
          itemCode: record.itemCode,
          date,
          squadId: record.squadId,
          branch: record.evaluation.branch,
          source: 'local' as const,
        })),
      );
      await database.drafts.delete(draft.id);
    },
  );
  const blocks = await database.numberBlocks.toArray();
  const lowOn = [...new Set(requiredDocuments(record))].filter((t) => isLow(blocks, t, year));
  return { ok: true, record, provisional, lowOn };
}
