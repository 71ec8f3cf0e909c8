import { json } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { api, HttpError, parseOr400, requireUser } from '$lib/server/http';
import { canRead, recordDetail, recordRow } from '$lib/server/repos/records';
import { recordParamsSchema } from '$lib/sync/contract';

export const GET = api(async (event) => {
  const user = requireUser(event);
  const { id } = parseOr400(recordParamsSchema, event.params, '记录编号');
  const ctx = await app();
  const row = await recordRow(ctx.db, id);
  if (!row) throw new HttpError(404, 'notFound', '记录不存在');
  if (!canRead(user, row)) throw new HttpError(403, 'forbidden', '无权查看此记录');
  const detail = await recordDetail(ctx.db, id);
  if (!detail) throw new HttpError(404, 'notFound', '记录不存在');
  return json(detail);
});
