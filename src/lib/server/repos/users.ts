import { FREQUENT_PLACES, streetListSchema, type Street } from '$lib/domain/streets';
import { shanghaiDate } from '$lib/domain/time';
import type { Me } from '$lib/sync/contract';
import type { SessionUser } from '../auth/types';
import { failedSincePreviousSignIn } from '../auth/ratelimit';
import { ledgerKeyInfo } from './secrets';
import type { Db, Tx } from '../db/db';

/** What identifies a user to the rest of the app (never the password hash). */
export const USER_COLUMNS = [
  'users.id',
  'users.username',
  'users.role',
  'users.real_name',
  'users.certificate_no',
  'users.squad_id',
] as const;

export async function findUserByUsername(db: Db, username: string) {
  return db
    .selectFrom('users')
    .selectAll()
    .where('username', '=', username.trim().toLowerCase())
    .executeTakeFirst();
}

export async function squadRefs(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('squads')
    .select(['id', 'name', 'district'])
    .where('id', 'in', ids)
    .orderBy('name')
    .execute();
}

/** A squad's street names (what its administrator saved; `[]` before any). */
export async function squadStreets(db: Db | Tx, squadId: string): Promise<Street[]> {
  const row = await db
    .selectFrom('squads')
    .select('streets')
    .where('id', '=', squadId)
    .executeTakeFirst();
  return row ? streetListSchema.parse(JSON.parse(row.streets)) : [];
}

/** The squad's frequent places of late, most frequent first (`FREQUENT_PLACES`). */
export async function frequentPlaces(db: Db, squadId: string, now: Date): Promise<string[]> {
  const since = shanghaiDate(new Date(now.getTime() - FREQUENT_PLACES.days * 86_400_000));
  const rows = await db
    .selectFrom('records')
    .select(['address', (eb) => eb.fn.countAll<number>().as('n')])
    .where('squad_id', '=', squadId)
    .where('found_date', '>=', since)
    .where('address', '!=', '')
    .groupBy('address')
    .having((eb) => eb.fn.countAll(), '>=', FREQUENT_PLACES.minCases)
    .orderBy('n', 'desc')
    .orderBy('address')
    .limit(FREQUENT_PLACES.limit)
    .execute();
  return rows.map((r) => r.address);
}

/** The installation's bureau (the first one created), if it has been set up yet. */
export function findBureau(db: Db | Tx) {
  return db.selectFrom('bureaus').selectAll().orderBy('created_at').limit(1).executeTakeFirst();
}

export async function defaultBureau(db: Db) {
  const b = await findBureau(db);
  return b
    ? { id: b.id, name: b.name, shortName: b.short_name }
    : { id: '', name: '', shortName: '' };
}

export async function bureauOfUser(db: Db, user: SessionUser) {
  const squadId = user.squadId ?? user.supervisedSquadIds[0];
  if (squadId) {
    const row = await db
      .selectFrom('squads as s')
      .innerJoin('bureaus as b', 'b.id', 's.bureau_id')
      .select(['b.id', 'b.name', 'b.short_name'])
      .where('s.id', '=', squadId)
      .executeTakeFirst();
    if (row) return { id: row.id, name: row.name, shortName: row.short_name };
  }
  return defaultBureau(db);
}

export async function meOf(
  db: Db,
  user: SessionUser,
  deviceId: string | null,
  publicUrl: string,
): Promise<Me> {
  const [squad] = user.squadId ? await squadRefs(db, [user.squadId]) : [];
  const roster = user.squadId
    ? await db
        .selectFrom('users')
        .select(['id', 'real_name', 'certificate_no'])
        .where('squad_id', '=', user.squadId)
        .where('role', '=', 'officer')
        .where('active', '=', 1)
        .where('certificate_no', 'is not', null)
        .orderBy('real_name')
        .execute()
    : [];
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    realName: user.realName,
    certificateNo: user.certificateNo,
    squad: squad ?? null,
    supervisedSquads: await squadRefs(db, user.supervisedSquadIds),
    bureau: await bureauOfUser(db, user),
    roster: roster.map((r) => ({
      userId: r.id,
      name: r.real_name,
      certificateNo: r.certificate_no ?? '',
    })),
    streets: user.squadId ? await squadStreets(db, user.squadId) : [],
    squadPlaces:
      user.role === 'officer' && user.squadId
        ? await frequentPlaces(db, user.squadId, new Date())
        : [],
    deviceId,
    publicUrl,
    ...(user.role === 'officer'
      ? await ledgerKeyInfo(db).then((k) => ({ ledgerKey: k.key, ledgerKeyId: k.id }))
      : { ledgerKey: null, ledgerKeyId: null }),
    failedSignIns: await failedSincePreviousSignIn(db, user.username),
  };
}

/**
 * Registers a phone with the user who signed in on it. A device id already registered to
 * someone else is refused: a phone hands over to another officer only through a logout, which
 * empties it and gives it a new id.
 */
export async function registerDevice(
  db: Db,
  deviceId: string,
  userId: string,
  userAgent: string | null,
): Promise<boolean> {
  const now = new Date().toISOString();
  await db
    .insertInto('devices')
    .values({
      id: deviceId,
      user_id: userId,
      registered_at: now,
      last_seen_at: now,
      user_agent: userAgent?.slice(0, 300) ?? null,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const updated = await db
    .updateTable('devices')
    .set({ last_seen_at: now })
    .where('id', '=', deviceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

export async function deviceBelongsTo(db: Db, deviceId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('devices')
    .select('id')
    .where('id', '=', deviceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

export function squadById(db: Db | Tx, id: string) {
  return db
    .selectFrom('squads')
    .select(['id', 'name', 'district'])
    .where('id', '=', id)
    .executeTakeFirst();
}
