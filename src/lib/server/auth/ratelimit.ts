import type { Db } from '../db/db';

/**
 * Login throttling that slows an attacker without locking out the real user (ADR 0011), with its
 * state in the database (shared by every server instance):
 *
 * - by (account, address) pair: a few failures are free, then each try waits longer, from a
 *   minute doubling to an hour; refused tries count too, so keeping a pair locked costs more and
 *   more. The account stays open from every other address.
 * - by account, from strangers only: many failures from addresses and devices the account has
 *   never signed in from slow strangers down, and a storm of them shuts strangers out for a
 *   while; a familiar address (a success in the last 30 days) or the user's own registered
 *   device always gets through.
 * - by address, across accounts: officers behind one carrier NAT share an address, so an address
 *   is only slowed, never shut.
 */
export const PAIR_FREE = 3;
export const PAIR_WAIT_AFTER = 5;
const PAIR_FIRST_WAIT_MS = 60_000;
const PAIR_MAX_WAIT_MS = 60 * 60_000;
const PAIR_HORIZON_MS = 24 * 3_600_000;
export const WINDOW_MINUTES = 15;
export const STRANGER_SLOW_AFTER = 10;
export const STRANGER_SHUT_AFTER = 100;
export const ADDRESS_SLOW_AFTER = 20;
const FAMILIAR_DAYS = 30;

export type LoginSource = { username: string; ip: string; deviceId: string | null };
export type Throttle =
  { refuse: true; retryAfterSeconds: number } | { refuse: false; delayMs: number };

const since = (ms: number, now: number) => new Date(now - ms).toISOString();

/** Failures of one pair since its last success (newest first). */
async function pairFailures(db: Db, s: LoginSource, now: number): Promise<string[]> {
  const rows = await db
    .selectFrom('login_attempts')
    .select(['at', 'success'])
    .where('username', '=', s.username.toLowerCase())
    .where('ip', '=', s.ip)
    .where('at', '>', since(PAIR_HORIZON_MS, now))
    .orderBy('at', 'desc')
    .limit(64)
    .execute();
  const out: string[] = [];
  for (const r of rows) {
    if (r.success === 1) break;
    out.push(r.at);
  }
  return out;
}

/** Has this account signed in from this address lately, or is this its own device? */
async function familiar(db: Db, s: LoginSource, now: number): Promise<boolean> {
  const username = s.username.toLowerCase();
  const fromHere = await db
    .selectFrom('login_attempts')
    .select('id')
    .where('username', '=', username)
    .where('ip', '=', s.ip)
    .where('success', '=', 1)
    .where('at', '>', since(FAMILIAR_DAYS * 86_400_000, now))
    .limit(1)
    .executeTakeFirst();
  if (fromHere) return true;
  if (!s.deviceId) return false;
  const device = await db
    .selectFrom('devices')
    .innerJoin('users', 'users.id', 'devices.user_id')
    .select('devices.id')
    .where('devices.id', '=', s.deviceId)
    .where('users.username', '=', username)
    .executeTakeFirst();
  return device !== undefined;
}

async function windowFailures(db: Db, column: 'username' | 'ip', value: string, now: number) {
  const row = await db
    .selectFrom('login_attempts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(column, '=', value)
    .where('success', '=', 0)
    .where('at', '>', since(WINDOW_MINUTES * 60_000, now))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function loginThrottle(
  db: Db,
  source: LoginSource,
  now = Date.now(),
): Promise<Throttle> {
  const pair = await pairFailures(db, source, now);
  if (pair.length >= PAIR_WAIT_AFTER) {
    const wait = Math.min(
      PAIR_MAX_WAIT_MS,
      PAIR_FIRST_WAIT_MS * 2 ** (pair.length - PAIR_WAIT_AFTER),
    );
    const until = Date.parse(pair[0] ?? '') + wait;
    if (until > now) return { refuse: true, retryAfterSeconds: Math.ceil((until - now) / 1000) };
  }
  let delayMs = pair.length >= PAIR_FREE ? Math.min(4000, 500 * 2 ** (pair.length - PAIR_FREE)) : 0;
  if (!(await familiar(db, source, now))) {
    const account = await windowFailures(db, 'username', source.username.toLowerCase(), now);
    if (account >= STRANGER_SHUT_AFTER) {
      return { refuse: true, retryAfterSeconds: WINDOW_MINUTES * 60 };
    }
    if (account >= STRANGER_SLOW_AFTER) {
      delayMs += Math.min(8000, 1000 * 2 ** Math.floor((account - STRANGER_SLOW_AFTER) / 10));
    }
  }
  const address = await windowFailures(db, 'ip', source.ip, now);
  if (address >= ADDRESS_SLOW_AFTER) {
    delayMs += Math.min(4000, 250 * 2 ** Math.floor((address - ADDRESS_SLOW_AFTER) / 10));
  }
  return { refuse: false, delayMs };
}

export async function recordLoginAttempt(
  db: Db,
  source: LoginSource,
  outcome: 'success' | 'failure' | 'refused',
) {
  await db
    .insertInto('login_attempts')
    .values({
      username: source.username.toLowerCase().slice(0, 64),
      ip: source.ip,
      at: new Date().toISOString(),
      success: outcome === 'success' ? 1 : 0,
      refused: outcome === 'refused' ? 1 : 0,
      device_id: source.deviceId,
    })
    .execute();
}

/**
 * Failed sign-ins to this account between its previous success and this one: what the owner is
 * told when they sign in.
 */
export async function failedSincePreviousSignIn(
  db: Db,
  username: string,
): Promise<{ count: number; lastAt: string; addresses: number } | null> {
  const name = username.toLowerCase();
  const successes = await db
    .selectFrom('login_attempts')
    .select('at')
    .where('username', '=', name)
    .where('success', '=', 1)
    .orderBy('at', 'desc')
    .limit(2)
    .execute();
  const [latest, previous] = successes;
  if (!latest) return null;
  let qb = db
    .selectFrom('login_attempts')
    .select(['at', 'ip'])
    .where('username', '=', name)
    .where('success', '=', 0)
    .where('at', '<', latest.at)
    .orderBy('at', 'desc')
    .limit(1000);
  if (previous) qb = qb.where('at', '>', previous.at);
  const rows = await qb.execute();
  const [last] = rows;
  if (!last) return null;
  return { count: rows.length, lastAt: last.at, addresses: new Set(rows.map((r) => r.ip)).size };
}
