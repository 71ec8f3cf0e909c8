import type { ConfirmationPart, ConfirmationState } from '$lib/domain/lifecycle';
import { partyHint } from '$lib/domain/party';
import type { LockedRecord, OfficerRef } from '$lib/domain/record';
import type { Confirmation } from '$lib/sync/contract';
import type { Db, Tx } from '../db/db';
import { catalogVersion } from './catalogs';

/** Officers' confirmations as stored and as phones and the console see them (ADR 0012). */

export type Named = { part: ConfirmationPart; officer: OfficerRef };

/** The officers a version names, by part. */
export function namedOfficers(record: LockedRecord): Named[] {
  return [
    ...record.officers.map((officer) => ({ part: 'inspection' as const, officer })),
    ...(record.reinspection?.officers ?? []).map((officer) => ({
      part: 'reinspection' as const,
      officer,
    })),
  ];
}

export type Row = {
  record_id: string;
  part: ConfirmationPart;
  user_id: string;
  state: ConfirmationState;
  reason: string;
  decided_at: string | null;
  /** Who sent the version that asked; null for a console import. */
  requested_by: string | null;
};

export const ROW_COLUMNS = [
  'record_id',
  'part',
  'user_id',
  'state',
  'reason',
  'decided_at',
  'requested_by',
] as const;

/** What the officers' phones are told about one row. */
export async function payload(
  db: Db | Tx,
  record: LockedRecord,
  row: Row,
  squadName: string,
): Promise<Confirmation> {
  const catalog = await catalogVersion(db, record.catalogVersion);
  const named = namedOfficers(record).find(
    (n) => n.part === row.part && n.officer.userId === row.user_id,
  );
  // The sender is on the record (ingest refuses a version its sender is not named on), under
  // the roster's name: no need to read it again.
  const sender = namedOfficers(record).find((n) => n.officer.userId === row.requested_by);
  return {
    recordId: row.record_id,
    part: row.part,
    userId: row.user_id,
    officerName: named?.officer.name ?? '',
    state: row.state,
    reason: row.reason,
    decidedAt: row.decided_at,
    foundAt:
      row.part === 'reinspection'
        ? (record.reinspection?.doneAt ?? record.foundAt)
        : record.foundAt,
    itemCode: record.itemCode,
    itemName: catalog?.items.find((i) => i.code === record.itemCode)?.name ?? record.itemCode,
    partyHint: partyHint(record.party),
    squadName,
    sentBy: row.requested_by === null ? '后台导入' : (sender?.officer.name ?? ''),
  };
}

/** Where each officer named on a record stands, for the console, the API and the reviewer. */
export async function recordConfirmations(
  db: Db | Tx,
  record: LockedRecord,
): Promise<Confirmation[]> {
  const rows = await db
    .selectFrom('officer_confirmations')
    .select(ROW_COLUMNS)
    .where('record_id', '=', record.id)
    .execute();
  const squad = await db
    .selectFrom('squads')
    .select('name')
    .where('id', '=', record.squadId)
    .executeTakeFirst();
  const out: Confirmation[] = [];
  for (const { part, officer } of namedOfficers(record)) {
    const row = rows.find((r) => r.part === part && r.user_id === officer.userId);
    if (row) out.push(await payload(db, record, row, squad?.name ?? ''));
  }
  return out;
}

/** The states alone, for the reviewer's rule. */
export async function confirmationStates(
  db: Db | Tx,
  recordId: string,
): Promise<ConfirmationState[]> {
  const rows = await db
    .selectFrom('officer_confirmations')
    .select('state')
    .where('record_id', '=', recordId)
    .execute();
  return rows.map((r) => r.state);
}
