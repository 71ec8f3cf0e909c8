import { json } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { api, requireUser } from '$lib/server/http';
import { pendingWipe } from '$lib/server/repos/wipes';
import type { DeviceStatus } from '$lib/sync/contract';

/** Whether this phone has been ordered to wipe itself (asked at the start of every sync). */
export const GET = api(async (event) => {
  requireUser(event, ['officer']);
  const device = event.locals.deviceId;
  const wipe = device ? await pendingWipe((await app()).db, device) : null;
  return json({ wipe } satisfies DeviceStatus);
});
