import { json } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { api, parseOr400, readJson } from '$lib/server/http';
import { receiveTask, requireSystem } from '$lib/server/services/tasks';
import { platformTaskRequestSchema } from '$lib/sync/contract';

/** The largest task body: four photos of 3 MB in Base64, and the text around them. */
const TASK_BODY_LIMIT = 17 * 1024 * 1024;

export const POST = api(async (event) => {
  const ctx = await app();
  const system = await requireSystem(ctx.db, event.request);
  const body = parseOr400(
    platformTaskRequestSchema,
    await readJson(event.request, TASK_BODY_LIMIT),
    '任务',
  );
  const result = await receiveTask(ctx, system, body);
  return json(result, { status: result.duplicate ? 200 : 201 });
});
