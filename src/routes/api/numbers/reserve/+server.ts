import { json } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { api, HttpError, parseOr400, readJson, requireUser } from '$lib/server/http';
import { bureauOfUser, deviceBelongsTo } from '$lib/server/repos/users';
import { reserveBlock } from '$lib/server/services/numbers';
import { reserveRequestSchema } from '$lib/sync/contract';

export const POST = api(async (event) => {
  const user = requireUser(event, ['officer']);
  const ctx = await app();
  const body = parseOr400(
    reserveRequestSchema,
    await readJson(event.request, 4096),
    '预留编号请求',
  );
  if (!(await deviceBelongsTo(ctx.db, body.deviceId, user.id))) {
    throw new HttpError(403, 'unknownDevice', '该设备未在本账号下登记，请重新登录');
  }
  const bureau = await bureauOfUser(ctx.db, user);
  const block = await reserveBlock(ctx.db, {
    bureauId: bureau.id,
    deviceId: body.deviceId,
    userId: user.id,
    docType: body.docType,
    count: body.count,
  });
  return json({ block }, { status: 201 });
});
