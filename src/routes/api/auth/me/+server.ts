import { json } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { api, requireUser } from '$lib/server/http';
import { meOf } from '$lib/server/repos/users';

export const GET = api(async (event) => {
  const user = requireUser(event);
  const ctx = await app();
  return json(
    await meOf(ctx.db, user, event.locals.deviceId, ctx.config.publicUrl ?? event.url.origin),
  );
});
