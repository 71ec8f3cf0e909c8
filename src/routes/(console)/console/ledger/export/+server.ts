import { error } from '@sveltejs/kit';
import { shanghaiDate } from '$lib/domain/time';
import { localDateSchema } from '$lib/domain/fields';
import { app } from '$lib/server/app';
import { consoleUser } from '$lib/server/console';
import { clientIp } from '$lib/server/http';
import { audit } from '$lib/server/repos/audit';
import { ledgerCsv, ledgerXlsx } from '$lib/server/services/exports';
import { ledgerChunks, ledgerCount } from '$lib/server/services/ledger';
import { XLSX_TYPE } from '$lib/server/services/report';
import type { RequestHandler } from './$types';

/** Real calendar dates only (the domain's one definition); anything else is no filter. */
const DATE = { test: (v: string) => localDateSchema.safeParse(v).success };

/** The ledger with full identifiers, for entitled supervisors; every export is audited. */
export const GET: RequestHandler = async (event) => {
  const user = consoleUser(event.locals);
  const p = event.url.searchParams;
  const format = p.get('format');
  if (format !== 'csv' && format !== 'xlsx') error(400, '导出格式应为 csv 或 xlsx');
  const from = p.get('from') ?? '';
  const to = p.get('to') ?? '';
  const ctx = await app();
  const filter = {
    ...(DATE.test(from) ? { from } : {}),
    ...(DATE.test(to) ? { to } : {}),
    ...(p.get('squad') ? { squad: p.get('squad') ?? '' } : {}),
    ...(p.get('q') ? { q: (p.get('q') ?? '').slice(0, 100) } : {}),
  };
  const total = await ledgerCount(ctx.db, user, filter);
  await audit(ctx.db, {
    userId: user.id,
    action: 'export',
    target: 'ledger',
    detail: { format, rows: total, from, to, squad: p.get('squad') },
    ip: clientIp(event),
  });
  const name = `首违不罚台账-${shanghaiDate(new Date())}.${format}`;
  const chunks = ledgerChunks(ctx.db, user, filter);
  // Both formats are streamed a chunk at a time: any number of rows, one chunk in memory.
  const body =
    format === 'xlsx'
      ? ledgerXlsx(chunks)
      : new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(ledgerCsv([], { header: true }));
          },
          async pull(controller) {
            const next = await chunks.next();
            if (next.done) controller.close();
            else controller.enqueue(ledgerCsv(next.value, { header: false }));
          },
          async cancel() {
            await chunks.return(undefined);
          },
        });
  return new Response(body, {
    headers: {
      'content-type': format === 'xlsx' ? XLSX_TYPE : 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
      'cache-control': 'private, no-store',
    },
  });
};
