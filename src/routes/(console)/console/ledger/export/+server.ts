import { error } from '@sveltejs/kit';
import { shanghaiDate } from '$lib/domain/time';
import { app } from '$lib/server/app';
import { consoleUser } from '$lib/server/console';
import { clientIp } from '$lib/server/http';
import { audit } from '$lib/server/repos/audit';
import { ledgerCsv, ledgerXlsx } from '$lib/server/services/exports';
import { ledgerRows } from '$lib/server/services/ledger';
import { fileResponse, XLSX_TYPE } from '$lib/server/services/report';
import type { RequestHandler } from './$types';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The ledger with full identifiers, for entitled supervisors; every export is audited. */
export const GET: RequestHandler = async (event) => {
  const user = consoleUser(event.locals);
  const p = event.url.searchParams;
  const format = p.get('format');
  if (format !== 'csv' && format !== 'xlsx') error(400, '导出格式应为 csv 或 xlsx');
  const from = p.get('from') ?? '';
  const to = p.get('to') ?? '';
  const ctx = await app();
  const { rows } = await ledgerRows(ctx.db, user, {
    ...(DATE.test(from) ? { from } : {}),
    ...(DATE.test(to) ? { to } : {}),
    ...(p.get('squad') ? { squad: p.get('squad') ?? '' } : {}),
    ...(p.get('q') ? { q: (p.get('q') ?? '').slice(0, 100) } : {}),
    limit: 50_000,
    offset: 0,
  });
  await audit(ctx.db, {
    userId: user.id,
    action: 'export',
    target: 'ledger',
    detail: { format, rows: rows.length, from, to, squad: p.get('squad') },
    ip: clientIp(event),
  });
  const bytes = format === 'csv' ? ledgerCsv(rows) : await ledgerXlsx(rows);
  return fileResponse({
    bytes,
    type: format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE,
    name: `首违不罚台账-${shanghaiDate(new Date())}.${format}`,
  });
};
