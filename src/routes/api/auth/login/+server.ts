import { json } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { userForToken } from '$lib/server/auth/sessions';
import { api, clientIp, HttpError, parseOr400, readJson } from '$lib/server/http';
import { meOf, registerDevice } from '$lib/server/repos/users';
import { checkCredentials, startSession } from '$lib/server/services/signin';
import { loginRequestSchema } from '$lib/sync/contract';

export const POST = api(async (event) => {
  const ctx = await app();
  const body = parseOr400(loginRequestSchema, await readJson(event.request, 4096), '登录信息');
  const ip = clientIp(event);
  const signIn = await checkCredentials(ctx.db, {
    username: body.username,
    password: body.password,
    ip,
    deviceId: body.deviceId ?? null,
  });
  if (signIn.kind === 'refused') {
    throw new HttpError(
      429,
      'tooManyAttempts',
      `此地址登录失败次数过多，请 ${Math.ceil(signIn.retryAfterSeconds / 60)} 分钟后再试`,
      undefined,
      { 'retry-after': String(signIn.retryAfterSeconds) },
    );
  }
  if (signIn.kind === 'badCredentials')
    throw new HttpError(401, 'badCredentials', '用户名或密码错误');
  const user = signIn.user;
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
  const token = await startSession(ctx.db, {
    userId: user.id,
    deviceId: body.deviceId ?? null,
    hours: ctx.config.sessionHours,
    cookies: event.cookies,
    secure: event.url.protocol === 'https:',
    ip,
    target: body.deviceId ?? null,
  });
  const session = await userForToken(ctx.db, token);
  if (!session) throw new HttpError(500, 'internal', '会话创建失败');
  return json(
    await meOf(ctx.db, session.user, session.deviceId, ctx.config.publicUrl ?? event.url.origin),
  );
});
