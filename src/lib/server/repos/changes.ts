import type { Db, Tx } from '../db/db';
import { nextCounter } from '../db/db';
import { changeSchema, type Change } from '$lib/sync/contract';
import type { SessionUser } from '../auth/types';

/**
 * The change feed phones pull from. Sequence numbers come from a database counter taken inside
 * the writing transaction, so they follow commit order and a cursor never skips a change.
 */
export type ChangeInput = {
  kind: 'review' | 'catalog' | 'ledger' | 'numberBlock' | 'numberAssigned' | 'confirmation';
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
    changeSchema.parse({ seq: 0, kind: c.kind, at: c.at, ...(c.payload as object) });
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

export async function pullChanges(db: Db, user: SessionUser, cursor: number, limit: number) {
  const districts = await userDistricts(db, user);
  const rows = await db
    .selectFrom('changes')
    .selectAll()
    .where('seq', '>', cursor)
    .where((eb) =>
      eb.or([
        eb('broadcast', '=', 1),
        eb('user_id', '=', user.id),
        ...(districts.length > 0 ? [eb('district', 'in', districts)] : []),
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
  return { changes: page.flatMap(readChange), cursor: next, more };
}

/**
 * A stored change as the phones receive it. Payloads are validated when written; one that still
 * does not parse (a row edited by hand) is left out and logged by number, never sent, so the
 * feed keeps flowing.
 */
function readChange(row: {
  seq: number | string;
  kind: string;
  created_at: string;
  payload: string;
}): Change[] {
  const parsed = changeSchema.safeParse({
    seq: Number(row.seq),
    kind: row.kind,
    at: row.created_at,
    ...(JSON.parse(row.payload) as object),
  });
  if (parsed.success) return [parsed.data];
  console.error(`change ${row.seq} (${row.kind}) does not match the contract and was skipped`);
  return [];
}
