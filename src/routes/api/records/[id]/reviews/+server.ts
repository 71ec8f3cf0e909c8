import { json } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { api, clientIp, parseOr400, readJson, requireUser } from '$lib/server/http';
import { reviewRecord } from '$lib/server/services/review';
import { recordParamsSchema, reviewRequestSchema } from '$lib/sync/contract';

export const POST = api(async (event) => {
  const user = requireUser(event, ['supervisor', 'admin']);
  const { id } = parseOr400(recordParamsSchema, event.params, '记录编号');
  const body = parseOr400(
    reviewRequestSchema,
    await readJson(event.request, 16 * 1024),
    '审核意见',
  );
  const ctx = await app();
  const review = await reviewRecord(
    ctx.db,
    user,
    { recordId: id, action: body.action, comment: body.comment, checklist: body.checklist },
    { ip: clientIp(event) },
  );
  return json(review, { status: 201 });
});
