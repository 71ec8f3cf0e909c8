import { json } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { api, parseOr400, queryObject, requireUser } from '$lib/server/http';
import { pullChanges } from '$lib/server/repos/changes';
import { pullQuerySchema, type PullResponse } from '$lib/sync/contract';

export const GET = api(async (event) => {
  const user = requireUser(event);
  const ctx = await app();
  const q = parseOr400(pullQuerySchema, queryObject(event.url), '查询参数');
  const page = await pullChanges(ctx.db, user, q.cursor, q.limit);
  return json({
    cursor: page.cursor,
    more: page.more,
    changes: page.changes,
    ledgerKeyId: page.ledgerKeyId,
    ledgerSince: page.ledgerSince,
  } satisfies PullResponse);
});
