import { json } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { api, clientIp, parseOr400, queryObject, requireUser } from '$lib/server/http';
import { fileResponse, monthlyReport } from '$lib/server/services/report';
import { statsQuerySchema } from '$lib/sync/contract';

/** Monthly statistics (JSON) or the report file (format=csv|xlsx); supervisors and admins. */
export const GET = api(async (event) => {
  const user = requireUser(event, ['supervisor', 'admin']);
  const q = parseOr400(statsQuerySchema, queryObject(event.url), '查询参数');
  const ctx = await app();
  const report = await monthlyReport(ctx.db, user, {
    month: q.month,
    squad: q.squad,
    format: q.format,
    ip: clientIp(event),
  });
  return report.file ? fileResponse(report.file) : json(report.stats);
});
