import { json } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { api, HttpError, parseOr400, readJson, requireUser } from '$lib/server/http';
import { audit } from '$lib/server/repos/audit';
import { markWiped } from '$lib/server/repos/wipes';
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
  const db = (await app()).db;
  const at = new Date().toISOString();
  const recorded = await db.transaction().execute(async (tx) => {
    const done = await markWiped(tx, device, body.recordsSent, at);
    if (done)
      await audit(tx, {
        userId: user.id,
        action: 'device.wiped',
        target: device,
        detail: { recordsSent: body.recordsSent },
        ip: clientIp(event),
      });
    return done;
  });
  return json({ recorded });
});
