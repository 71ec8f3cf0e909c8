import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { app } from '$lib/server/app';
import { api, HttpError, parseOr400, readJson, requireUser } from '$lib/server/http';
import { deviceBelongsTo } from '$lib/server/repos/users';
import { linkHandledTasks } from '$lib/server/services/dispatch';
import { ingestRecords } from '$lib/server/services/ingest';
import { MAX_PUSH_BYTES, pushRequestSchema, type PushResponse } from '$lib/sync/contract';

const namesTask = z.object({ id: z.string(), taskId: z.string() });

export const POST = api(async (event) => {
  const user = requireUser(event, ['officer']);
  const ctx = await app();
  const body = parseOr400(
    pushRequestSchema,
    await readJson(event.request, MAX_PUSH_BYTES, 'records'),
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
  // Records made from the city platform's tasks close them (after the push: a task never holds
  // up a record; a push retried after a crash links what was left).
  const handled = body.records.flatMap((raw, i) => {
    const status = results[i]?.status;
    if (status !== 'accepted' && status !== 'duplicate') return [];
    // Stored, so valid: its task id (if any) passed the record's schema.
    const r = namesTask.safeParse(raw);
    return r.success ? [{ recordId: r.data.id, taskId: r.data.taskId, userId: user.id }] : [];
  });
  if (handled.length) await linkHandledTasks(ctx.db, handled);
  return json({ results } satisfies PushResponse);
});
