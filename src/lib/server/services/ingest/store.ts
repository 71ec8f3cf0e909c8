import { issue } from '$lib/domain/issues';
import { nextReviewState } from '$lib/domain/lifecycle';
import { amendmentIssues, previousVersionOf, type PreviousVersion } from '$lib/domain/record';
import type { Flag, PushResult } from '$lib/sync/contract';
import type { Tx } from '../../db/db';
import type { ChangeInput } from '../../repos/changes';
import { quarantinedChain, supersede } from '../../repos/quarantine';
import { parseStoredRecord } from '../../repos/stored';
import { requestConfirmations } from '../confirmations';
import { assignProvisionalNumbers } from '../numbers';
import { summaryRow } from '../summary';
import { flagLaterRecords, serverFlags } from './flags';
import type { Lookups } from './lookups';
import { refusal, sameVersion } from './refusals';
import { writeDerivedRows } from './rows';
import type { IngestOptions, PreparedRecord } from './types';
import type { PushWrites } from './writes';

/**
 * Stores one validated record in the push's transaction: the version claimed by (id, version),
 * the chain of hashes to what the server holds, the server's flags, real numbers for provisional
 * ones, the summary row, and the rows derived from it.
 *
 * With `writes`, the rows nothing in the push reads back wait there for one multi-row insert per
 * table (ADR 0019); without, each is written at once and a version stored meanwhile by another
 * push is answered here (the one-record-at-a-time path).
 */
export async function store(
  tx: Tx,
  prepared: PreparedRecord,
  options: IngestOptions,
  changes: ChangeInput[],
  lookups: Lookups,
  writes: PushWrites | null = null,
): Promise<PushResult> {
  const { record, catalog } = prepared;
  const receivedAt = options.now ?? new Date().toISOString();
  await writes?.before(tx, record);
  const existing = writes
    ? writes.versionsOf(record.id)
    : await tx
        .selectFrom('record_versions')
        .select(['version', 'content_hash', 'received_at'])
        .where('record_id', '=', record.id)
        .orderBy('version', 'desc')
        .execute();
  const same = existing.find((v) => v.version === record.version);
  if (same) return sameVersion(record, same);
  const ids = { id: record.id, version: record.version };
  const latest = existing[0] ?? null;
  if (record.version === 1 && latest) return refusal('conflict', ids, 'idTaken', []);
  // The version replaced is the newest stored one, or a refused one the officer amended (kept
  // in the quarantine): either way the chain of hashes must reach what the server holds.
  let previous: PreviousVersion | null = null;
  let superseded: string[] = [];
  if (record.version > 1) {
    if (latest && latest.version === record.version - 1) {
      if (latest.content_hash !== record.previousVersionHash) {
        return refusal('conflict', ids, 'previousChanged', []);
      }
      const body = await tx
        .selectFrom('record_versions')
        .select('body')
        .where('record_id', '=', record.id)
        .where('version', '=', latest.version)
        .executeTakeFirstOrThrow();
      previous = previousVersionOf(parseStoredRecord(body.body));
    } else {
      const chain = await quarantinedChain(
        tx,
        record,
        latest,
        options.pusher ? options.pusher.id : null,
      );
      if (!chain) {
        const params = { latest: latest?.version ?? 0 };
        return refusal(
          'rejected',
          ids,
          'previousMissing',
          [issue(['version'], 'previousMissing', params)],
          params,
        );
      }
      previous = chain.previous;
      superseded = chain.ids;
    }
    const wrong = amendmentIssues(previous, record);
    if (wrong.length > 0) return refusal('rejected', ids, 'recordInvalid', wrong);
  }

  const flags = await serverFlags(tx, record, catalog, lookups, writes?.ledger ?? null);
  const squad = await lookups.squad(tx, record.squadId);
  if (!squad) throw new Error(`squad ${record.squadId} vanished during the push`);

  const versionRow = {
    record_id: record.id,
    version: record.version,
    content_hash: record.contentHash,
    body: prepared.body,
    device_id: record.deviceId,
    pushed_by: options.pusher?.id ?? 'import',
    received_at: receivedAt,
    flags: JSON.stringify(flags),
  };
  let assignedNumbers: Awaited<ReturnType<typeof assignProvisionalNumbers>>;
  if (writes) {
    // The version is claimed at the flush; one stored meanwhile fails the batch (`PushWrites`).
    await supersede(tx, superseded, record.version, receivedAt);
    assignedNumbers = await assignProvisionalNumbers(tx, record, receivedAt);
    flagNumbers(flags, assignedNumbers);
    writes.version({ ...versionRow, flags: JSON.stringify(flags) });
  } else {
    // Claim (id, version). If a concurrent push got there first, this inserts nothing and the
    // stored copy decides: the same content is a duplicate, other content a conflict.
    const inserted = await tx
      .insertInto('record_versions')
      .values(versionRow)
      .onConflict((oc) => oc.columns(['record_id', 'version']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
      const stored = await tx
        .selectFrom('record_versions')
        .select(['version', 'content_hash', 'received_at'])
        .where('record_id', '=', record.id)
        .where('version', '=', record.version)
        .executeTakeFirstOrThrow();
      return sameVersion(record, stored);
    }
    await supersede(tx, superseded, record.version, receivedAt);
    assignedNumbers = await assignProvisionalNumbers(tx, record, receivedAt);
    if (flagNumbers(flags, assignedNumbers)) {
      await tx
        .updateTable('record_versions')
        .set({ flags: JSON.stringify(flags) })
        .where('record_id', '=', record.id)
        .where('version', '=', record.version)
        .execute();
    }
  }

  // The summary row exists once any version is stored; a first version (most pushes) has none.
  const current = latest
    ? await tx
        .selectFrom('records')
        .select('review_state')
        .where('id', '=', record.id)
        .executeTakeFirst()
    : undefined;
  const summary = {
    ...summaryRow(record, catalog, flags),
    review_state: nextReviewState(current?.review_state ?? 'new', 'received'),
    updated_at: receivedAt,
  };
  if (!current) {
    const row = {
      id: record.id,
      created_at: new Date(record.createdAt).toISOString(),
      first_received_at: receivedAt,
      ...summary,
    };
    if (writes) writes.summary(row);
    else await tx.insertInto('records').values(row).execute();
  } else {
    await tx.updateTable('records').set(summary).where('id', '=', record.id).execute();
  }

  changes.push(
    ...(await writeDerivedRows(tx, record, squad.district, receivedAt, latest !== null, writes)),
  );
  for (const a of assignedNumbers) {
    for (const officer of record.officers) {
      changes.push({
        kind: 'numberAssigned',
        userId: officer.userId,
        at: receivedAt,
        payload: { recordId: record.id, number: a },
      });
    }
  }
  // A version replaced: its ledger rows and summary changed, read again by the next record.
  if (latest) writes?.ledger.forget();
  changes.push(
    ...(await flagLaterRecords(tx, record, catalog, receivedAt, writes?.ledger ?? null)),
  );
  changes.push(
    ...(await requestConfirmations(tx, record, options.pusher?.id ?? null, squad.name, receivedAt, {
      stored: latest !== null,
      writes,
    })),
  );
  writes?.hold(record);

  return {
    status: 'accepted',
    id: record.id,
    version: record.version,
    serverHash: record.contentHash,
    receivedAt,
    flags,
    assignedNumbers,
  };
}

/** Adds the flag that names the numbers assigned for provisional ones; says whether it did. */
function flagNumbers(
  flags: Flag[],
  assigned: Awaited<ReturnType<typeof assignProvisionalNumbers>>,
): boolean {
  if (assigned.length === 0) return false;
  flags.push({
    code: 'provisionalNumber',
    message: `使用了 ${assigned.length} 个临时文书编号，已替换为正式编号：${assigned
      .map((a) => `${a.provisional} → ${a.assigned}`)
      .join('；')}`,
  });
  return true;
}
