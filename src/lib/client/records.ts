import type { Catalog } from '$lib/domain/catalog';
import { RECORD_SOURCE } from '$lib/domain/tasks';
import type { PhoneTask } from '$lib/sync/contract';
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
import type { BlockRow, LocalRecord, PatrolDb } from './db';
import { writeTogether } from './write-together';
import { issue } from '$lib/domain/issues';
import { ownEntries, writeLedger } from './ledger';
import { deviceId, getSetting, setSetting } from './settings';
import { TEMPLATE_VERSION } from '$lib/notices/version';

export { draftParty, educationComplete, evaluateDraft } from '$lib/domain/record-builder';

export function newDraft(catalog: Catalog, now = new Date()): Draft {
  return emptyDraft(catalog, uuidv7(now.getTime()), now);
}

/**
 * A new record for a task from the city platform: where, the suspected item (if the catalog in
 * use has it) and the source filled in, the task named (ADR 0023).
 */
export function draftForTask(catalog: Catalog, task: PhoneTask, now = new Date()): Draft {
  const draft = newDraft(catalog, now);
  const item = catalog.items.some((i) => i.code === task.suspectedItemCode)
    ? task.suspectedItemCode
    : null;
  return {
    ...draft,
    taskId: task.id,
    source: RECORD_SOURCE[task.source],
    itemCode: item,
    place: { ...draft.place, address: task.address },
  };
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
 * the outbox, all in one transaction. IndexedDB commits a transaction that waits on anything else
 * (WebCrypto's hashing and HMACs), so the numbers are planned from a read first, the record is
 * built, validated and hashed, and the write transaction takes the numbers only if nothing took
 * them meanwhile (another tab finishing a record); else it changes nothing and plans again. A
 * record refused by the rules, or a crash before the commit, takes no number at all. Numbers an
 * earlier release remembered in the draft (`issuedDocuments`) are used again.
 */
export async function finishDraft(
  database: PatrolDb,
  draft: Draft,
  options: { catalog: Catalog; me: Me; now?: Date },
): Promise<FinishResult> {
  const now = options.now ?? new Date();
  // The two reads go out together: each read that waits for the last costs a round trip to the
  // browser's storage process.
  const [device, firstSeen] = await Promise.all([
    deviceId(database),
    numberingState(database, draft.id),
  ]);
  const built = contentOf(draft, { ...options, deviceId: device, now });
  if (!built.content || built.issues.length > 0) return { ok: false, issues: built.issues };
  const content = built.content;
  const needed = requiredDocuments(content).filter(
    (t) => !content.documents.some((d) => d.docType === t),
  );
  const year = shanghaiYear(now);
  // A case keeps the template version it started with: a re-inspection of a case begun under
  // version 1 adds version 1 documents (they print only what that case recorded).
  const templateVersion = content.documents[0]?.templateVersion ?? TEMPLATE_VERSION;

  for (let attempt = 1; ; attempt++) {
    const seen = attempt === 1 ? firstSeen : await numberingState(database, draft.id);
    const plan = planNumbers(needed, seen, { device, year, templateVersion, now });
    // The very rules the server applies, once more with the documents: nothing is locked, printed
    // or put in the outbox that the server would refuse for its content.
    let record: LockedRecord;
    try {
      record = await lockRecord(
        { ...content, documents: [...content.documents, ...plan.documents] },
        {
          catalog: options.catalog,
          previous: draft.base ? previousVersionOf(draft.base) : null,
        },
      );
    } catch (e) {
      if (e instanceof RecordIncompleteError) return { ok: false, issues: e.issues };
      throw e;
    }
    // Digests before the transaction too. Without the key yet, the entries come with the first
    // sync (rebuildOwnLedger). An amendment replaces the entries its earlier versions made, under
    // whatever keys they named.
    const earlierKeys =
      record.version > 1
        ? (await database.records.where('id').equals(record.id).toArray()).flatMap(
            (r) => r.record.partyKeys,
          )
        : [];
    const entries = options.me.ledgerKey
      ? await ownEntries(record, options.me.ledgerKey, earlierKeys)
      : null;
    // Files this version adds (distinct; an earlier version's files the server has from it): the
    // phone must hold every one, or the record could never be sent (a photo's write that failed
    // while the officer finished). Checked in the transaction, against what is committed.
    const before = new Set(draft.base ? referencedBlobs(draft.base) : []);
    const added = referencedBlobs(record).filter((h) => !before.has(h));
    const written = await database.transaction(
      'rw',
      [
        database.records,
        database.outbox,
        database.ledgerBuckets,
        database.settings,
        database.drafts,
        database.numberBlocks,
        database.evidence,
      ],
      async () => {
        const [numbers, held] = await Promise.all([
          currentNumbers(database),
          database.evidence.where(':id').anyOf(added).primaryKeys(),
        ]);
        if (held.length < added.length) return 'filesMissing' as const;
        if (!sameNumbers(seen, numbers)) return false;
        // First and in turn: the outbox delete walks the index and must not meet the row added
        // below.
        if (record.version > 1) {
          await database.records.where('id').equals(record.id).modify({ latest: 0 });
          // An earlier version still waiting (held after a rejection) is superseded by this one.
          await database.outbox.where('recordId').equals(record.id).delete();
        }
        // Distinct rows, written together rather than one round trip each (the writes were 5 of
        // a finish's 10 ms one after another). Any failure aborts the whole transaction.
        await writeTogether([
          database.numberBlocks.bulkPut(plan.blocks),
          plan.counter !== seen.counter
            ? setSetting(database, 'provisionalCounter', plan.counter)
            : null,
          database.records.put(localRecordOf(record)),
          database.outbox.add({
            recordId: record.id,
            version: record.version,
            createdAt: new Date().toISOString(),
            attempts: 0,
            status: 'pending',
            lastError: null,
          }),
          entries ? writeLedger(database, [entries]) : null,
          database.drafts.delete(draft.id),
        ]);
        return true;
      },
    );
    if (written === 'filesMissing') {
      return { ok: false, issues: [issue(['evidence'], 'fileNotOnPhone')] };
    }
    if (!written) {
      if (attempt < MAX_PLANS) continue;
      throw new Error('document numbers kept changing while this record was being finished');
    }
    const blocks = [
      ...seen.blocks.filter((b) => !plan.blocks.some((p) => p.id === b.id)),
      ...plan.blocks,
    ];
    const lowOn = [...new Set(requiredDocuments(record))].filter((t) => isLow(blocks, t, year));
    return { ok: true, record, provisional: plan.provisional, lowOn };
  }
}

/** How often finishing plans its numbers again when another tab keeps taking them. */
const MAX_PLANS = 5;

type NumberingState = {
  remembered: DocumentRef[];
  blocks: BlockRow[];
  counter: number;
};

/**
 * What the numbers of a finish depend on: the phone's blocks, its provisional counter, and numbers
 * an earlier release remembered in the draft (only ever written by that release, so not checked
 * again at the write).
 */
async function numberingState(database: PatrolDb, draftId: string): Promise<NumberingState> {
  const [stored, now] = await Promise.all([database.drafts.get(draftId), currentNumbers(database)]);
  return { remembered: stored?.issuedDocuments ?? [], ...now };
}

async function currentNumbers(
  database: PatrolDb,
): Promise<Pick<NumberingState, 'blocks' | 'counter'>> {
  const [blocks, counter] = await Promise.all([
    database.numberBlocks.toArray(),
    getSetting(database, 'provisionalCounter'),
  ]);
  return { blocks, counter: counter ?? 0 };
}

function sameNumbers(
  a: Pick<NumberingState, 'blocks' | 'counter'>,
  b: Pick<NumberingState, 'blocks' | 'counter'>,
): boolean {
  const blocks = (s: { blocks: BlockRow[] }) =>
    JSON.stringify([...s.blocks].sort((x, y) => (x.id < y.id ? -1 : 1)));
  return a.counter === b.counter && blocks(a) === blocks(b);
}

/** The documents a finish adds and the blocks and counter after it (pure). */
function planNumbers(
  needed: DocType[],
  state: NumberingState,
  options: { device: string; year: number; templateVersion: string; now: Date },
): { documents: DocumentRef[]; blocks: BlockRow[]; counter: number; provisional: DocType[] } {
  let blocks = state.blocks;
  const changed = new Map<string, BlockRow>();
  let counter = state.counter;
  const documents: DocumentRef[] = [];
  const provisional: DocType[] = [];
  for (const docType of needed) {
    const known = state.remembered.find((d) => d.docType === docType);
    if (known) {
      documents.push(known);
      continue;
    }
    const taken = takeNext(blocks, docType, options.year);
    let number: string;
    if (taken.ok) {
      const block = { ...taken.block, deviceId: options.device };
      changed.set(block.id, block);
      blocks = blocks.map((b) => (b.id === block.id ? block : b));
      number = taken.number;
    } else {
      counter += 1;
      number = provisionalNumber(options.device, docType, counter);
      provisional.push(docType);
    }
    documents.push({
      id: uuidv7(options.now.getTime()),
      docType,
      number,
      provisional: !taken.ok,
      templateVersion: options.templateVersion,
    });
  }
  return { documents, blocks: [...changed.values()], counter, provisional };
}

/** A freshly locked version as the phone keeps it. */
function localRecordOf(record: LockedRecord): LocalRecord {
  return {
    id: record.id,
    version: record.version,
    record,
    latest: 1,
    state: LOCKED,
    syncStatus: UNSENT,
    syncMessage: null,
    flags: [],
    reviews: [],
    foundDate: shanghaiDate(record.foundAt),
    followUp: record.followUp,
    dueDate: record.followUp === 'pending' ? (record.reinspection?.dueDate ?? null) : null,
    assignedNumbers: [],
  };
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
