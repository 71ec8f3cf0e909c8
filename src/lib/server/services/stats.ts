import { labelOf } from '$lib/domain/labels';
import { sql } from 'kysely';
import { drawWithin } from '$lib/domain/spot-check';
import { addMonths, daysInMonth, shanghaiDate } from '$lib/domain/time';
import type { SessionUser } from '../auth/types';
import type { TaskSource } from '$lib/domain/tasks';
import type { Db } from '../db/db';
import { HttpError } from '../http';
import { catalogVersion, latestCatalog } from '../repos/catalogs';

/**
 * Monthly statistics the bureau reports upward (REFERENCE §6): counts by item, squad, branch and
 * correction mode; re-inspection completion; repeat offences and broken commitments; the share
 * of no-penalty outcomes; a 12-month trend. Computed in SQL over the summary rows, scoped like
 * every other read.
 */

export type Count<K extends string = string> = { key: K; label: string; count: number };

export type Stats = {
  month: string;
  squadId: string | null;
  squadName: string;
  total: number;
  noPenalty: number;
  noPenaltyShare: number | null;
  byItem: Count[];
  bySquad: Count[];
  byBranch: Count[];
  byCorrection: Count[];
  reinspection: { due: number; done: number; onTime: number; overdue: number; rate: number | null };
  repeatOffences: number;
  brokenCommitments: number;
  trend: { month: string; total: number; noPenalty: number }[];
  /** The city platform's tasks received in the month (ADR 0023), as they stand now. */
  tasks: TaskStats;
  /** Spot checks of the month's approved records (督查抽查): sample, reviews, findings. */
  spotChecks: SpotCheckStats;
};

export type TaskStats = {
  received: number;
  handled: number;
  unfounded: number;
  open: number;
  /** Handled or closed after their due time, or still open past it. */
  overdue: number;
  /** Hours from receipt to the record that handled it, on average (null: none handled). */
  averageHours: number | null;
  bySource: Count<TaskSource>[];
  bySquad: Count[];
};

const NO_PENALTY = ['mild', 'firstOffence', 'noFault'];

export function monthRange(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { from: `${month}-01`, to: `${month}-${String(daysInMonth(y, m)).padStart(2, '0')}` };
}

/** The squads a user's statistics may cover; a requested squad outside them is refused. */
export function statsScope(user: SessionUser, squadId: string | null): string[] | null {
  if (user.role === 'admin') return squadId ? [squadId] : null;
  if (user.role !== 'supervisor') throw new HttpError(403, 'forbidden', '无权查看统计');
  if (squadId) {
    if (!user.supervisedSquadIds.includes(squadId))
      throw new HttpError(403, 'forbidden', '无权查看该中队的统计');
    return [squadId];
  }
  return user.supervisedSquadIds;
}

export async function monthlyStats(
  db: Db,
  user: SessionUser,
  options: { month: string; squadId: string | null; today?: string },
): Promise<Stats> {
  const squads = statsScope(user, options.squadId);
  const { from, to } = monthRange(options.month);
  const today = options.today ?? shanghaiDate(new Date());
  const base = () => {
    let qb = db.selectFrom('records').where('found_date', '>=', from).where('found_date', '<=', to);
    if (squads)
      qb = squads.length ? qb.where('squad_id', 'in', squads) : qb.where(sql<boolean>`1 = 0`);
    return qb;
  };
  const n = (v: unknown) => Number(v ?? 0);

  const total = n(
    (
      await base()
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst()
    )?.n,
  );
  const noPenalty = n(
    (
      await base()
        .select((eb) => eb.fn.countAll().as('n'))
        .where('branch', 'in', NO_PENALTY)
        .executeTakeFirst()
    )?.n,
  );
  const byItemRows = await base()
    .select(['item_code', 'catalog_version', (eb) => eb.fn.countAll().as('n')])
    .groupBy(['item_code', 'catalog_version'])
    .execute();
  const names = new Map<string, string>();
  for (const r of byItemRows) {
    if (!names.has(r.item_code)) {
      const c = (await catalogVersion(db, r.catalog_version)) ?? (await latestCatalog(db));
      names.set(r.item_code, c?.items.find((i) => i.code === r.item_code)?.name ?? r.item_code);
    }
  }
  const items = new Map<string, number>();
  for (const r of byItemRows) items.set(r.item_code, (items.get(r.item_code) ?? 0) + n(r.n));
  const byItem = [...items.entries()]
    .map(([key, count]) => ({ key, label: names.get(key) ?? key, count }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));

  const bySquadRows = await base()
    .innerJoin('squads', 'squads.id', 'records.squad_id')
    .select(['records.squad_id', 'squads.name', (eb) => eb.fn.countAll().as('n')])
    .groupBy(['records.squad_id', 'squads.name'])
    .execute();
  const bySquad = bySquadRows
    .map((r) => ({ key: r.squad_id, label: r.name, count: n(r.n) }))
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));

  const byBranchRows = await base()
    .select(['branch', (eb) => eb.fn.countAll().as('n')])
    .groupBy('branch')
    .execute();
  const byBranch = byBranchRows
    .map((r) => ({
      key: r.branch ?? 'undetermined',
      label: labelOf('branch', r.branch ?? 'undetermined'),
      count: n(r.n),
    }))
    .sort((a, b) => b.count - a.count);

  const byCorrectionRows = await base()
    .select(['correction_mode', (eb) => eb.fn.countAll().as('n')])
    .groupBy('correction_mode')
    .execute();
  const byCorrection = byCorrectionRows
    .map((r) => ({
      key: r.correction_mode ?? 'none',
      label: labelOf('correction', r.correction_mode ?? 'none'),
      count: n(r.n),
    }))
    .sort((a, b) => b.count - a.count);

  // Re-inspections whose deadline fell in the month.
  let due = db.selectFrom('records').where('deadline', '>=', from).where('deadline', '<=', to);
  if (squads)
    due = squads.length ? due.where('squad_id', 'in', squads) : due.where(sql<boolean>`1 = 0`);
  const dueRows = await due.select(['deadline', 'reinspected_at', 'follow_up']).execute();
  const done = dueRows.filter((r) => r.reinspected_at !== null);
  const onTime = done.filter(
    (r) =>
      r.reinspected_at !== null &&
      r.deadline !== null &&
      shanghaiDate(r.reinspected_at) <= r.deadline,
  );
  const overdue = dueRows.filter(
    (r) => r.follow_up === 'pending' && r.deadline !== null && r.deadline < today,
  );

  const repeatOffences = n(
    (
      await base()
        .select((eb) => eb.fn.countAll().as('n'))
        .where('repeat_offence', '=', 1)
        .executeTakeFirst()
    )?.n,
  );
  const brokenCommitments = n(
    (
      await base()
        .select((eb) => eb.fn.countAll().as('n'))
        .where('broken_commitment', '=', 1)
        .executeTakeFirst()
    )?.n,
  );

  const trendFrom = `${addMonths(`${options.month}-01`, -11).slice(0, 7)}-01`;
  let trendQb = db
    .selectFrom('records')
    .where('found_date', '>=', trendFrom)
    .where('found_date', '<=', to)
    .select([
      sql<string>`substr(found_date, 1, 7)`.as('month'),
      (eb) => eb.fn.countAll().as('n'),
      sql<number>`sum(case when branch in ('mild', 'firstOffence', 'noFault') then 1 else 0 end)`.as(
        'np',
      ),
    ])
    .groupBy(sql`substr(found_date, 1, 7)`);
  if (squads)
    trendQb = squads.length
      ? trendQb.where('squad_id', 'in', squads)
      : trendQb.where(sql<boolean>`1 = 0`);
  const trendRows = await trendQb.execute();
  const trend = Array.from({ length: 12 }, (_, i) => {
    const month = addMonths(`${options.month}-01`, i - 11).slice(0, 7);
    const row = trendRows.find((r) => r.month === month);
    return { month, total: n(row?.n), noPenalty: n(row?.np) };
  });

  const squadName = options.squadId
    ? ((
        await db
          .selectFrom('squads')
          .select('name')
          .where('id', '=', options.squadId)
          .executeTakeFirst()
      )?.name ?? options.squadId)
    : user.role === 'admin'
      ? '全局'
      : '所辖中队';

  return {
    month: options.month,
    squadId: options.squadId,
    squadName,
    total,
    noPenalty,
    noPenaltyShare: total > 0 ? noPenalty / total : null,
    byItem,
    bySquad,
    byBranch,
    byCorrection,
    reinspection: {
      due: dueRows.length,
      done: done.length,
      onTime: onTime.length,
      overdue: overdue.length,
      rate: dueRows.length ? done.length / dueRows.length : null,
    },
    repeatOffences,
    brokenCommitments,
    trend,
    tasks: await taskStats(db, squads, options.month),
    spotChecks: await spotCheckStats(db, squads, options.month),
  };
}

/**
 * The month's tasks (received in it, Shanghai time): how they ended, which came late, the time
 * to handle, by source and by squad. A supervisor's figures cover the tasks of their squads.
 */
async function taskStats(db: Db, squads: string[] | null, month: string): Promise<TaskStats> {
  const { from, to } = monthRange(month);
  const start = new Date(`${from}T00:00:00+08:00`).toISOString();
  const end = new Date(Date.parse(`${to}T00:00:00+08:00`) + 86_400_000).toISOString();
  let qb = db
    .selectFrom('tasks')
    .leftJoin('squads', 'squads.id', 'tasks.squad_id')
    .select([
      'tasks.source',
      'tasks.state',
      'tasks.received_at',
      'tasks.due_at',
      'tasks.closed_at',
      'squads.name as squad',
    ])
    .where('tasks.received_at', '>=', start)
    .where('tasks.received_at', '<', end);
  if (squads)
    qb = squads.length ? qb.where('tasks.squad_id', 'in', squads) : qb.where(sql<boolean>`1 = 0`);
  const rows = await qb.execute();
  const now = new Date().toISOString();
  const count = <K extends string>(keys: K[], label: (k: K) => string): Count<K>[] => {
    const n = new Map<K, number>();
    for (const k of keys) n.set(k, (n.get(k) ?? 0) + 1);
    return [...n].map(([key, c]) => ({ key, label: label(key), count: c }));
  };
  const handled = rows.filter((r) => r.state === 'handled');
  const hours = handled.map(
    (r) => (Date.parse(r.closed_at ?? r.received_at) - Date.parse(r.received_at)) / 3_600_000,
  );
  return {
    received: rows.length,
    handled: handled.length,
    unfounded: rows.filter((r) => r.state === 'unfounded').length,
    open: rows.filter((r) => r.state === 'received' || r.state === 'assigned').length,
    overdue: rows.filter((r) => (r.closed_at ?? now) > r.due_at).length,
    averageHours: hours.length ? hours.reduce((a, b) => a + b, 0) / hours.length : null,
    bySource: count(
      rows.map((r) => r.source),
      (k) => labelOf('taskSource', k),
    ),
    bySquad: count(
      rows.map((r) => r.squad ?? '未派发'),
      (k) => k,
    ),
  };
}

export type SpotCheckStats = {
  draws: number;
  sampled: number;
  reviewed: number;
  findings: number;
  /** Findings among the records reviewed (null: none reviewed). */
  findingRate: number | null;
};

/**
 * The month's spot checks (draws of that month's records) as the statistics' scope sees them:
 * a supervisor's cover draws of their squads (squads null: all).
 */
async function spotCheckStats(
  db: Db,
  squads: string[] | null,
  month: string,
): Promise<SpotCheckStats> {
  const draws = await db
    .selectFrom('spot_checks')
    .select(['id', 'squad_id', 'scope', 'size'])
    .where('month', '=', month)
    .execute();
  const within = draws.filter((d) => drawWithin(squads, d));
  if (within.length === 0)
    return { draws: 0, sampled: 0, reviewed: 0, findings: 0, findingRate: null };
  const items = await db
    .selectFrom('spot_check_items')
    .select(['reviewed_at', 'finding'])
    .where(
      'check_id',
      'in',
      within.map((d) => d.id),
    )
    .execute();
  const reviewed = items.filter((i) => i.reviewed_at !== null).length;
  const findings = items.filter((i) => Number(i.finding) === 1).length;
  return {
    draws: within.length,
    sampled: items.length,
    reviewed,
    findings,
    findingRate: reviewed ? findings / reviewed : null,
  };
}
