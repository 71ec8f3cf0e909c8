import { json } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { api, HttpError, parseOr400 } from '$lib/server/http';
import { resultOfTask } from '$lib/server/services/results';
import { requireSystem, taskByCase } from '$lib/server/services/tasks';
import { caseParamsSchema } from '$lib/sync/contract';

export const GET = api(async (event) => {
  const ctx = await app();
  const system = await requireSystem(ctx.db, event.request);
  const { caseId } = parseOr400(caseParamsSchema, event.params, '案件编号');
  const task = await taskByCase(ctx.db, system.id, caseId);
  if (!task) throw new HttpError(404, 'notFound', `没有案件编号为 ${caseId} 的任务`);
  return json({ task, result: await resultOfTask(ctx.db, system.id, task.id) });
});
