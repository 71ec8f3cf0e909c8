import { json } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { api, parseOr400, queryObject, requireUser } from '$lib/server/http';
import { pullChanges } from '$lib/server/repos/changes';
import { changeSchema, pullQuerySchema, type Change, type PullResponse } from '$lib/sync/contract';

export const GET = api(async (event) => {
  const user = requireUser(event);
  const ctx = await app();
  const q = parseOr400(pullQuerySchema, queryObject(event.url), '查询参数');
  const page = await pullChanges(ctx.db, user, q.cursor, q.limit);
  const changes: Change[] = page.rows.map((row) =>
    changeSchema.parse({
      seq: Number(row.seq),
      kind: row.kind,
      at: row.created_at,
      ...(JSON.parse(row.payload) as object),
    }),
  );
  return json({ cursor: page.cursor, more: page.more, changes } satisfies PullResponse);
});
