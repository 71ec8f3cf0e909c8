import { json, type RequestEvent } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { api, HttpError, parseOr400, readJson, requireUser } from '$lib/server/http';
import { deviceKey, storeDeviceKey } from '$lib/server/repos/escrow';
import { deviceKeySchema, type DeviceKey } from '$lib/sync/contract';

/** How long after a password sign-in the phone may take its data key back. */
const FRESH_MS = 10 * 60_000;

function device(event: RequestEvent): string {
  const id = event.locals.deviceId;
  if (!id) throw new HttpError(403, 'unknownDevice', '该会话不属于任何已登记的手机');
  return id;
}

/** The phone's data key into escrow (ADR 0018); sent again whenever the phone makes a new one. */
export const PUT = api(async (event) => {
  const user = requireUser(event, ['officer']);
  const body = parseOr400(deviceKeySchema, await readJson(event.request, 1024), '数据密钥');
  await storeDeviceKey((await app()).db, device(event), user.id, body.key);
  return new Response(null, { status: 204 });
});

/**
 * The key back, for a forgotten PIN: only to the same phone, and only within ten minutes of a
 * password sign-in (a copied session cookie from a locked phone is older than that).
 */
export const GET = api(async (event) => {
  const user = requireUser(event, ['officer']);
  const id = device(event);
  const since = Date.parse(event.locals.sessionCreatedAt ?? '');
  if (!(Date.now() - since < FRESH_MS))
    throw new HttpError(403, 'signInAgain', '请先用密码重新登录，再取回本机数据');
  const key = await deviceKey((await app()).db, id, user.id);
  if (!key) throw new HttpError(404, 'noEscrow', '服务器没有本机的数据密钥');
  return json({ key } satisfies DeviceKey);
});
