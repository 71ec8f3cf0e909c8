import { json } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { api, clientIp, parseOr400, readJson, requireUser } from '$lib/server/http';
import { decideConfirmation } from '$lib/server/services/confirmations';
import { confirmationRequestSchema, recordParamsSchema } from '$lib/sync/contract';

/** An officer named on a record says whether they took part (ADR 0012). */
export const POST = api(async (event) => {
  const user = requireUser(event, ['officer']);
  const { id } = parseOr400(recordParamsSchema, event.params, '记录编号');
  const body = parseOr400(
    confirmationRequestSchema,
    await readJson(event.request, 8 * 1024),
    '确认内容',
  );
  const ctx = await app();
  const confirmation = await decideConfirmation(ctx.db, user, id, body, {
    deviceId: event.locals.deviceId,
    ip: clientIp(event),
  });
  return json(confirmation);
});
