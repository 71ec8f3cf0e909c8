import { json } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { api, parseOr400 } from '$lib/server/http';
import { pullResults } from '$lib/server/services/results';
import { requireSystem } from '$lib/server/services/tasks';
import { platformResultsQuerySchema } from '$lib/sync/contract';

/**
 * The results of the system's tasks after a cursor, oldest first, for platforms that poll
 * instead of receiving webhooks; asking from a cursor acknowledges what came before it.
 */
export const GET = api(async (event) => {
  const ctx = await app();
  const system = await requireSystem(ctx.db, event.request);
  const q = parseOr400(
    platformResultsQuerySchema,
    Object.fromEntries(event.url.searchParams),
    '查询参数',
  );
  return json(await pullResults(ctx.db, system.id, q.after, q.limit));
});
