import { json } from '@sveltejs/kit';
import { sql } from 'kysely';
import { app } from '$lib/server/app';
import { api, HttpError } from '$lib/server/http';

export const GET = api(async () => {
  const ctx = await app();
  try {
    await sql`select 1`.execute(ctx.db);
  } catch {
    throw new HttpError(503, 'dbUnavailable', '数据库不可用');
  }
  return json({ status: 'ok', db: ctx.dialect });
});
