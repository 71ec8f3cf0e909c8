import {
  checkPlate,
  checkResidentId,
  checkUscc,
  maskParty,
  partyDisplayName,
  type Party,
} from '$lib/domain/party';
import { shanghaiDate } from '$lib/domain/time';
import type { SessionUser } from '../auth/types';
import type { Db } from '../db/db';
import { catalogVersion } from '../repos/catalogs';
import { parseStoredRecord } from '../repos/stored';
import { recordsWithPeople } from '../repos/records';
import { BRANCH_LABELS, CORRECTION_LABELS } from './stats';

/**
 * The first-offence ledger (首违不罚台账): one row per no-penalty record with the columns of
 * REFERENCE §3. On screen identifiers are masked; the export (audited) carries them in full.
 */

export const LEDGER_BRANCHES = ['mild', 'firstOffence', 'noFault', 'pendingCorrection'];
export const LEDGER_SOURCES: Record<string, string> = {
  patrol: '巡查',
  complaint: '投诉',
  hotline12319: '12319 热线',
  camera: '视频监控',
};
export const EDUCATION_METHODS: Record<string, string> = {
  persuasion: '说服教育',
  guidance: '劝导示范',
  publicity: '普法宣传',
};

export type LedgerRow = {
  recordId: string;
  date: string;
  squad: string;
  officers: string;
  party: string;
  partyMasked: string;
  identifiers: Identifier[];
  identifiersMasked: Identifier[];
  place: string;
  item: string;
  branch: string;
  source: string;
  correction: { mode: string; deadline: string | null } | null;
  reinspection: { doneOn: string; corrected: boolean } | { dueOn: string } | null;
  commitmentNumber: string;
  decisionNumber: string;
  education: string[];
  /** Other records of the same party (any item), newest first: the "later repeat" link. */
  others: { id: string; date: string; item: string }[];
};

/** Matching keys for what a supervisor types in the search box, whatever the identifier. */
export function keysFromQuery(q: string): string[] {
  const keys: string[] = [];
  const id = checkResidentId(q);
  if (id.ok) keys.push(`id:${id.value}`);
  const uscc = checkUscc(q);
  if (uscc.ok) keys.push(`uscc:${uscc.value}`);
  const plate = checkPlate(q);
  if (plate.ok) keys.push(`plate:${plate.value}`);
  return keys;
}

/** Labels of the identifier kinds, as written in the ledger and its export. */
export const IDENTIFIER_LABELS = {
  idNumber: '身份证',
  uscc: '信用代码',
  operatorIdNumber: '经营者身份证',
  driverIdNumber: '驾驶人身份证',
  plate: '车牌',
  mobile: '电话',
} as const;
type Identifier = {
  label: (typeof IDENTIFIER_LABELS)[keyof typeof IDENTIFIER_LABELS];
  value: string;
};

function identifierParts(p: Party): Identifier[] {
  const fields: (keyof typeof IDENTIFIER_LABELS)[] =
    p.kind === 'person'
      ? ['idNumber', 'mobile']
      : p.kind === 'business'
        ? ['uscc', 'operatorIdNumber', 'mobile']
        : p.kind === 'vehicle'
          ? ['plate', 'driverIdNumber', 'mobile']
          : [];
  const values = p as Partial<Record<keyof typeof IDENTIFIER_LABELS, string>>;
  return fields.flatMap((f) => {
    const value = values[f];
    return value ? [{ label: IDENTIFIER_LABELS[f], value }] : [];
  });
}

export async function ledgerRows(
  db: Db,
  user: SessionUser,
  options: {
    from?: string;
    to?: string;
    squad?: string;
    q?: string;
    limit: number;
    offset: number;
  },
): Promise<{ rows: LedgerRow[]; total: number }> {
  let qb = recordsWithPeople(db, user).where('records.branch', 'in', LEDGER_BRANCHES);
  if (options.from) qb = qb.where('records.found_date', '>=', options.from);
  if (options.to) qb = qb.where('records.found_date', '<=', options.to);
  if (options.squad) qb = qb.where('records.squad_id', '=', options.squad);
  if (options.q) {
    const keys = keysFromQuery(options.q);
    const like = `%${options.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    qb = qb.where((eb) =>
      eb.or([
        ...(keys.length
          ? [
              eb(
                'records.id',
                'in',
                db.selectFrom('ledger').select('record_id').where('party_key', 'in', keys),
              ),
            ]
          : []),
        eb('records.search', 'like', like),
      ]),
    );
  }
  const total = Number(
    (await qb.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0,
  );
  const page = await qb
    .select([
      'records.id',
      'records.latest_version',
      'records.found_date',
      'squads.name as squad',
      'o1.real_name as o1',
      'o2.real_name as o2',
    ])
    .orderBy('records.found_at', 'desc')
    .orderBy('records.id', 'desc')
    .limit(options.limit)
    .offset(options.offset)
    .execute();
  if (page.length === 0) return { rows: [], total };
  const bodies = await db
    .selectFrom('record_versions')
    .select(['record_id', 'version', 'body'])
    .where(
      'record_id',
      'in',
      page.map((p) => p.id),
    )
    .execute();
  const rows: LedgerRow[] = [];
  for (const p of page) {
    const body = bodies.find((b) => b.record_id === p.id && b.version === p.latest_version);
    if (!body) continue;
    const r = parseStoredRecord(body.body);
    const catalog = await catalogVersion(db, r.catalogVersion);
    const itemName = catalog?.items.find((i) => i.code === r.itemCode)?.name ?? r.itemCode;
    const others =
      r.partyKeys.length === 0
        ? []
        : await db
            .selectFrom('ledger')
            .innerJoin('records', 'records.id', 'ledger.record_id')
            .select(['records.id', 'records.found_date', 'records.item_code'])
            .where('ledger.party_key', 'in', r.partyKeys)
            .where('records.id', '!=', r.id)
            .distinct()
            .orderBy('records.found_date', 'desc')
            .limit(10)
            .execute();
    const c = r.answers.correction;
    const re = r.reinspection;
    rows.push({
      recordId: r.id,
      date: p.found_date,
      squad: p.squad,
      officers: `${p.o1}、${p.o2}`,
      party: partyDisplayName(r.party),
      partyMasked: partyDisplayName(maskParty(r.party)),
      identifiers: identifierParts(r.party),
      identifiersMasked: identifierParts(maskParty(r.party)),
      place: r.place.address,
      item: `${r.itemCode} ${itemName}`,
      branch: BRANCH_LABELS[r.evaluation.branch ?? 'undetermined'] ?? '',
      source: LEDGER_SOURCES[r.source] ?? r.source,
      correction: c
        ? {
            mode: CORRECTION_LABELS[c.mode] ?? c.mode,
            deadline: c.mode === 'deadline' ? c.deadline : null,
          }
        : null,
      reinspection: re?.doneAt
        ? { doneOn: shanghaiDate(re.doneAt), corrected: re.result === 'corrected' }
        : c?.mode === 'deadline'
          ? { dueOn: re?.dueDate ?? c.deadline }
          : null,
      commitmentNumber: r.documents.find((d) => d.docType === 'commitmentLetter')?.number ?? '',
      decisionNumber: r.documents.find((d) => d.docType === 'noPenaltyDecision')?.number ?? '',
      education: r.education ? r.education.methods.map((m) => EDUCATION_METHODS[m] ?? m) : [],
      others: others.map((o) => ({ id: o.id, date: o.found_date, item: o.item_code })),
    });
  }
  return { rows, total };
}

type LedgerColumn = Exclude<
  keyof LedgerRow,
  'recordId' | 'partyMasked' | 'identifiersMasked' | 'others'
>;

export const LEDGER_COLUMNS: [LedgerColumn, string][] = [
  ['date', '日期'],
  ['squad', '中队'],
  ['officers', '执法人员'],
  ['party', '当事人'],
  ['identifiers', '证件及联系方式'],
  ['place', '地点'],
  ['item', '清单事项'],
  ['branch', '适用情形'],
  ['source', '线索来源'],
  ['correction', '改正方式'],
  ['reinspection', '复查日期及结果'],
  ['commitmentNumber', '承诺书编号'],
  ['decisionNumber', '决定书编号'],
  ['education', '教育方式'],
];

/** A ledger cell as the bureau's export words it (Chinese, full identifiers). */
export function ledgerCell(r: LedgerRow, column: LedgerColumn): string {
  switch (column) {
    case 'identifiers':
      return r.identifiers.map((i) => `${i.label} ${i.value}`).join('；');
    case 'correction':
      return r.correction
        ? r.correction.mode + (r.correction.deadline ? `（期限 ${r.correction.deadline}）` : '')
        : '';
    case 'reinspection':
      if (!r.reinspection) return '—';
      return 'doneOn' in r.reinspection
        ? `${r.reinspection.doneOn} ${r.reinspection.corrected ? '已改正' : '未改正'}`
        : `待复查（${r.reinspection.dueOn}）`;
    case 'education':
      return r.education.join('、');
    default:
      return r[column];
  }
}
