import { json } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { api, HttpError, parseOr400, readJson, requireUser } from '$lib/server/http';
import { reportWiped } from '$lib/server/services/device';
import { wipedRequestSchema } from '$lib/sync/contract';
import { clientIp } from '$lib/server/http';

/**
 * The phone reports that it sent what it held and emptied itself: the order is marked done (the
 * console shows when), the session ends. A repeated report changes nothing.
 */
export const POST = api(async (event) => {
  const user = requireUser(event, ['officer']);
  const device = event.locals.deviceId;
  if (!device) throw new HttpError(409, 'noWipeOrdered', '本机没有待执行的清除指令');
  const body = parseOr400(wipedRequestSchema, await readJson(event.request, 1024), '清除报告');
  const recorded = await reportWiped((await app()).db, {
    deviceId: device,
    userId: user.id,
    recordsSent: body.recordsSent,
    ip: clientIp(event),
  });
  return json({ recorded });
});
