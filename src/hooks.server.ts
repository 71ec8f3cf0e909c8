import { error, redirect, type Handle, type ServerInit } from '@sveltejs/kit';
import { building } from '$app/environment';
import { app } from '$lib/server/app';
import { SESSION_COOKIE, userForToken } from '$lib/server/auth/sessions';
import { config, ConfigError } from '$lib/server/config';
import { errorResponse, HttpError, unreadBody } from '$lib/server/http';
import { seedDemo } from '$lib/server/demo/seed';
import { bootstrap } from '$lib/server/bootstrap';
import { loadLocale } from '$lib/i18n';

export const init: ServerInit = async () => {
  // The console renders English on the server too: its messages are there from the start.
  await loadLocale('en');
  // `vite build` runs this too, to prerender the officer app: it must not create or seed a
  // database (a fresh clone's `npm run demo` would then find "existing data" and skip the demo).
  if (building) return;
  try {
    const cfg = config();
    const ctx = await app();
    if (cfg.demoSeed) {
      await seedDemo(ctx, {
        password: cfg.demoPassword,
        records: cfg.demoRecords,
        log: console.log,
      });
    } else {
      // A real installation's first start: bureau, starter catalog and one administrator.
      await bootstrap(ctx, { adminPassword: cfg.adminPassword, log: console.log });
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Patrolbook cannot start: ${error.message}`);
      process.exit(1);
    }
    console.error(
      `Patrolbook cannot start: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  }
};

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A state-changing API request from a page of another origin is refused, whatever its content
 * type (SvelteKit checks only form posts): a browser sends Origin on such requests, and
 * Sec-Fetch-Site names a cross-site one. Clients that are not browsers send neither.
 */
function crossOrigin(request: Request, url: URL): boolean {
  const origin = request.headers.get('origin');
  if (origin !== null && origin !== url.origin) return true;
  const site = request.headers.get('sec-fetch-site');
  return site === 'cross-site' || site === 'same-site';
}

const FORM_TYPES = new Set([
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
]);

/** SvelteKit's own rule: a form post must come from a page of this origin (Origin present). */
function crossSiteForm(request: Request, url: URL): boolean {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  return FORM_TYPES.has(type ?? '') && request.headers.get('origin') !== url.origin;
}

/** What a wipe-only session may do: send evidence and records, read the order, report the wipe. */
function wipeOnlyAllowed(method: string, path: string): boolean {
  if (path === '/api/device/status') return method === 'GET';
  if (path === '/api/device/wiped') return method === 'POST';
  if (path === '/api/sync/push') return method === 'POST';
  if (path === '/api/blobs/needed') return method === 'POST';
  if (/^\/api\/blobs\/[0-9a-f]{64}$/.test(path)) return method === 'HEAD' || method === 'PUT';
  return false;
}

export const handle: Handle = async ({ event, resolve }) => {
  const { request, url } = event;
  const api = url.pathname.startsWith('/api/');
  if (
    STATE_CHANGING.has(request.method) &&
    (crossSiteForm(request, url) || (api && crossOrigin(request, url)))
  ) {
    return unreadBody(
      request,
      api
        ? errorResponse(new HttpError(403, 'crossOrigin', '拒绝来自其他网站的请求'))
        : new Response('Cross-site POST form submissions are forbidden', {
            status: 403,
            headers: { 'content-type': 'text/plain; charset=utf-8' },
          }),
    );
  }
  event.locals.user = null;
  event.locals.sessionId = null;
  event.locals.deviceId = null;
  event.locals.wipeOnly = false;
  event.locals.sessionCreatedAt = null;
  const token = event.cookies.get(SESSION_COOKIE);
  if (token) {
    const ctx = await app();
    const session = await userForToken(ctx.db, token);
    if (session) {
      event.locals.user = session.user;
      event.locals.sessionId = session.sessionId;
      event.locals.deviceId = session.deviceId;
      event.locals.wipeOnly = session.wipeOnly;
      event.locals.sessionCreatedAt = session.createdAt;
    }
  }
  // A phone told to wipe itself may send what it holds and report the wipe, nothing more.
  if (event.locals.wipeOnly && !wipeOnlyAllowed(event.request.method, event.url.pathname)) {
    return errorResponse(new HttpError(401, 'wipeOrdered', '本机已被管理员要求清除数据'));
  }
  // The console is for supervisors and administrators; everyone else is sent to its login page.
  const path = event.url.pathname;
  if (path.startsWith('/console') && !path.startsWith('/console/login')) {
    const user = event.locals.user;
    if (!user) redirect(303, `/console/login?next=${encodeURIComponent(path + event.url.search)}`);
    if (user.role === 'officer') error(403, '执法队员账号不能进入后台，请使用手机端应用');
  }
  const response = await resolve(event);
  if (event.url.pathname.startsWith('/api/') && !response.headers.has('cache-control')) {
    response.headers.set('cache-control', 'no-store');
  }
  response.headers.set('x-content-type-options', 'nosniff');
  // Once a browser reached this server over TLS, it never tries plain HTTP again.
  if (event.url.protocol === 'https:')
    response.headers.set('strict-transport-security', 'max-age=31536000');
  response.headers.set('referrer-policy', 'same-origin');
  return response;
};
