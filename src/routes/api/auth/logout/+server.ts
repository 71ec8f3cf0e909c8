import { json } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { revokeSession, SESSION_COOKIE } from '$lib/server/auth/sessions';
import { api, clientIp } from '$lib/server/http';
import { audit } from '$lib/server/repos/audit';

export const POST = api(async (event) => {
  const ctx = await app();
  const token = event.cookies.get(SESSION_COOKIE);
  if (token) await revokeSession(ctx.db, token);
  if (event.locals.user) {
    await audit(ctx.db, { userId: event.locals.user.id, action: 'logout', ip: clientIp(event) });
  }
  event.cookies.delete(SESSION_COOKIE, { path: '/' });
  return json({ ok: true });
});
