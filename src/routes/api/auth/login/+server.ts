import { json } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { dummyHash, verifyPassword } from '$lib/server/auth/password';
import { loginThrottle, recordLoginAttempt } from '$lib/server/auth/ratelimit';
import { createSession, setSessionCookie } from '$lib/server/auth/sessions';
import { userForToken } from '$lib/server/auth/sessions';
import { api, clientIp, HttpError, parseOr400, readJson } from '$lib/server/http';
import { audit } from '$lib/server/repos/audit';
import { findUserByUsername, meOf, registerDevice } from '$lib/server/repos/users';
import { loginRequestSchema } from '$lib/sync/contract';

export const POST = api(async (event) => {
  const ctx = await app();
  const body = parseOr400(loginRequestSchema, await readJson(event.request, 4096), '登录信息');
  const ip = clientIp(event);
  const throttle = await loginThrottle(ctx.db, body.username, ip);
  if (throttle.refuse) {
    throw new HttpError(
      429,
      'tooManyAttempts',
      `登录失败次数过多，请 ${Math.ceil(throttle.retryAfterSeconds / 60)} 分钟后再试`,
      undefined,
      { 'retry-after': String(throttle.retryAfterSeconds) },
    );
  }
  if (throttle.delayMs > 0) await new Promise((r) => setTimeout(r, throttle.delayMs));

  const user = await findUserByUsername(ctx.db, body.username);
  const ok = user
    ? user.active === 1 && (await verifyPassword(body.password, user.password_hash))
    : await verifyPassword(body.password, await dummyHash()).then(() => false);
  await recordLoginAttempt(ctx.db, body.username, ip, ok);
  if (!ok || !user) {
    await audit(ctx.db, {
      userId: user?.id ?? null,
      action: 'loginFailed',
      target: body.username.slice(0, 64),
      ip,
    });
    throw new HttpError(401, 'badCredentials', '用户名或密码错误');
  }
  if (
    body.deviceId &&
    !(await registerDevice(ctx.db, body.deviceId, user.id, event.request.headers.get('user-agent')))
  ) {
    throw new HttpError(
      409,
      'deviceTaken',
      '这部手机登记在另一名执法队员名下。请原使用人先同步并退出登录（退出后手机会换用新的设备编号），再由您登录。',
    );
  }
  const { token, expiresAt } = await createSession(ctx.db, {
    userId: user.id,
    deviceId: body.deviceId ?? null,
    hours: ctx.config.sessionHours,
  });
  setSessionCookie(event.cookies, token, expiresAt, event.url.protocol === 'https:');
  await audit(ctx.db, { userId: user.id, action: 'login', target: body.deviceId ?? null, ip });
  const session = await userForToken(ctx.db, token);
  if (!session) throw new HttpError(500, 'internal', '会话创建失败');
  return json(
    await meOf(ctx.db, session.user, session.deviceId, ctx.config.publicUrl ?? event.url.origin),
  );
});
