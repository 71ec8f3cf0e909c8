import { error } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { consoleUser } from '$lib/server/console';
import { clientIp, HttpError } from '$lib/server/http';
import { fileResponse, monthlyReport } from '$lib/server/services/report';
import { statsQuerySchema } from '$lib/sync/contract';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
  const user = consoleUser(event.locals);
  const q = statsQuerySchema.safeParse(Object.fromEntries(event.url.searchParams));
  if (!q.success || q.data.format === 'json') error(400, '导出参数不正确');
  const ctx = await app();
  try {
    const report = await monthlyReport(ctx.db, user, {
      month: q.data.month,
      squad: q.data.squad,
      format: q.data.format,
      ip: clientIp(event),
    });
    if (!report.file) error(400, '导出参数不正确');
    return fileResponse(report.file);
  } catch (e) {
    if (e instanceof HttpError) error(e.status, e.message);
    throw e;
  }
};
