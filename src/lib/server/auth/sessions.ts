import { createHash, randomBytes } from 'node:crypto';
import type { Cookies } from '@sveltejs/kit';
import type { Db, Tx } from '../db/db';
import type { SessionUser } from './types';
import { USER_COLUMNS } from '../repos/users';

export const SESSION_COOKIE = 'pb_session';

/** The database stores only a hash of the token, so a leaked database copy holds no sessions. */
function tokenId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createSession(
  db: Db,
  options: { userId: string; deviceId: string | null; hours: number },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const now = new Date();
  const expiresAt = new Date(now.getTime() + options.hours * 3600_000);
  await db
    .insertInto('sessions')
    .values({
      id: tokenId(token),
      user_id: options.userId,
      device_id: options.deviceId,
      created_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
      last_seen_at: now.toISOString(),
      revoked_at: null,
    })
    .execute();
  return { token, expiresAt };
}

export function setSessionCookie(
  cookies: Cookies,
  token: string,
  expiresAt: Date,
  secure: boolean,
) {
  cookies.set(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    expires: expiresAt,
  });
}

export async function revokeSession(db: Db, token: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: new Date().toISOString() })
    .where('id', '=', tokenId(token))
    .where('revoked_at', 'is', null)
    .execute();
}

export async function revokeUserSessions(db: Db | Tx, userId: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: new Date().toISOString() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}

/**
 * The signed-in user for a session token, or null when unknown, expired, revoked or inactive.
 * One exception: a revoked session (or an inactive user's) of a phone ordered to wipe itself is
 * answered with `wipeOnly`, which lets that phone send what it holds and report the wipe, nothing
 * else (ADR 0018).
 */
export async function userForToken(
  db: Db,
  token: string,
): Promise<{
  user: SessionUser;
  sessionId: string;
  deviceId: string | null;
  wipeOnly: boolean;
  createdAt: string;
} | null> {
  const id = tokenId(token);
  const now = new Date().toISOString();
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .leftJoin('device_wipes', (j) =>
      j
        .onRef('device_wipes.device_id', '=', 'sessions.device_id')
        .on('device_wipes.wiped_at', 'is', null),
    )
    .select([
      'sessions.id as sessionId',
      'sessions.device_id as deviceId',
      'sessions.last_seen_at as lastSeen',
      'sessions.revoked_at as revokedAt',
      'sessions.created_at as createdAt',
      'users.active',
      'device_wipes.reason as wipe',
      ...USER_COLUMNS,
    ])
    .where('sessions.id', '=', id)
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst();
  if (!row) return null;
  const wipeOnly = row.revokedAt !== null || row.active !== 1;
  if (wipeOnly && row.wipe === null) return null;
  const supervised =
    row.role === 'supervisor'
      ? (
          await db
            .selectFrom('supervisor_squads')
            .select('squad_id')
            .where('user_id', '=', row.id)
            .execute()
        ).map((r) => r.squad_id)
      : [];
  // Touch at most once a minute: a read-mostly session table stays cheap.
  if (Date.parse(now) - Date.parse(row.lastSeen) > 60_000) {
    await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
  }
  return {
    sessionId: row.sessionId,
    deviceId: row.deviceId,
    wipeOnly,
    createdAt: row.createdAt,
    user: {
      id: row.id,
      username: row.username,
      role: row.role,
      realName: row.real_name,
      certificateNo: row.certificate_no,
      squadId: row.squad_id,
      supervisedSquadIds: supervised,
    },
  };
}
