import type { Db } from '../db/db';

/**
 * Login throttling with its state in the database (shared by every server instance): after a few
 * failures an account or address is slowed, then refused with 429 for the rest of the window.
 */
export const WINDOW_MINUTES = 15;
export const SLOW_AFTER = 3;
export const ACCOUNT_LIMIT = 5;
/** Officers on one mobile carrier often share an address (NAT): address limits are looser. */
export const ADDRESS_SLOW_AFTER = 10;
export const ADDRESS_LIMIT = 30;

export type Throttle =
  { refuse: true; retryAfterSeconds: number } | { refuse: false; delayMs: number };

export async function loginThrottle(db: Db, username: string, ip: string): Promise<Throttle> {
  const since = new Date(Date.now() - WINDOW_MINUTES * 60_000).toISOString();
  const failures = async (column: 'username' | 'ip', value: string) => {
    const rows = await db
      .selectFrom('login_attempts')
      .select(['at', 'success'])
      .where(column, '=', value)
      .where('at', '>', since)
      .orderBy('at', 'desc')
      .limit(ADDRESS_LIMIT + 1)
      .execute();
    // Failures since the last success of this account or address.
    const out: string[] = [];
    for (const r of rows) {
      if (r.success === 1) break;
      out.push(r.at);
    }
    return out;
  };
  const byUser = await failures('username', username.toLowerCase());
  const byIp = await failures('ip', ip);
  // Refused until the failure that reached the limit leaves the window.
  const pivot =
    byUser.length >= ACCOUNT_LIMIT
      ? byUser[ACCOUNT_LIMIT - 1]
      : byIp.length >= ADDRESS_LIMIT
        ? byIp[ADDRESS_LIMIT - 1]
        : undefined;
  if (pivot) {
    const retry = Math.ceil((Date.parse(pivot) + WINDOW_MINUTES * 60_000 - Date.now()) / 1000);
    return { refuse: true, retryAfterSeconds: Math.max(1, retry) };
  }
  const excess = Math.max(byUser.length - SLOW_AFTER, byIp.length - ADDRESS_SLOW_AFTER);
  return { refuse: false, delayMs: excess >= 0 ? Math.min(4000, 500 * 2 ** excess) : 0 };
}

export async function recordLoginAttempt(db: Db, username: string, ip: string, success: boolean) {
  await db
    .insertInto('login_attempts')
    .values({
      username: username.toLowerCase(),
      ip,
      at: new Date().toISOString(),
      success: success ? 1 : 0,
    })
    .execute();
}
