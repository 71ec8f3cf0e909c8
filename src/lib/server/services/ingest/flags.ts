import { labelOf } from '$lib/domain/labels';
import { evaluate, evaluationSignature } from '$lib/domain/evaluate';
import { lookbackReach, lookbackStart, type Catalog } from '$lib/domain/catalog';
import { isProvisionalNumber } from '$lib/domain/numbering';
import type { LockedRecord } from '$lib/domain/record';
import { shanghaiDate } from '$lib/domain/time';
import type { Flag } from '$lib/sync/contract';
import type { Tx } from '../../db/db';
import type { ChangeInput } from '../../repos/changes';
import { parseFlags, parseStoredRecord } from '../../repos/stored';
import type { LedgerView } from './ledger-view';
import type { Lookups } from './lookups';

/** How many dates of priors the phone missed a flag names (the latest ones). */
const MISSED_DATES_LISTED = 10;

/**
 * What a supervisor should look at: the server's own evaluation and first-offence lookup. With a
 * `view`, the ledger is read from the push's view instead of queried (the same rows, filtered the
 * same way).
 */
export async function serverFlags(
  tx: Tx,
  record: LockedRecord,
  catalog: Catalog,
  lookups: Lookups,
  view: LedgerView | null = null,
): Promise<Flag[]> {
  const flags: Flag[] = [];
  const own = evaluate({
    catalog,
    itemCode: record.itemCode,
    answers: record.answers,
    partyKeys: record.partyKeys,
    history: record.firstOffenceCheck.priors,
    recordId: record.id,
    foundOn: shanghaiDate(record.foundAt),
    now: record.evaluatedAt,
  });
  if (evaluationSignature(own) !== evaluationSignature(record.evaluation)) {
    flags.push({
      code: 'evaluationMismatch',
      message: `服务器按相同答案评估为「${labelOf('branch', own.branch ?? 'undetermined')}」，记录中为「${labelOf('branch', record.evaluation.branch ?? 'undetermined')}」`,
    });
  }

  const item = catalog.items.find((i) => i.code === record.itemCode);
  const firstOffence =
    record.evaluation.branch === 'firstOffence' ||
    record.evaluation.prospectiveBranch === 'firstOffence';
  if (item && firstOffence && record.partyKeys.length > 0) {
    const date = shanghaiDate(record.foundAt);
    const windowStart = lookbackStart(item, date);
    const seen = record.firstOffenceCheck.priors.map((p) => p.recordId);
    const checkedAt = new Date(record.firstOffenceCheck.checkedAt).toISOString();
    const excluded = new Set([record.id, ...seen]);
    let missed: { found_date: string }[];
    let known: unknown;
    if (view) {
      const rows = (await view.rows(tx, record.partyKeys)).filter(
        (r) =>
          r.item_code === record.itemCode &&
          r.found_date >= windowStart &&
          r.found_date <= date &&
          !excluded.has(r.record_id),
      );
      missed = [...new Set(rows.map((r) => r.found_date))]
        .sort()
        .reverse()
        .slice(0, MISSED_DATES_LISTED + 1)
        .map((found_date) => ({ found_date }));
      known = rows.find((r) => r.first_received_at !== null && r.first_received_at <= checkedAt);
    } else {
      // The latest few dates only, walked backwards along the ledger's party index: a party with
      // tens of thousands of earlier rows costs what one with three does.
      missed = await tx
        .selectFrom('ledger')
        .select('found_date')
        .distinct()
        .where('party_key', 'in', record.partyKeys)
        .where('item_code', '=', record.itemCode)
        .where('found_date', '>=', windowStart)
        .where('found_date', '<=', date)
        .where('record_id', 'not in', [...excluded])
        .orderBy('found_date', 'desc')
        .limit(MISSED_DATES_LISTED + 1)
        .execute();
      // Could the phone have seen one? Only if it reached the server before the phone's check.
      known =
        missed.length > 0
          ? await tx
              .selectFrom('ledger')
              .innerJoin('records', 'records.id', 'ledger.record_id')
              .select('records.id')
              .where('ledger.party_key', 'in', record.partyKeys)
              .where('ledger.item_code', '=', record.itemCode)
              .where('ledger.found_date', '>=', windowStart)
              .where('ledger.found_date', '<=', date)
              .where('ledger.record_id', 'not in', [...excluded])
              .where('records.first_received_at', '<=', checkedAt)
              .limit(1)
              .executeTakeFirst()
          : undefined;
    }
    if (missed.length > 0) {
      const dates = missed
        .slice(0, MISSED_DATES_LISTED)
        .map((m) => m.found_date)
        .reverse()
        .join('、');
      const more = missed.length > MISSED_DATES_LISTED ? '等' : '';
      flags.push({
        code: 'priorMissed',
        message: `服务器台账中该当事人同一事项在回溯期内已有记录（${dates}${more}），现场核查未发现。${
          known
            ? '前案在现场核查前已同步到服务器（手机台账当时未更新）。'
            : '前案在现场核查时尚未同步到服务器，手机无从得知。'
        }`,
      });
    }
  }

  const unreserved = await unreservedNumbers(tx, record, lookups);
  if (unreserved.length > 0) {
    flags.push({
      code: 'numberNotReserved',
      message: `文书编号不在本设备预留的号段内：${unreserved.join('、')}`,
    });
  }
  return flags;
}

/**
 * A record found earlier but synced later may be the prior that an already stored first-offence
 * record should have seen; flag those so the supervisor looks again. With a `view`, the ledger is
 * read from the push's view; a record flagged here is dropped from it (its summary changed).
 */
export async function flagLaterRecords(
  tx: Tx,
  record: LockedRecord,
  catalog: Catalog,
  at: string,
  view: LedgerView | null = null,
): Promise<ChangeInput[]> {
  const item = catalog.items.find((i) => i.code === record.itemCode);
  if (!item || record.partyKeys.length === 0 || record.version > 1) return [];
  const changes: ChangeInput[] = [];
  const date = shanghaiDate(record.foundAt);
  const reach = lookbackReach(item, date);
  const later = view
    ? [
        ...new Map(
          (await view.rows(tx, record.partyKeys))
            .filter(
              (r) =>
                r.item_code === record.itemCode &&
                r.found_date > date &&
                r.found_date <= reach &&
                (r.branch === 'firstOffence' || r.branch === 'pendingCorrection') &&
                r.record_id !== record.id &&
                r.latest_version !== null &&
                r.repeat_offence === 0,
            )
            .map((r) => [
              r.record_id,
              { id: r.record_id, latest_version: Number(r.latest_version) },
            ]),
        ).values(),
      ].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    : await tx
        .selectFrom('ledger')
        .innerJoin('records', 'records.id', 'ledger.record_id')
        .select(['records.id', 'records.latest_version'])
        .where('ledger.party_key', 'in', record.partyKeys)
        .where('ledger.item_code', '=', record.itemCode)
        .where('ledger.found_date', '>', date)
        .where('ledger.found_date', '<=', reach)
        .where('ledger.branch', 'in', ['firstOffence', 'pendingCorrection'])
        .where('records.id', '!=', record.id)
        // Already marked as a repeat: nothing more to say, and nothing to read.
        .where('records.repeat_offence', '=', 0)
        .distinct()
        .orderBy('records.id')
        .execute();
  // A summary changed below: every key of the flagged record must be read again.
  if (later.length > 0) view?.forget();
  for (const r of later) {
    const v = await tx
      .selectFrom('record_versions')
      .select(['flags', 'body', 'pushed_by'])
      .where('record_id', '=', r.id)
      .where('version', '=', r.latest_version)
      .executeTakeFirstOrThrow();
    const body = parseStoredRecord(v.body);
    if (body.firstOffenceCheck.priors.some((p) => p.recordId === record.id)) continue;
    const flags = parseFlags(v.flags);
    if (flags.some((f) => f.code === 'priorMissed')) continue;
    flags.push({
      code: 'priorMissed',
      message: `后同步的记录显示该当事人在 ${date} 已有同一事项记录；现场核查时该记录尚未同步到服务器，手机无从得知。`,
    });
    await tx
      .updateTable('record_versions')
      .set({ flags: JSON.stringify(flags) })
      .where('record_id', '=', r.id)
      .where('version', '=', r.latest_version)
      .execute();
    await tx
      .updateTable('records')
      .set({ flagged: 1, repeat_offence: 1 })
      .where('id', '=', r.id)
      .execute();
    // The phone that sent it hears at its next pull: the officer sees it on the record and the
    // home screen.
    changes.push({
      kind: 'flags',
      userId: v.pushed_by,
      at,
      payload: { recordId: r.id, version: r.latest_version, flags },
    });
  }
  return changes;
}

/** Non-provisional numbers that are not in any block reserved for the record's device. */
async function unreservedNumbers(
  tx: Tx,
  record: LockedRecord,
  lookups: Lookups,
): Promise<string[]> {
  const numbers = record.documents.filter((d) => !d.provisional && !isProvisionalNumber(d.number));
  if (numbers.length === 0) return [];
  const valid = await lookups.blocks(tx, record.deviceId);
  return numbers.filter((d) => !valid.has(`${d.docType}|${d.number}`)).map((d) => d.number);
}
