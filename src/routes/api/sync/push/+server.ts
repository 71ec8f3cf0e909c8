import { json } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { api, HttpError, parseOr400, readJson, requireUser } from '$lib/server/http';
import { deviceBelongsTo } from '$lib/server/repos/users';
import { ingestRecords } from '$lib/server/services/ingest';
import { MAX_PUSH_BYTES, pushRequestSchema, type PushResponse } from '$lib/sync/contract';

export const POST = api(async (event) => {
  const user = requireUser(event, ['officer']);
  const ctx = await app();
  const body = parseOr400(
    pushRequestSchema,
    await readJson(event.request, MAX_PUSH_BYTES),
    '同步请求',
  );
  if (!(await deviceBelongsTo(ctx.db, body.deviceId, user.id))) {
    throw new HttpError(403, 'unknownDevice', '该设备未在本账号下登记，请重新登录');
  }
  const results = await ingestRecords(ctx.db, body.records, {
    deviceId: body.deviceId,
    pusher: { id: user.id, role: user.role },
    farewell: event.locals.wipeOnly,
    oneByOne: !ctx.config.ingestBatched,
  });
  return json({ results } satisfies PushResponse);
});
