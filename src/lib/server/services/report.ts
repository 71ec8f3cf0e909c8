import { shanghaiDate } from '$lib/domain/time';
import type { SessionUser } from '../auth/types';
import type { Db } from '../db/db';
import { audit } from '../repos/audit';
import { statsCsv, statsXlsx } from './exports';
import { monthlyStats, type Stats } from './stats';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The monthly report as JSON, CSV or XLSX; file exports are audited. */
export async function monthlyReport(
  db: Db,
  user: SessionUser,
  options: {
    month?: string | undefined;
    squad?: string | undefined;
    format: 'json' | 'csv' | 'xlsx';
    ip: string | null;
  },
): Promise<{ stats: Stats; file?: { bytes: Uint8Array; type: string; name: string } }> {
  const month = options.month ?? shanghaiDate(new Date()).slice(0, 7);
  const stats = await monthlyStats(db, user, { month, squadId: options.squad ?? null });
  if (options.format === 'json') return { stats };
  const bytes = options.format === 'csv' ? statsCsv(stats) : await statsXlsx(stats);
  await audit(db, {
    userId: user.id,
    action: 'export',
    target: `report:${month}`,
    detail: { squad: options.squad ?? null, format: options.format },
    ip: options.ip,
  });
  return {
    stats,
    file: {
      bytes,
      type: options.format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE,
      name: `免罚统计月报-${month}-${stats.squadName}.${options.format}`,
    },
  };
}

export function fileResponse(file: { bytes: Uint8Array; type: string; name: string }): Response {
  return new Response(file.bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      'content-type': file.type,
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      'cache-control': 'private, no-store',
    },
  });
}
