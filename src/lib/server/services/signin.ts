import type { Cookies } from '@sveltejs/kit';
import type { Db } from '../db/db';
import { createSession, setSessionCookie } from '../auth/sessions';
import { dummyHash, verifyPassword } from '../auth/password';
import { loginThrottle, recordLoginAttempt, type LoginSource } from '../auth/ratelimit';
import { audit } from '../repos/audit';
import { findUserByUsername } from '../repos/users';

export type SignIn =
  | { kind: 'refused'; retryAfterSeconds: number }
  | { kind: 'badCredentials' }
  | { kind: 'ok'; user: NonNullable<Awaited<ReturnType<typeof findUserByUsername>>> };

/**
 * Checks a username and password, for the phone's API and the console alike: throttled by
 * (account, address) pair, every attempt recorded (a refused one too), a failure audited, and a
 * missing account costing the same time as a wrong password.
 */
export async function checkCredentials(
  db: Db,
  source: LoginSource & { password: string },
): Promise<SignIn> {
  const throttle = await loginThrottle(db, source);
  if (throttle.refuse) {
    await recordLoginAttempt(db, source, 'refused');
    return { kind: 'refused', retryAfterSeconds: throttle.retryAfterSeconds };
  }
  if (throttle.delayMs > 0) await new Promise((r) => setTimeout(r, throttle.delayMs));
  const user = await findUserByUsername(db, source.username);
  const ok = user
    ? user.active === 1 && (await verifyPassword(source.password, user.password_hash))
    : await verifyPassword(source.password, await dummyHash()).then(() => false);
  await recordLoginAttempt(db, source, ok ? 'success' : 'failure');
  if (!ok || !user) {
    await audit(db, {
      userId: user?.id ?? null,
      action: 'loginFailed',
      target: source.username.slice(0, 64),
      ip: source.ip,
    });
    return { kind: 'badCredentials' };
  }
  return { kind: 'ok', user };
}

/**
 * Opens a session for a user whose credentials were accepted: the row, the cookie and the audit
 * entry, the same for the phone (with its device) and the console (`target` says which).
 */
export async function startSession(
  db: Db,
  options: {
    userId: string;
    deviceId: string | null;
    hours: number;
    cookies: Cookies;
    secure: boolean;
    ip: string | null;
    target: string | null;
  },
): Promise<string> {
  const { token, expiresAt } = await createSession(db, {
    userId: options.userId,
    deviceId: options.deviceId,
    hours: options.hours,
  });
  setSessionCookie(options.cookies, token, expiresAt, options.secure);
  await audit(db, {
    userId: options.userId,
    action: 'login',
    target: options.target,
    ip: options.ip,
  });
  return token;
}
