import { LEDGER_COLUMNS, ledgerCell, type LedgerRow } from './ledger';
import type { Stats } from './stats';
import { xlsxBytes, xlsxStream } from '../xlsx';

/**
 * Report and ledger exports. CSV is UTF-8 with a BOM so Excel shows Chinese; XLSX has one sheet
 * per table. Both carry the same numbers as the dashboard (one Stats object feeds all three).
 */

function csvCell(v: unknown): string {
  const s =
    typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
  // Neutralise spreadsheet formulas in user-supplied text.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: unknown[][], options: { bom?: boolean } = {}): Uint8Array {
  const body = rows.length ? rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n' : '';
  return new TextEncoder().encode((options.bom === false ? '' : '\uFEFF') + body);
}

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

export function statsTables(
  s: Stats,
): { name: string; header: string[]; rows: (string | number)[][] }[] {
  return [
    {
      name: '汇总',
      header: ['指标', '数值'],
      rows: [
        ['统计月份', s.month],
        ['统计范围', s.squadName],
        ['案件总数', s.total],
        ['免予处罚数', s.noPenalty],
        ['免罚占比', pct(s.noPenaltyShare)],
        ['应复查数', s.reinspection.due],
        ['已复查数', s.reinspection.done],
        ['按期复查数', s.reinspection.onTime],
        ['逾期未复查数', s.reinspection.overdue],
        ['复查完成率', pct(s.reinspection.rate)],
        ['重复违法数', s.repeatOffences],
        ['违反承诺数', s.brokenCommitments],
        ['平台任务收到数', s.tasks.received],
        ['平台任务已处置数', s.tasks.handled],
        ['平台任务不予立案数', s.tasks.unfounded],
        ['平台任务未办结数', s.tasks.open],
        ['平台任务超期数', s.tasks.overdue],
        [
          '平台任务平均处置时长（小时）',
          s.tasks.averageHours === null ? '—' : Number(s.tasks.averageHours.toFixed(1)),
        ],
        ['督查抽查次数', s.spotChecks.draws],
        ['抽查记录数', s.spotChecks.sampled],
        ['已复核数', s.spotChecks.reviewed],
        ['发现问题数', s.spotChecks.findings],
        ['问题发现率', pct(s.spotChecks.findingRate)],
      ],
    },
    {
      name: '平台任务',
      header: ['分组', '名称', '收到数'],
      rows: [
        ...s.tasks.bySource.map((r) => ['按来源', r.label, r.count]),
        ...s.tasks.bySquad.map((r) => ['按中队', r.label, r.count]),
      ],
    },
    {
      name: '按事项',
      header: ['编码', '事项', '数量'],
      rows: s.byItem.map((r) => [r.key, r.label, r.count]),
    },
    { name: '按中队', header: ['中队', '数量'], rows: s.bySquad.map((r) => [r.label, r.count]) },
    {
      name: '按类型',
      header: ['适用情形', '数量'],
      rows: s.byBranch.map((r) => [r.label, r.count]),
    },
    {
      name: '按改正方式',
      header: ['改正方式', '数量'],
      rows: s.byCorrection.map((r) => [r.label, r.count]),
    },
    {
      name: '近12个月',
      header: ['月份', '案件数', '免罚数'],
      rows: s.trend.map((t) => [t.month, t.total, t.noPenalty]),
    },
  ];
}

export function statsCsv(s: Stats): Uint8Array {
  const rows: unknown[][] = [];
  for (const t of statsTables(s)) {
    rows.push([`【${t.name}】`], t.header, ...t.rows, []);
  }
  return toCsv(rows);
}

export function statsXlsx(s: Stats): Promise<Uint8Array> {
  return xlsxBytes(statsTables(s));
}

export function ledgerTable(rows: LedgerRow[]): { header: string[]; rows: string[][] } {
  return {
    header: [...LEDGER_COLUMNS.map(([, h]) => h), '同一当事人其他记录'],
    rows: rows.map((r) => [
      ...LEDGER_COLUMNS.map(([column]) => ledgerCell(r, column)),
      r.others.map((o) => `${o.date} ${o.item}`).join('；'),
    ]),
  };
}

/** The ledger as CSV: whole, or (streamed) the header with the BOM, then chunks of rows. */
export function ledgerCsv(rows: LedgerRow[], part?: { header: boolean }): Uint8Array {
  const t = ledgerTable(rows);
  if (!part) return toCsv([t.header, ...t.rows]);
  return part.header ? toCsv([t.header]) : toCsv(t.rows, { bom: false });
}

/** The ledger as XLSX, streamed: one chunk of ledger rows at a time becomes sheet rows. */
export function ledgerXlsx(chunks: AsyncIterable<LedgerRow[]>): ReadableStream<Uint8Array> {
  async function* rows() {
    for await (const chunk of chunks) yield ledgerTable(chunk).rows;
  }
  return xlsxStream([{ name: '首违不罚台账', header: ledgerTable([]).header, rows: rows() }]);
}
