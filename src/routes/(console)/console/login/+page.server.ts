import { fail, redirect } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { failedSincePreviousSignIn } from '$lib/server/auth/ratelimit';
import { revokeSession, SESSION_COOKIE } from '$lib/server/auth/sessions';
import { clientIp } from '$lib/server/http';
import { audit } from '$lib/server/repos/audit';
import { checkCredentials, startSession } from '$lib/server/services/signin';
import type { Actions, PageServerLoad } from './$types';
import { field } from '$lib/server/forms';

export const load: PageServerLoad = ({ locals, url }) => {
  if (locals.user && locals.user.role !== 'officer')
    redirect(303, safeNext(url.searchParams.get('next')));
  return { next: url.searchParams.get('next') ?? '/console' };
};

/** Only local console paths: never an open redirect. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/console') && !next.startsWith('//') ? next : '/console';
}

export const actions: Actions = {
  login: async (event) => {
    const form = await event.request.formData();
    const username = field(form, 'username').trim();
    const password = field(form, 'password');
    const next = safeNext(field(form, 'next'));
    if (!username || !password)
      return fail(400, { username, error: 'console.login.enterYourUserName' });
    if (username.length > 64 || password.length > 256)
      return fail(400, { username: '', error: 'console.login.userNamePasswordToo' });
    const ctx = await app();
    const ip = clientIp(event);
    const signIn = await checkCredentials(ctx.db, { username, password, ip, deviceId: null });
    if (signIn.kind === 'refused') {
      return fail(429, {
        username,
        error: 'console.login.tooManyFailedSign',
        params: { minutes: Math.ceil(signIn.retryAfterSeconds / 60) },
      });
    }
    if (signIn.kind === 'badCredentials')
      return fail(401, { username, error: 'console.login.wrongUserNamePassword' });
    const user = signIn.user;
    if (user.role === 'officer') {
      return fail(403, {
        username,
        error: 'console.login.officersUsePhoneApp',
      });
    }
    await startSession(ctx.db, {
      userId: user.id,
      deviceId: null,
      hours: ctx.config.sessionHours,
      cookies: event.cookies,
      secure: event.url.protocol === 'https:',
      ip,
      target: 'console',
    });
    // Failed attempts on this account since its previous sign-in are shown on arrival.
    const failed = await failedSincePreviousSignIn(ctx.db, user.username);
    redirect(303, failed ? `${next}${next.includes('?') ? '&' : '?'}failed=${failed.count}` : next);
  },
  logout: async (event) => {
    const ctx = await app();
    const token = event.cookies.get(SESSION_COOKIE);
    if (token) await revokeSession(ctx.db, token);
    if (event.locals.user)
      await audit(ctx.db, { userId: event.locals.user.id, action: 'logout', ip: clientIp(event) });
    event.cookies.delete(SESSION_COOKIE, { path: '/' });
    redirect(303, '/console/login');
  },
  locale: ({ cookies, request }) => {
    const next = cookies.get('pb_locale') === 'en' ? 'zh-CN' : 'en';
    cookies.set('pb_locale', next, {
      path: '/',
      httpOnly: false,
      sameSite: 'lax',
      maxAge: 365 * 86400,
    });
    // Back to the console page the toggle was pressed on; never anywhere else.
    const back = new URL(request.headers.get('referer') ?? '/console', 'http://x');
    redirect(
      303,
      /^\/console(\/|$)/.test(back.pathname) ? back.pathname + back.search : '/console',
    );
  },
};
