import { json } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { api, HttpError, parseOr400, queryObject, requireUser } from '$lib/server/http';
import { decodeCursor, listRecords } from '$lib/server/repos/records';
import { recordsQuerySchema } from '$lib/sync/contract';

export const GET = api(async (event) => {
  const user = requireUser(event);
  const ctx = await app();
  const q = parseOr400(recordsQuerySchema, queryObject(event.url), '查询参数');
  if (q.cursor && !decodeCursor(q.cursor)) throw new HttpError(400, 'invalid', '分页游标无效');
  if (q.from && q.to && q.from > q.to) throw new HttpError(400, 'invalid', '开始日期晚于结束日期');
  return json(await listRecords(ctx.db, user, q));
});
