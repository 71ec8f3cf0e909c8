import { confirmationDecisionIssues, nextConfirmation } from '$lib/domain/lifecycle';
import type { LockedRecord } from '$lib/domain/record';
import type { Confirmation, ConfirmationRequest } from '$lib/sync/contract';
import type { SessionUser } from '../auth/types';
import type { Db, Tx } from '../db/db';
import { HttpError } from '../http';
import { audit } from '../repos/audit';
import { appendChanges, type ChangeInput } from '../repos/changes';
import { namedOfficers, payload, ROW_COLUMNS, type Row } from '../repos/confirmations';
import { parseStoredRecord } from '../repos/stored';
import type { PushWrites } from './ingest/writes';

/**
 * Officers' confirmation that they took part in what a record says they did (ADR 0012). A record
 * names two officers, and a re-inspection two more; the one who sends a version vouches for
 * themselves, every other officer it names is asked on their own account, on their own phone.
 * Until each has confirmed, a supervisor cannot approve the record; an officer who says they
 * were not there stops approval for good (the record is returned or escalated).
 */

/** Changes telling every officer of the record where one row stands. */
async function changesFor(
  db: Db | Tx,
  record: LockedRecord,
  row: Row,
  squadName: string,
  at: string,
): Promise<ChangeInput[]> {
  const confirmation = await payload(db, record, row, squadName);
  const users = [...new Set(namedOfficers(record).map((n) => n.officer.userId))];
  return users.map((userId) => ({ kind: 'confirmation', userId, at, payload: { confirmation } }));
}

/**
 * In ingest's write transaction, for a version just stored: a row for each officer it names who
 * has none yet (the sender's own confirmed by sending, the others asked), and the sender's own
 * request answered if they had one. Returns the changes to append with the push's. `stored`:
 * whether the server held a version of the record before this one (rows exist only then); with
 * `writes`, the new rows wait for the push's multi-row insert.
 */
export async function requestConfirmations(
  tx: Tx,
  record: LockedRecord,
  senderId: string | null,
  squadName: string,
  at: string,
  options: { stored: boolean; writes?: PushWrites | null },
): Promise<ChangeInput[]> {
  const existing = options.stored
    ? await tx
        .selectFrom('officer_confirmations')
        .select(ROW_COLUMNS)
        .where('record_id', '=', record.id)
        .execute()
    : [];
  const changes: ChangeInput[] = [];
  const fresh: (Row & { requested_at: string; decided_device: string | null })[] = [];
  const named = namedOfficers(record);
  // An amendment that names someone else in an officer's place: the replaced officer's row
  // (asked, confirmed or denied) no longer speaks for this record. Their decision stays in the
  // audit log.
  for (const row of existing) {
    if (named.some((n) => n.part === row.part && n.officer.userId === row.user_id)) continue;
    await tx
      .deleteFrom('officer_confirmations')
      .where('record_id', '=', record.id)
      .where('part', '=', row.part)
      .where('user_id', '=', row.user_id)
      .execute();
  }
  for (const { part, officer } of named) {
    const row = existing.find((r) => r.part === part && r.user_id === officer.userId);
    const event = officer.userId === senderId ? 'sent' : 'named';
    const state = nextConfirmation(row?.state ?? 'new', event);
    if (row && row.state === state) continue;
    const next: Row = {
      record_id: record.id,
      part,
      user_id: officer.userId,
      state,
      reason: row?.reason ?? '',
      decided_at: event === 'sent' ? at : (row?.decided_at ?? null),
      requested_by: row ? row.requested_by : senderId,
    };
    if (row) {
      await tx
        .updateTable('officer_confirmations')
        .set({ state: next.state, decided_at: next.decided_at })
        .where('record_id', '=', record.id)
        .where('part', '=', part)
        .where('user_id', '=', officer.userId)
        .execute();
    } else {
      fresh.push({
        ...next,
        requested_at: at,
        decided_device: event === 'sent' ? record.deviceId : null,
      });
    }
    // The sender's own row needs no telling; a request (or a request answered) does.
    if (event === 'named' || row)
      changes.push(...(await changesFor(tx, record, next, squadName, at)));
  }
  // New rows in one statement (a first version names two or four officers).
  if (options.writes) options.writes.confirmation(fresh);
  else if (fresh.length > 0) await tx.insertInto('officer_confirmations').values(fresh).execute();
  return changes;
}

/**
 * An officer's answer to a request. The same answer again is a replay and changes nothing; the
 * other answer after one was given is refused (a decision is final: a mistaken confirmation is
 * for the supervisor to sort out with a return). All in one transaction with its audit entry and
 * the changes to the record's officers.
 */
export async function decideConfirmation(
  db: Db,
  user: Pick<SessionUser, 'id'>,
  recordId: string,
  input: ConfirmationRequest,
  options: { deviceId?: string | null; ip?: string | null; now?: string } = {},
): Promise<Confirmation> {
  const at = options.now ?? new Date().toISOString();
  return db.transaction().execute(async (tx) => {
    // Lock the record's row first (an update that changes nothing): a supervisor's approval
    // takes the same row, so the two are ordered and the approval sees a denial committed
    // before it (review.ts reads again).
    await tx
      .updateTable('records')
      .set((eb) => ({ updated_at: eb.ref('updated_at') }))
      .where('id', '=', recordId)
      .execute();
    const row = await tx
      .selectFrom('officer_confirmations')
      .select(ROW_COLUMNS)
      .where('record_id', '=', recordId)
      .where('part', '=', input.part)
      .where('user_id', '=', user.id)
      .executeTakeFirst();
    if (!row) throw new HttpError(404, 'notFound', '该记录没有需要您确认的内容');
    const reason = input.reason.trim();
    const problems = confirmationDecisionIssues({
      state: row.state,
      decision: input.decision,
      reason,
    });
    const first = problems[0];
    if (first) {
      throw new HttpError(
        first.code === 'confirmationDecided' ? 409 : 400,
        first.code,
        first.message,
        problems,
      );
    }
    const latest = await tx
      .selectFrom('records')
      .innerJoin('record_versions', (j) =>
        j
          .onRef('record_versions.record_id', '=', 'records.id')
          .onRef('record_versions.version', '=', 'records.latest_version'),
      )
      .innerJoin('squads', 'squads.id', 'records.squad_id')
      .select(['record_versions.body', 'squads.name'])
      .where('records.id', '=', recordId)
      .executeTakeFirstOrThrow();
    const record = parseStoredRecord(latest.body);
    const state = nextConfirmation(row.state, input.decision);
    if (state === row.state) return payload(tx, record, row, latest.name);
    const next: Row = {
      ...row,
      state,
      reason: input.decision === 'deny' ? reason : '',
      decided_at: at,
    };
    const updated = await tx
      .updateTable('officer_confirmations')
      .set({
        state: next.state,
        reason: next.reason,
        decided_at: at,
        decided_device: options.deviceId ?? null,
      })
      .where('record_id', '=', recordId)
      .where('part', '=', input.part)
      .where('user_id', '=', user.id)
      .where('state', '=', row.state)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      throw new HttpError(409, 'confirmationDecided', '已作出过确认或否认，不能更改');
    }
    await audit(tx, {
      userId: user.id,
      action: input.decision === 'confirm' ? 'confirmation.confirm' : 'confirmation.deny',
      target: recordId,
      detail: { part: input.part, ...(next.reason ? { reason: next.reason } : {}) },
      ip: options.ip ?? null,
    });
    await appendChanges(tx, await changesFor(tx, record, next, latest.name, at));
    return payload(tx, record, next, latest.name);
  });
}
