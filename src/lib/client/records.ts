import type { Catalog } from '$lib/domain/catalog';
import { LOCKED, UNSENT } from '$lib/domain/lifecycle';
import { isLow, provisionalNumber, takeNext } from '$lib/domain/numbering';
import {
  buildContent,
  draftFrom as draftOf,
  newDraft as emptyDraft,
  type Author,
  type Draft,
} from '$lib/domain/record-builder';
import {
  lockRecord,
  previousVersionOf,
  requiredDocuments,
  RecordIncompleteError,
  referencedBlobs,
  signatureHashes,
  type DocType,
  type DocumentRef,
  type Issue,
  type LockedRecord,
} from '$lib/domain/record';
import { shanghaiDate, shanghaiYear } from '$lib/domain/time';
import { uuidv7 } from '$lib/domain/uuid';
import type { Me } from '$lib/sync/contract';
import type { LocalRecord, PatrolDb } from './db';
import { ownEntries, writeLedger } from './ledger';
import { deviceId, getSetting, setSetting } from './settings';
import { TEMPLATE_VERSION } from '$lib/notices/version';

export { draftParty, educationComplete, evaluateDraft } from '$lib/domain/record-builder';

export function newDraft(catalog: Catalog, now = new Date()): Draft {
  return emptyDraft(catalog, uuidv7(now.getTime()), now);
}

/** The next version of a locked record, to amend after a review or a refusal, or to re-inspect. */
export function draftFrom(
  record: LockedRecord,
  kind: 'amend' | 'reinspect',
  now = new Date(),
  amendReason: 'returned' | 'rejected' = 'returned',
): Draft {
  return draftOf(record, kind, now, amendReason);
}

/** The signed-in officer as the record builder sees them. */
export function authorOf(me: Me): Author {
  return {
    userId: me.id,
    name: me.realName,
    certificateNo: me.certificateNo,
    squadId: me.squad?.id ?? null,
  };
}

export type FinishResult =
  | { ok: true; record: LockedRecord; provisional: DocType[]; lowOn: DocType[] }
  | { ok: false; issues: Issue[] };

/** Builds and checks the record content of a draft (without new documents). */
export function contentOf(
  draft: Draft,
  options: { catalog: Catalog; me: Me; deviceId: string; now: Date },
) {
  return buildContent(draft, {
    catalog: options.catalog,
    author: authorOf(options.me),
    deviceId: options.deviceId,
    now: options.now,
  });
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
  // A case keeps the template version it started with: a re-inspection of a case begun under
  // version 1 adds version 1 documents (they print only what that case recorded).
  const templateVersion = content.documents[0]?.templateVersion ?? TEMPLATE_VERSION;
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
          templateVersion,
        });
      }
      if (stored) await database.drafts.put({ ...stored, issuedDocuments: out });
      return out;
    },
  );
  content.documents = [...content.documents, ...assigned];

  // The very rules the server applies, once more with the documents: nothing is locked, printed
  // or put in the outbox that the server would refuse for its content.
  let record: LockedRecord;
  try {
    record = await lockRecord(content, {
      catalog: options.catalog,
      previous: draft.base ? previousVersionOf(draft.base) : null,
    });
  } catch (e) {
    if (e instanceof RecordIncompleteError) return { ok: false, issues: e.issues };
    throw e;
  }
  const date = shanghaiDate(record.foundAt);
  // Digests are computed before the transaction: IndexedDB commits a transaction that waits on
  // anything else. Without the key yet, the entries come with the first sync (rebuildOwnLedger).
  // An amendment replaces the entries its earlier versions made, under whatever keys they named.
  const earlierKeys =
    record.version > 1
      ? (await database.records.where('id').equals(record.id).toArray()).flatMap(
          (r) => r.record.partyKeys,
        )
      : [];
  const entries = options.me.ledgerKey
    ? await ownEntries(record, options.me.ledgerKey, earlierKeys)
    : null;
  await database.transaction(
    'rw',
    [database.records, database.outbox, database.ledgerBuckets, database.settings, database.drafts],
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
        state: LOCKED,
        syncStatus: UNSENT,
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
      if (entries) await writeLedger(database, [entries]);
      await database.drafts.delete(draft.id);
    },
  );
  const blocks = await database.numberBlocks.toArray();
  const lowOn = [...new Set(requiredDocuments(record))].filter((t) => isLow(blocks, t, year));
  return { ok: true, record, provisional, lowOn };
}

/** Every file a draft holds: its photos and the signatures drawn so far. */
export function draftFiles(d: Draft): string[] {
  return [
    ...d.evidence.map((e) => e.sha256),
    ...signatureHashes(d.signatures),
    ...signatureHashes(d.reinspection?.signatures ?? []),
  ];
}

/**
 * Discards a draft, and the photos and signature images only it used, in one transaction. The
 * locked versions of an amended or re-inspected record are untouched, and so is every file a
 * locked record or another draft still names.
 */
export async function discardDraft(database: PatrolDb, id: string): Promise<void> {
  await database.transaction(
    'rw',
    [database.drafts, database.records, database.evidence],
    async () => {
      const draft = await database.drafts.get(id);
      if (!draft) return;
      const candidates = new Set(draftFiles(draft));
      await database.drafts.delete(id);
      for (const other of await database.drafts.toArray()) {
        for (const h of draftFiles(other)) candidates.delete(h);
      }
      await database.records.each((r) => {
        for (const h of referencedBlobs(r.record)) candidates.delete(h);
      });
      await database.evidence.bulkDelete([...candidates]);
    },
  );
}
