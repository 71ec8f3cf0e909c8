import { issue } from '$lib/domain/issues';
import type { PushResult } from '$lib/sync/contract';
import { sql } from 'kysely';
import type { Db, Tx } from '../db/db';
import { appendChanges, type ChangeInput } from '../repos/changes';
import { quarantine, storedAfterError, type Refusal } from '../repos/quarantine';
import { newLookups, type Lookups } from './ingest/lookups';
import { store } from './ingest/store';
import type { IngestOptions, Prepared, PreparedRecord } from './ingest/types';
import { checkBlobs, prepare } from './ingest/validate';
import { PushWrites, storedVersions } from './ingest/writes';
import { LedgerView } from './ingest/ledger-view';

export type { IngestOptions } from './ingest/types';

/**
 * Ingests pushed records. Each record is judged on its own (one bad record never blocks the
 * others), but everything the push writes happens in one transaction, so a failed request writes
 * nothing. Writes are keyed by (record id, version) with ON CONFLICT DO NOTHING: a replay, or the
 * same push arriving twice at the same moment, stores exactly one copy. A record refused or in
 * conflict is kept in the quarantine, in the same transaction: nothing a phone sent is dropped.
 * The inserts nothing in the push reads back are written as one statement per table; should that
 * fail, the push runs again with each record in its own savepoint (ADR 0019).
 *
 * The content rules are the domain's (`lockedRecordSchema`, `catalogIssues`, `amendmentIssues`):
 * the very ones the phone applies before it locks a record.
 */

/** The longest a push keeps the event loop before letting other requests run. */
const YIELD_AFTER_MS = 25;

export async function ingestRecords(
  db: Db,
  raw: unknown[],
  options: IngestOptions,
): Promise<PushResult[]> {
  const lookups = newLookups();
  const prepared: Prepared[] = [];
  for (const item of raw) prepared.push(await prepare(db, item, options, lookups));
  await checkBlobs(db, prepared, options.sender ?? options.pusher?.id ?? null);
  const at = options.now ?? new Date().toISOString();

  if (options.oneByOne) return storeAll(db, prepared, options, lookups, at, false);
  try {
    return await storeAll(db, prepared, options, lookups, at, true);
  } catch (e) {
    // Logged by kind only: a database's message may quote a row. The push runs again one record
    // at a time, where a record that cannot be stored is answered on its own.
    console.warn(`push: batched write failed (${errorKind(e)}); storing one record at a time`);
    return storeAll(db, prepared, options, lookups, at, false);
  }
}

/**
 * Stores the prepared records in one transaction: `batched`, inserts batched per table, the
 * ledger read once for the push, and no savepoints (any error fails the whole attempt); else each
 * record inside its own savepoint, its checks querying the ledger.
 */
async function storeAll(
  db: Db,
  prepared: Prepared[],
  options: IngestOptions,
  lookups: Lookups,
  at: string,
  batched: boolean,
): Promise<PushResult[]> {
  const results: PushResult[] = [];
  await db.transaction().execute(async (tx) => {
    results.length = 0;
    const records = prepared.filter((p) => p.kind === 'record');
    const writes = batched
      ? new PushWrites(
          await LedgerView.of(tx, records),
          await storedVersions(
            tx,
            records.map((p) => p.record.id),
          ),
        )
      : null;
    const changes: ChangeInput[] = [];
    const refused: { item: unknown; result: Refusal }[] = [];
    let slice = performance.now();
    for (const p of prepared) {
      // better-sqlite3 answers synchronously, so a push's queries never give the event loop a
      // turn: after every YIELD_AFTER_MS of work, yield between records, letting reads (on their
      // own handle) and /api/health be served while this transaction holds the writer. Yielding
      // after every record instead starved pushes behind busy readers (push p50 2.1 -> 5.9 s).
      if (performance.now() - slice > YIELD_AFTER_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
      const result =
        p.kind === 'result'
          ? p.result
          : writes
            ? await store(tx, p, options, changes, lookups, writes)
            : await storeIsolated(tx, p, options, changes, lookups);
      if (
        result.status === 'rejected' ||
        result.status === 'conflict' ||
        result.status === 'error'
      ) {
        refused.push({ item: p.item, result });
      }
      results.push(result);
    }
    await writes?.flush(tx);
    await storedAfterError(
      tx,
      prepared.flatMap((p, i) =>
        p.kind === 'record' &&
        (results[i]?.status === 'accepted' || results[i]?.status === 'duplicate')
          ? [p.record]
          : [],
      ),
      at,
    );
    await quarantine(tx, refused, {
      deviceId: options.deviceId,
      userId: options.sender ?? options.pusher?.id ?? null,
      at,
    });
    // Appended once, last: the change counter is the last lock a push takes, as in every other
    // writer, so concurrent writers cannot deadlock on it.
    await appendChanges(tx, changes);
  });
  return results;
}

/** An error's class and code, never its message. */
function errorKind(e: unknown): string {
  if (!(e instanceof Error)) return typeof e;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? `${e.name} ${code}` : e.name;
}

/**
 * Stores one record inside a savepoint: a database error on this record (a bug, a constraint no
 * rule foresaw) undoes this record only and answers `error`, which the phone retries later; the
 * rest of the push is stored, so one poison record never stops a phone's queue.
 */
async function storeIsolated(
  tx: Tx,
  p: PreparedRecord,
  options: IngestOptions,
  changes: ChangeInput[],
  lookups: Lookups,
): Promise<PushResult> {
  const mine: ChangeInput[] = [];
  await sql`savepoint record_store`.execute(tx);
  try {
    const result = await store(tx, p, options, mine, lookups);
    await sql`release savepoint record_store`.execute(tx);
    changes.push(...mine);
    return result;
  } catch (e) {
    await sql`rollback to savepoint record_store`.execute(tx);
    // Logged by record id only: the body holds personal data.
    console.error(
      `push: storing record ${p.record.id} v${p.record.version} failed: ${e instanceof Error ? e.message : String(e)}`,
    );
    return {
      status: 'error',
      id: p.record.id,
      version: p.record.version,
      message: issue([], 'serverError').message,
      code: 'serverError',
    };
  }
}
