import { json } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { databaseAnswers } from '$lib/server/db/db';
import { api, HttpError } from '$lib/server/http';

export const GET = api(async () => {
  const ctx = await app();
  if (!(await databaseAnswers(ctx.db))) throw new HttpError(503, 'dbUnavailable', '数据库不可用');
  return json({ status: 'ok', db: ctx.dialect });
});
