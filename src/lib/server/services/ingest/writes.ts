import type { Insertable } from 'kysely';
import type { Tx } from '../../db/db';
import { insertRows } from '../../db/inserts';
import type { Database } from '../../db/schema';
import type { LedgerView } from './ledger-view';

/**
 * The rows a push inserts, kept until they are written as one multi-row statement per table
 * (ADR 0019), each compiled once per shape (`insertRows`). Only inserts of rows nothing in the push reads back wait here; every other write
 * runs at once. A record whose checks would read a waiting row (the same record id, or a party
 * key a waiting ledger row holds) flushes them first, so each record sees exactly what the
 * one-record-at-a-time path would have shown it.
 *
 * It carries the push's view of the ledger (`LedgerView`), which gets the ledger rows as they
 * are written.
 *
 * Anything unexpected at the flush (a constraint, a version another push stored meanwhile) is
 * thrown as is: the push's transaction rolls back and the push runs again one record at a time
 * (`ingestRecords`), where such a record is answered on its own.
 */
export class PushWrites {
  private versions: Insertable<Database['record_versions']>[] = [];
  private summaries: Insertable<Database['records']>[] = [];
  private documents: Insertable<Database['documents']>[] = [];
  private blobRefs: Insertable<Database['blob_refs']>[] = [];
  private ledgerRowsWaiting: Insertable<Database['ledger']>[] = [];
  private confirmations: Insertable<Database['officer_confirmations']>[] = [];
  /** Record ids and party keys the waiting rows hold. */
  private held = new Set<string>();

  /**
   * @param ledger the push's view of the ledger
   * @param stored the versions stored of each record in the push, newest first (`storedVersions`):
   *   kept current as the push adds its own, so no record reads them again
   */
  constructor(
    readonly ledger: LedgerView,
    private readonly stored: Map<string, StoredVersion[]>,
  ) {}

  /** The versions of a record stored or waiting to be, newest first. */
  versionsOf(id: string): StoredVersion[] {
    return this.stored.get(id) ?? [];
  }

  /** Writes the waiting rows if any of them is about this record or one of its parties. */
  async before(tx: Tx, record: { id: string; partyKeys: readonly string[] }): Promise<void> {
    if (this.held.has(`id:${record.id}`) || record.partyKeys.some((k) => this.held.has(`key:${k}`)))
      await this.flush(tx);
  }

  /** Marks what a stored record's waiting rows are about. */
  hold(record: { id: string; partyKeys: readonly string[] }): void {
    this.held.add(`id:${record.id}`);
    for (const k of record.partyKeys) this.held.add(`key:${k}`);
  }

  version(row: Insertable<Database['record_versions']> & StoredVersion): void {
    this.versions.push(row);
    const { version, content_hash, received_at } = row;
    this.stored.set(row.record_id, [
      { version, content_hash, received_at },
      ...this.versionsOf(row.record_id),
    ]);
  }
  summary(row: Insertable<Database['records']>): void {
    this.summaries.push(row);
  }
  document(rows: Insertable<Database['documents']>[]): void {
    this.documents.push(...rows);
  }
  blobRef(rows: Insertable<Database['blob_refs']>[]): void {
    this.blobRefs.push(...rows);
  }
  ledgerRows(rows: Insertable<Database['ledger']>[]): void {
    this.ledgerRowsWaiting.push(...rows);
  }
  confirmation(rows: Insertable<Database['officer_confirmations']>[]): void {
    this.confirmations.push(...rows);
  }

  /** Writes every waiting row, versions first (the rows that claim a record's version). */
  async flush(tx: Tx): Promise<void> {
    const versions = this.versions;
    for (const rows of chunks(versions)) {
      const inserted = await insertRows(tx, 'record_versions', rows, {
        onConflictDoNothing: ['record_id', 'version'],
        returning: 'record_id',
      });
      if (inserted.length !== rows.length) throw new VersionTakenError();
    }
    for (const rows of chunks(this.summaries)) await insertRows(tx, 'records', rows);
    for (const rows of chunks(this.documents))
      await insertRows(tx, 'documents', rows, { onConflictDoNothing: ['doc_id'] });
    for (const rows of chunks(this.blobRefs))
      await insertRows(tx, 'blob_refs', rows, { onConflictDoNothing: ['sha256', 'record_id'] });
    for (const rows of chunks(this.ledgerRowsWaiting)) await insertRows(tx, 'ledger', rows);
    for (const rows of chunks(this.confirmations))
      await insertRows(tx, 'officer_confirmations', rows);
    const summaries = new Map(this.summaries.map((r) => [r.id, r]));
    this.ledger.written(
      this.ledgerRowsWaiting.map((row) => ({ row, summary: summaries.get(row.record_id) ?? null })),
    );
    this.versions = [];
    this.summaries = [];
    this.documents = [];
    this.blobRefs = [];
    this.ledgerRowsWaiting = [];
    this.confirmations = [];
    this.held.clear();
  }
}

export type StoredVersion = { version: number; content_hash: string; received_at: string };

/** The versions stored of these records, newest first, in one query. */
export async function storedVersions(tx: Tx, ids: string[]): Promise<Map<string, StoredVersion[]>> {
  const out = new Map<string, StoredVersion[]>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += ROWS_PER_STATEMENT) {
    const rows = await tx
      .selectFrom('record_versions')
      .select(['record_id', 'version', 'content_hash', 'received_at'])
      .where('record_id', 'in', unique.slice(i, i + ROWS_PER_STATEMENT))
      .orderBy('record_id')
      .orderBy('version', 'desc')
      .execute();
    for (const { record_id, ...v } of rows) out.set(record_id, [...(out.get(record_id) ?? []), v]);
  }
  return out;
}

/** A version another push stored between this push's check and its write (PostgreSQL). */
export class VersionTakenError extends Error {
  constructor() {
    super('a record version was stored by another push meanwhile');
    this.name = 'VersionTakenError';
  }
}

/** Rows per statement: well under both databases' limits on bound parameters. */
const ROWS_PER_STATEMENT = 500;

function* chunks<T>(rows: T[]): Generator<T[]> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT)
    yield rows.slice(i, i + ROWS_PER_STATEMENT);
}
