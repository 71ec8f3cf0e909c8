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
import { likeEscaped, likePattern, recordsWithPeople } from '../repos/records';
import {
  BRANCH_LABELS,
  CORRECTION_LABELS,
  EDUCATION_LABELS,
  IDENTIFIER_LABELS,
  SOURCE_LABELS,
  type CorrectionMode,
  type EducationMethod,
  type Source,
} from '$lib/domain/labels';
import type { BranchResult } from '$lib/domain/evaluation';

/**
 * The first-offence ledger (首违不罚台账): one row per no-penalty record with the columns of
 * REFERENCE §3. On screen identifiers are masked; the export (audited) carries them in full.
 */

export const LEDGER_BRANCHES = ['mild', 'firstOffence', 'noFault', 'pendingCorrection'];
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
  branch: BranchResult | 'undetermined';
  source: Source;
  correction: { mode: CorrectionMode; deadline: string | null } | null;
  reinspection: { doneOn: string; corrected: boolean } | { dueOn: string } | null;
  commitmentNumber: string;
  decisionNumber: string;
  education: EducationMethod[];
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

type Identifier = { kind: keyof typeof IDENTIFIER_LABELS; value: string };

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
    return value ? [{ kind: f, value }] : [];
  });
}

export type LedgerFilter = { from?: string; to?: string; squad?: string; q?: string };

function ledgerQuery(db: Db, user: SessionUser, options: LedgerFilter) {
  let qb = recordsWithPeople(db, user).where('records.branch', 'in', LEDGER_BRANCHES);
  if (options.from) qb = qb.where('records.found_date', '>=', options.from);
  if (options.to) qb = qb.where('records.found_date', '<=', options.to);
  if (options.squad) qb = qb.where('records.squad_id', '=', options.squad);
  const q = options.q;
  if (q) {
    const keys = keysFromQuery(q);
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
        likeEscaped('records.search', likePattern(q)),
      ]),
    );
  }
  return qb;
}

export async function ledgerRows(
  db: Db,
  user: SessionUser,
  options: LedgerFilter & { limit: number; offset: number },
): Promise<{ rows: LedgerRow[]; total: number }> {
  const qb = ledgerQuery(db, user, options);
  const total = Number(
    (await qb.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0,
  );
  const page = await qb
    .select(PAGE_COLUMNS)
    .orderBy('records.found_at', 'desc')
    .orderBy('records.id', 'desc')
    .limit(options.limit)
    .offset(options.offset)
    .execute();
  return { rows: await rowsOf(db, page), total };
}

/** The number of ledger rows a filter selects. */
export async function ledgerCount(db: Db, user: SessionUser, filter: LedgerFilter) {
  const qb = ledgerQuery(db, user, filter);
  return Number((await qb.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0);
}

/**
 * Every row a filter selects, newest first, a chunk at a time (keyset on found_at, id): an
 * export of any size holds one chunk in memory and never binds more than a few hundred values.
 */
export async function* ledgerChunks(
  db: Db,
  user: SessionUser,
  filter: LedgerFilter,
  size = 500,
): AsyncGenerator<LedgerRow[]> {
  let after: { foundAt: string; id: string } | null = null;
  for (;;) {
    let qb = ledgerQuery(db, user, filter);
    if (after) {
      const a: { foundAt: string; id: string } = after;
      qb = qb.where((w) =>
        w.eb(w.refTuple('records.found_at', 'records.id'), '<', w.tuple(a.foundAt, a.id)),
      );
    }
    const page = await qb
      .select([...PAGE_COLUMNS, 'records.found_at'])
      .orderBy('records.found_at', 'desc')
      .orderBy('records.id', 'desc')
      .limit(size)
      .execute();
    if (page.length === 0) return;
    yield await rowsOf(db, page);
    const last = page[page.length - 1];
    if (!last || page.length < size) return;
    after = { foundAt: last.found_at, id: last.id };
  }
}

const PAGE_COLUMNS = [
  'records.id',
  'records.latest_version',
  'records.found_date',
  'squads.name as squad',
  'o1.real_name as o1',
  'o2.real_name as o2',
] as const;

type PageRow = {
  id: string;
  latest_version: number;
  found_date: string;
  squad: string;
  o1: string;
  o2: string;
};

/** Ledger rows for a page of records: bodies and other records of the same parties, batched. */
async function rowsOf(db: Db, page: PageRow[]): Promise<LedgerRow[]> {
  if (page.length === 0) return [];
  const bodies = new Map<string, string>();
  for (let i = 0; i < page.length; i += 500) {
    const chunk = page.slice(i, i + 500);
    const rows = await db
      .selectFrom('record_versions')
      .select(['record_id', 'version', 'body'])
      .where(
        'record_id',
        'in',
        chunk.map((p) => p.id),
      )
      .execute();
    const latest = new Map(chunk.map((p) => [p.id, p.latest_version]));
    for (const r of rows)
      if (latest.get(r.record_id) === r.version) bodies.set(r.record_id, r.body);
  }
  const records = page.flatMap((p) => {
    const body = bodies.get(p.id);
    return body ? [{ p, r: parseStoredRecord(body) }] : [];
  });
  // Other records of the same parties, for the whole page in few queries.
  const keys = [...new Set(records.flatMap(({ r }) => r.partyKeys))];
  const byKey = new Map<string, { id: string; found_date: string; item_code: string }[]>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db
      .selectFrom('ledger')
      .innerJoin('records', 'records.id', 'ledger.record_id')
      .select(['ledger.party_key', 'records.id', 'records.found_date', 'records.item_code'])
      .where('ledger.party_key', 'in', keys.slice(i, i + 500))
      .execute();
    for (const row of rows) {
      const list = byKey.get(row.party_key) ?? [];
      list.push(row);
      byKey.set(row.party_key, list);
    }
  }
  const out: LedgerRow[] = [];
  for (const { p, r } of records) {
    const catalog = await catalogVersion(db, r.catalogVersion);
    const itemName = catalog?.items.find((i) => i.code === r.itemCode)?.name ?? r.itemCode;
    const seen = new Map<string, { id: string; found_date: string; item_code: string }>();
    for (const k of r.partyKeys)
      for (const o of byKey.get(k) ?? []) if (o.id !== r.id) seen.set(o.id, o);
    const others = [...seen.values()]
      .sort((a, b) => (a.found_date < b.found_date ? 1 : -1))
      .slice(0, 10);
    const c = r.answers.correction;
    const re = r.reinspection;
    out.push({
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
      branch: r.evaluation.branch ?? 'undetermined',
      source: r.source,
      correction: c
        ? {
            mode: c.mode,
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
      education: r.education ? r.education.methods : [],
      others: others.map((o) => ({ id: o.id, date: o.found_date, item: o.item_code })),
    });
  }
  return out;
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
      return r.identifiers.map((i) => `${IDENTIFIER_LABELS[i.kind]} ${i.value}`).join('；');
    case 'correction':
      return r.correction
        ? CORRECTION_LABELS[r.correction.mode] +
            (r.correction.deadline ? `（期限 ${r.correction.deadline}）` : '')
        : '';
    case 'reinspection':
      if (!r.reinspection) return '—';
      return 'doneOn' in r.reinspection
        ? `${r.reinspection.doneOn} ${r.reinspection.corrected ? '已改正' : '未改正'}`
        : `待复查（${r.reinspection.dueOn}）`;
    case 'education':
      return r.education.map((m) => EDUCATION_LABELS[m]).join('、');
    case 'branch':
      return BRANCH_LABELS[r.branch];
    case 'source':
      return SOURCE_LABELS[r.source];
    default:
      return r[column];
  }
}
