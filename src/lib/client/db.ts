import Dexie, { type Table } from 'dexie';
import { sealMiddleware } from './seal';
import { Vault } from './vault';
import type { Catalog } from '$lib/domain/catalog';
import type { LocalState, SyncStatus } from '$lib/domain/lifecycle';
import type { NumberBlock } from '$lib/domain/numbering';
import type { DocumentRef, LockedRecord } from '$lib/domain/record';
import type { Draft } from '$lib/domain/record-builder';
import type { ConfirmationDecision } from '$lib/domain/lifecycle';
import type { Confirmation, Flag, PhoneTask, Review, WireIssue } from '$lib/sync/contract';

/**
 * The phone's database. Versions are only ever added (each with its upgrade), never edited: a
 * phone may skip several app releases between two starts.
 */

export type { Draft };

export type LocalRecord = {
  id: string;
  version: number;
  record: LockedRecord;
  /** Whether this is the newest local version of the record. */
  latest: 0 | 1;
  state: LocalState;
  syncStatus: SyncStatus;
  /** The server's reason for a conflict or rejection, shown to the officer. */
  syncMessage: string | null;
  /** The same reason as issues with codes, worded in the officer's language when shown. */
  syncIssues?: WireIssue[];
  flags: Flag[];
  reviews: Review[];
  foundDate: string;
  followUp: LockedRecord['followUp'];
  /** Re-inspection due date while follow-up is pending (index added in version 2). */
  dueDate?: string | null;
  assignedNumbers: { documentId: string; assigned: string }[];
};

export type EvidenceBlob = {
  sha256: string;
  /** Bytes as an ArrayBuffer: stored reliably by every IndexedDB implementation. */
  bytes: ArrayBuffer;
  mime: string;
  size: number;
  createdAt: string;
  uploaded: 0 | 1;
};

export type OutboxRow = {
  seq?: number;
  recordId: string;
  version: number;
  createdAt: string;
  attempts: number;
  /** held: the server answered conflict or rejected; only an amendment moves it on. */
  status: 'pending' | 'held';
  lastError: string | null;
  /** After a failed attempt: not sent again before this time (ms since the epoch). */
  nextAttemptAt?: number;
};

/**
 * Where an officer named on a record stands (ADR 0012), as the server last said, with this
 * officer's own decision while it waits to be sent.
 */
export type LocalConfirmation = Confirmation & {
  local: { decision: ConfirmationDecision; reason: string; at: string } | null;
  /** The server's answer when it refused the decision sent (shown, never retried). */
  error: string | null;
};

export type CatalogRow = { versionId: string; effectiveFrom: string; catalog: Catalog };
export type BlockRow = NumberBlock & { deviceId: string };
export type SettingRow = { key: string; value: unknown };
export type IssuedDocument = DocumentRef & { recordId: string };

export class PatrolDb extends Dexie {
  drafts!: Table<Draft, string>;
  records!: Table<LocalRecord, [string, number]>;
  evidence!: Table<EvidenceBlob, string>;
  outbox!: Table<OutboxRow, number>;
  catalogs!: Table<CatalogRow, string>;
  /** The first-offence ledger, packed: bucket number → tuples (`ledger-pack.ts`). */
  ledgerBuckets!: Table<Uint8Array, number>;
  numberBlocks!: Table<BlockRow, string>;
  settings!: Table<SettingRow, string>;
  confirmations!: Table<LocalConfirmation, [string, string, string]>;
  /** Tasks from the city platform dispatched to this officer (issue 19), as the feed last said. */
  tasks!: Table<PhoneTask, string>;

  /**
   * `vault` holds the data key that seals personal data, photos and signatures (`seal.ts`); rows
   * of sealed tables can be read and written only while it is open.
   */
  constructor(
    name = 'patrolbook',
    readonly vault: Vault = appVault,
  ) {
    super(name);
    defineVersions(this);
    this.use(sealMiddleware(vault));
  }

  /** Whether the encryption layer seals this database's rows (off only in the bench baseline). */
  sealing = true;

  /** This database without the encryption layer: the benchmark's baseline, never the app. */
  withoutSeal(): this {
    this.unuse({ stack: 'dbcore', name: 'Seal' });
    this.sealing = false;
    return this;
  }
}

/** Every schema version, in order; tests open a database at each one. */
export const SCHEMA_VERSIONS: { version: number; define: (db: Dexie) => void }[] = [
  {
    version: 1,
    define: (db) =>
      db.version(1).stores({
        drafts: 'id, updatedAt',
        records: '[id+version], id, latest, state, foundDate, followUp',
        evidence: 'sha256, uploaded',
        outbox: '++seq, [recordId+version], status',
        catalogs: 'versionId, effectiveFrom',
        ledger: '[recordId+partyKey], partyKey, recordId',
        numberBlocks: 'id, [docType+year]',
        settings: 'key',
      }),
  },
  {
    // Re-inspections due/overdue are listed by date: index the due date of pending records.
    version: 2,
    define: (db) =>
      db
        .version(2)
        .stores({ records: '[id+version], id, latest, state, foundDate, followUp, dueDate' })
        .upgrade((tx) =>
          tx
            .table<LocalRecord>('records')
            .toCollection()
            .modify((r) => {
              r.dueDate =
                r.followUp === 'pending' ? (r.record.reinspection?.dueDate ?? null) : null;
            }),
        ),
  },
  {
    // The ledger holds digests of matching keys, no longer the keys (identifiers, names with
    // mobiles): the old rows go, the change feed is pulled again from the start, and the rows of
    // this phone's own records are rebuilt once the key arrives (client/ledger.ts).
    version: 3,
    define: (db) =>
      db
        .version(3)
        .stores({})
        .upgrade(async (tx) => {
          await tx.table('ledger').clear();
          await tx.table('settings').bulkDelete(['pullCursor', 'ledgerDigests']);
        }),
  },
  {
    // Officers' confirmations (ADR 0012): the requests the change feed brings arrive from the
    // next pull on; no data to move.
    version: 4,
    define: (db) =>
      db.version(4).stores({ confirmations: '[recordId+part+userId], recordId, userId' }),
  },
  {
    // The ledger is packed in buckets by digest (ledger-pack.ts): a row per digest with two
    // indexes took 80 MB for the city-wide ledger. The old rows go, the feed is pulled again
    // from the start, and this phone's own records are entered again once the key is known.
    version: 5,
    define: (db) =>
      db
        .version(5)
        .stores({ ledger: null, ledgerBuckets: '' })
        .upgrade(async (tx) => {
          await tx.table('settings').bulkDelete(['pullCursor', 'ledgerDigests']);
        }),
  },
  {
    // Tasks from the city platform (ADR 0023): they arrive with the next pull; nothing to move.
    version: 6,
    define: (db) => db.version(6).stores({ tasks: 'id, dueAt' }),
  },
];

export function defineVersions(db: Dexie, upTo = Infinity): void {
  for (const v of SCHEMA_VERSIONS) if (v.version <= upTo) v.define(db);
}

/** The app's data key while unlocked (one per page). */
export const appVault = new Vault();

let instance: PatrolDb | null = null;
export function db(): PatrolDb {
  instance ??= new PatrolDb();
  return instance;
}
