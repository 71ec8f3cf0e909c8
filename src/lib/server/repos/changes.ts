import { z } from 'zod';
import { lookbackStart } from '$lib/domain/catalog';
import { addDays, shanghaiDate } from '$lib/domain/time';
import type { Db, Tx } from '../db/db';
import type { Database } from '../db/schema';
import { nextCounter } from '../db/db';
import { changeSchema, type Change, type LedgerEntry } from '$lib/sync/contract';
import type { SessionUser } from '../auth/types';
import { catalogInForceOn } from './catalogs';
import { ledgerEntries } from './ledger';
import { ledgerKeyInfo } from './secrets';

/**
 * The change feed phones pull from. Sequence numbers come from a database counter taken inside
 * the writing transaction, so they follow commit order and a cursor never skips a change.
 */
export type ChangeInput = {
  kind: Database['changes']['kind'];
  userId?: string | null;
  district?: string | null;
  broadcast?: boolean;
  payload: unknown;
  at: string;
};

/**
 * Appends changes in the writing transaction. Each payload is validated against the wire
 * contract before it is written: a change the phones could not read never enters the feed (it
 * would stop every later pull of every phone that receives it).
 */
export async function appendChanges(tx: Tx, changes: ChangeInput[]): Promise<void> {
  if (changes.length === 0) return;
  for (const c of changes)
    if (c.kind === 'ledger') storedLedgerChange.parse(c.payload);
    else changeSchema.parse({ seq: 0, kind: c.kind, at: c.at, ...(c.payload as object) });
  const first = await nextCounter(tx, 'changes', changes.length);
  await tx
    .insertInto('changes')
    .values(
      changes.map((c, i) => ({
        seq: first + i,
        kind: c.kind,
        user_id: c.userId ?? null,
        district: c.district ?? null,
        broadcast: c.broadcast ? (1 as const) : (0 as const),
        payload: JSON.stringify(c.payload),
        created_at: c.at,
      })),
    )
    .execute();
}

/**
 * A ledger change names the record only: the entry phones receive is made when they pull, from
 * the record's ledger rows as they are then, with digests under the key of that moment (a
 * rotated key reaches every entry at once). Rows written by earlier releases held the entry
 * itself; its record id is all that is read from them.
 */
const storedLedgerChange = z.union([
  z.object({ recordId: z.string() }),
  z.object({ entry: z.object({ recordId: z.string() }) }).transform((p) => p.entry),
]);

/** The record a stored ledger change names (null for other kinds, or a row edited by hand). */
function ledgerRecordOf(row: { kind: string; payload: string }): string | null {
  if (row.kind !== 'ledger') return null;
  const parsed = storedLedgerChange.safeParse(JSON.parse(row.payload));
  return parsed.success ? parsed.data.recordId : null;
}

export async function appendChange(tx: Tx, change: ChangeInput): Promise<void> {
  await appendChanges(tx, [change]);
}

/** Districts of the squads a user works in or supervises: the ledger entries they receive. */
export async function userDistricts(db: Db, user: SessionUser): Promise<string[]> {
  const squadIds = [
    ...new Set([...(user.squadId ? [user.squadId] : []), ...user.supervisedSquadIds]),
  ];
  if (user.role === 'admin') {
    return (await db.selectFrom('squads').select('district').distinct().execute()).map(
      (r) => r.district,
    );
  }
  if (squadIds.length === 0) return [];
  const rows = await db
    .selectFrom('squads')
    .select('district')
    .where('id', 'in', squadIds)
    .distinct()
    .execute();
  return rows.map((r) => r.district);
}

/**
 * The oldest day of the ledger officers' phones keep: the earliest start of any item's lookback
 * window for a finding today under the catalog in force, less a week for records amended or
 * re-inspected a little later. Older entries cannot decide a first offence.
 */
export async function ledgerSince(db: Db, now = new Date()): Promise<string> {
  const today = shanghaiDate(now);
  const catalog = await catalogInForceOn(db, today);
  let earliest = addDays(today, -366);
  for (const item of catalog?.items ?? []) {
    const start = lookbackStart(item, today);
    if (start < earliest) earliest = start;
  }
  return addDays(earliest, -7);
}

export async function pullChanges(
  db: Db,
  user: SessionUser,
  cursor: number,
  limit: number,
  now = new Date(),
) {
  const districts = await userDistricts(db, user);
  // Officers' phones keep the whole bureau's ledger (digests only) for the lookback windows:
  // the first-offence check offline sees a prior recorded in any district.
  const officer = user.role === 'officer';
  const since = officer ? await ledgerSince(db, now) : null;
  const rows = await db
    .selectFrom('changes')
    .selectAll()
    .where('seq', '>', cursor)
    .where((eb) =>
      eb.or([
        eb('broadcast', '=', 1),
        eb('user_id', '=', user.id),
        ...(districts.length > 0
          ? [eb.and([eb('kind', '!=', 'ledger'), eb('district', 'in', districts)])]
          : []),
        ...(since ? [eb.and([eb('kind', '=', 'ledger'), eb('created_at', '>=', since)])] : []),
      ]),
    )
    .orderBy('seq')
    .limit(limit + 1)
    .execute();
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  let next = cursor;
  if (page.length > 0) next = Number(page[page.length - 1]?.seq);
  else {
    // Nothing for this user: move the cursor to the end of the feed so the next pull starts there.
    const max = await db
      .selectFrom('counters')
      .select('value')
      .where('name', '=', 'changes')
      .executeTakeFirst();
    next = Math.max(cursor, Number(max?.value ?? 0));
  }
  const key = officer ? await ledgerKeyInfo(db) : null;
  const named = page.map(ledgerRecordOf);
  const ids = [...new Set(named.filter((id) => id !== null))];
  const entries = key ? await ledgerEntries(db, ids, key.key) : new Map<string, LedgerEntry>();
  return {
    changes: page.flatMap((row, i) => readChange(row, named[i] ?? null, entries)),
    cursor: next,
    more,
    ledgerKeyId: key?.id ?? null,
    ledgerSince: since,
  };
}

/**
 * A stored change as the phones receive it. Payloads are validated when written; one that still
 * does not parse (a row edited by hand) is left out and logged by number, never sent, so the
 * feed keeps flowing.
 */
function readChange(
  row: {
    seq: number | string;
    kind: string;
    created_at: string;
    payload: string;
  },
  ledgerRecord: string | null,
  entries: ReadonlyMap<string, LedgerEntry>,
): Change[] {
  let payload: object;
  if (row.kind === 'ledger') {
    const entry = ledgerRecord === null ? undefined : entries.get(ledgerRecord);
    // The record is gone (never, short of a hand edit): nothing to say.
    if (!entry) return [];
    payload = { entry };
  } else payload = JSON.parse(row.payload) as object;
  const parsed = changeSchema.safeParse({
    seq: Number(row.seq),
    kind: row.kind,
    at: row.created_at,
    ...payload,
  });
  if (parsed.success) return [parsed.data];
  console.error(`change ${row.seq} (${row.kind}) does not match the contract and was skipped`);
  return [];
}
