import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { BRANCH_LABELS } from '$lib/domain/labels';
import { REVIEW_CHECKS } from '$lib/domain/lifecycle';
import {
  byCodeUnit,
  DRAW_ALGORITHM,
  drawWithin,
  drawSample,
  findingOf,
  SAMPLE_SIZE,
  SEED,
  spotReviewIssues,
  type SpotCheckAnswers,
} from '$lib/domain/spot-check';
import { shanghaiDate } from '$lib/domain/time';
import { uuidv7 } from '$lib/domain/uuid';
import type { SessionUser } from '../auth/types';
import type { Db, Tx } from '../db/db';
import { HttpError } from '../http';
import { audit } from '../repos/audit';
import { bureauOfUser } from '../repos/users';
import { monthRange, statsScope } from './stats';

/**
 * Spot checks (督查抽查, issue 19, ADR 0023): a supervisor (over their squads) or an
 * administrator of the legal section (over all) draws a reproducible random sample of a month's
 * approved records, by squad, item and branch, and reviews each against the reviewer's
 * checklist. Every draw is an audit entry with its seed and rule, and is numbered among the draws
 * of the same month, filters and scope, so a draw redone until it suits is visible as such.
 */

export type DrawRequest = {
  month: string;
  squadId: string | null;
  itemCode: string | null;
  branch: string | null;
  size: number;
};

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const BRANCHES = Object.keys(BRANCH_LABELS).filter((b) => b !== 'undetermined');

type Filters = Pick<DrawRequest, 'month' | 'squadId' | 'itemCode' | 'branch'> & {
  /** The squads the drawer could see (null: all). */
  scope: string[] | null;
};

/** The month's approved records within the filters and scope, their ids sorted. */
async function populationOf(db: Db | Tx, f: Filters): Promise<string[]> {
  const { from, to } = monthRange(f.month);
  let qb = db
    .selectFrom('records')
    .select('id')
    .where('review_state', '=', 'approved')
    .where('found_date', '>=', from)
    .where('found_date', '<=', to);
  if (f.scope)
    qb = f.scope.length ? qb.where('squad_id', 'in', f.scope) : qb.where(sql<boolean>`1 = 0`);
  if (f.squadId) qb = qb.where('squad_id', '=', f.squadId);
  if (f.itemCode) qb = qb.where('item_code', '=', f.itemCode);
  if (f.branch) qb = qb.where('branch', '=', f.branch);
  const rows = await qb.execute();
  return rows.map((r) => r.id).sort(byCodeUnit);
}

const digest = (ids: string[]) => createHash('sha256').update(ids.join('\n'), 'utf8').digest('hex');

const invalid = (message: string) => new HttpError(400, 'invalid', message);

/**
 * Draws a sample: checked (month not in the future, size, filters within the user's squads),
 * the population read, the sample drawn with a fresh seed, and the draw, its records and the
 * audit entry stored in one transaction. A month with nothing to draw from is refused.
 */
export async function drawSpotCheck(
  db: Db,
  user: SessionUser,
  input: DrawRequest,
  options: { ip?: string | null; seed?: string; now?: Date } = {},
): Promise<{ id: string; sample: string[] }> {
  const now = options.now ?? new Date();
  if (!MONTH.test(input.month) || input.month > shanghaiDate(now).slice(0, 7))
    throw invalid('请选择本月或以前的月份');
  if (!Number.isInteger(input.size) || input.size < SAMPLE_SIZE.min || input.size > SAMPLE_SIZE.max)
    // The sentence names SAMPLE_SIZE's bounds (a unit test holds them together).
    throw invalid('抽查数量应为 1–50 件');
  if (input.branch && !BRANCHES.includes(input.branch)) throw invalid('适用情形不在可选范围内');
  if (input.itemCode !== null && !/^[A-Z0-9-]{1,20}$/.test(input.itemCode))
    throw invalid('事项编码不正确');
  // A supervisor draws within their squads (a squad outside them is refused: 403).
  const scope = statsScope(user, null);
  if (input.squadId && scope && !scope.includes(input.squadId))
    throw new HttpError(403, 'forbidden', '只能抽查本人负责的中队');
  const seed = options.seed ?? randomBytes(8).toString('hex');
  if (!SEED.test(seed)) throw new Error('a seed is 16 hex digits');
  const bureau = await bureauOfUser(db, user);
  const filters: Filters = { ...input, scope: scope ? [...scope].sort() : null };
  const id = uuidv7(now.getTime());
  const sample = await db.transaction().execute(async (tx) => {
    const population = await populationOf(tx, filters);
    if (population.length === 0) throw invalid('该月没有符合条件的已审核记录，无从抽取');
    const drawn = drawSample(population, seed, input.size);
    const scopeJson = JSON.stringify(filters.scope);
    const [earlier] = await tx
      .selectFrom('spot_checks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('month', '=', input.month)
      .where('scope', '=', scopeJson)
      .where(sql<boolean>`coalesce(squad_id, '') = ${input.squadId ?? ''}`)
      .where(sql<boolean>`coalesce(item_code, '') = ${input.itemCode ?? ''}`)
      .where(sql<boolean>`coalesce(branch, '') = ${input.branch ?? ''}`)
      .execute();
    const ordinal = Number(earlier?.n ?? 0) + 1;
    const populationHash = digest(population);
    await tx
      .insertInto('spot_checks')
      .values({
        id,
        bureau_id: bureau.id,
        month: input.month,
        squad_id: input.squadId,
        item_code: input.itemCode,
        branch: input.branch,
        scope: scopeJson,
        size: input.size,
        population: population.length,
        population_hash: populationHash,
        seed,
        rule: DRAW_ALGORITHM,
        ordinal,
        drawn_at: now.toISOString(),
        drawn_by: user.id,
      })
      .execute();
    await tx
      .insertInto('spot_check_items')
      .values(drawn.map((recordId, position) => ({ check_id: id, position, record_id: recordId })))
      .execute();
    await audit(tx, {
      userId: user.id,
      action: 'spotCheck.draw',
      target: id,
      detail: {
        month: input.month,
        squadId: input.squadId,
        itemCode: input.itemCode,
        branch: input.branch,
        scope: filters.scope,
        size: input.size,
        population: population.length,
        populationHash,
        seed,
        rule: DRAW_ALGORITHM,
        ordinal,
        sample: drawn,
      },
      ip: options.ip ?? null,
    });
    return drawn;
  });
  return { id, sample };
}

/** May the user see this draw? Administrators all; a supervisor those within their squads. */
const visible = (user: SessionUser, draw: { squad_id: string | null; scope: string }) =>
  (user.role === 'admin' || user.role === 'supervisor') &&
  drawWithin(user.role === 'admin' ? null : user.supervisedSquadIds, draw);

export type SpotCheckSummary = {
  id: string;
  month: string;
  squad: string | null;
  itemCode: string | null;
  branch: string | null;
  size: number;
  population: number;
  ordinal: number;
  drawnAt: string;
  drawnBy: string;
  reviewed: number;
  findings: number;
};

/** The draws the user may see, newest first. */
export async function spotChecks(db: Db, user: SessionUser): Promise<SpotCheckSummary[]> {
  const rows = await db
    .selectFrom('spot_checks')
    .leftJoin('squads', 'squads.id', 'spot_checks.squad_id')
    .innerJoin('users', 'users.id', 'spot_checks.drawn_by')
    .select((eb) => [
      'spot_checks.id',
      'spot_checks.month',
      'squads.name as squad',
      'spot_checks.item_code',
      'spot_checks.branch',
      'spot_checks.size',
      'spot_checks.population',
      'spot_checks.ordinal',
      'spot_checks.drawn_at',
      'spot_checks.squad_id',
      'spot_checks.scope',
      'users.real_name as drawn_by',
      eb
        .selectFrom('spot_check_items')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('spot_check_items.check_id', '=', 'spot_checks.id')
        .where('spot_check_items.reviewed_at', 'is not', null)
        .as('reviewed'),
      eb
        .selectFrom('spot_check_items')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('spot_check_items.check_id', '=', 'spot_checks.id')
        .where('spot_check_items.finding', '=', 1)
        .as('findings'),
    ])
    .orderBy('spot_checks.drawn_at', 'desc')
    .limit(200)
    .execute();
  return rows
    .filter((r) => visible(user, r))
    .map((r) => ({
      id: r.id,
      month: r.month,
      squad: r.squad ?? null,
      itemCode: r.item_code,
      branch: r.branch,
      size: Number(r.size),
      population: Number(r.population),
      ordinal: Number(r.ordinal),
      drawnAt: r.drawn_at,
      drawnBy: r.drawn_by,
      reviewed: Number(r.reviewed ?? 0),
      findings: Number(r.findings ?? 0),
    }));
}

export type SpotCheckItem = {
  position: number;
  recordId: string;
  foundDate: string;
  itemCode: string;
  branch: string | null;
  squad: string;
  address: string;
  reviewedAt: string | null;
  reviewer: string | null;
  answers: SpotCheckAnswers | null;
  finding: boolean | null;
  note: string | null;
};

/** A draw with its records and their reviews, and whether it can be redone as recorded now. */
export async function spotCheckDetail(db: Db, user: SessionUser, id: string) {
  const check = await db
    .selectFrom('spot_checks')
    .leftJoin('squads', 'squads.id', 'spot_checks.squad_id')
    .innerJoin('users', 'users.id', 'spot_checks.drawn_by')
    .selectAll('spot_checks')
    .select(['squads.name as squad', 'users.real_name as drawer'])
    .where('spot_checks.id', '=', id)
    .executeTakeFirst();
  if (!check || !visible(user, check)) throw new HttpError(404, 'notFound', '抽查不存在');
  const items = await db
    .selectFrom('spot_check_items')
    .innerJoin('records', 'records.id', 'spot_check_items.record_id')
    .innerJoin('squads', 'squads.id', 'records.squad_id')
    .leftJoin('users', 'users.id', 'spot_check_items.reviewed_by')
    .select([
      'spot_check_items.position',
      'spot_check_items.record_id',
      'spot_check_items.reviewed_at',
      'spot_check_items.answers',
      'spot_check_items.finding',
      'spot_check_items.note',
      'users.real_name as reviewer',
      'records.found_date',
      'records.item_code',
      'records.branch',
      'records.address',
      'squads.name as squad',
    ])
    .where('spot_check_items.check_id', '=', id)
    .orderBy('spot_check_items.position')
    .execute();
  // Redone now by its recorded rule: the same population (by digest) and the same sample?
  const population = await populationOf(db, {
    month: check.month,
    squadId: check.squad_id,
    itemCode: check.item_code,
    branch: check.branch,
    scope: JSON.parse(check.scope) as string[] | null,
  });
  const redrawn = drawSample(population, check.seed, Number(check.size));
  return {
    check: {
      id: check.id,
      month: check.month,
      squad: check.squad ?? null,
      itemCode: check.item_code,
      branch: check.branch,
      size: Number(check.size),
      population: Number(check.population),
      populationHash: check.population_hash,
      seed: check.seed,
      rule: check.rule,
      ordinal: Number(check.ordinal),
      drawnAt: check.drawn_at,
      drawer: check.drawer,
    },
    items: items.map((i): SpotCheckItem => ({
      position: Number(i.position),
      recordId: i.record_id,
      foundDate: i.found_date,
      itemCode: i.item_code,
      branch: i.branch,
      squad: i.squad,
      address: i.address,
      reviewedAt: i.reviewed_at,
      reviewer: i.reviewer ?? null,
      answers: i.answers ? (JSON.parse(i.answers) as SpotCheckAnswers) : null,
      finding: i.finding === null ? null : Number(i.finding) === 1,
      note: i.note,
    })),
    redo: {
      samePopulation: digest(population) === check.population_hash,
      populationNow: population.length,
      sameSample: redrawn.join('\n') === items.map((i) => i.record_id).join('\n'),
    },
  };
}

const REVIEW_MESSAGES: Record<string, string> = {
  findingNeedsNote: '有不符合项时，请写明问题（至少 4 字）',
  noteTooLong: '说明至多 1000 字',
};

/**
 * Records the review of one drawn record: every checklist item answered, a note for a finding.
 * Once made it stands (a second review is refused: 409); audited with its finding.
 */
export async function reviewSpotItem(
  db: Db,
  user: SessionUser,
  checkId: string,
  position: number,
  answers: SpotCheckAnswers,
  note: string,
  ip: string | null = null,
): Promise<void> {
  const check = await db
    .selectFrom('spot_checks')
    .select(['id', 'squad_id', 'scope'])
    .where('id', '=', checkId)
    .executeTakeFirst();
  if (!check || !visible(user, check)) throw new HttpError(404, 'notFound', '抽查不存在');
  if (REVIEW_CHECKS.some((c) => typeof answers[c] !== 'boolean'))
    throw invalid('请逐项作答检查清单');
  const issue = spotReviewIssues(answers, note)[0];
  if (issue) throw invalid(REVIEW_MESSAGES[issue] ?? issue);
  const finding = findingOf(answers);
  await db.transaction().execute(async (tx) => {
    const item = await tx
      .selectFrom('spot_check_items')
      .select('record_id')
      .where('check_id', '=', checkId)
      .where('position', '=', position)
      .executeTakeFirst();
    if (!item) throw new HttpError(404, 'notFound', '抽查记录不存在');
    const r = await tx
      .updateTable('spot_check_items')
      .set({
        reviewed_at: new Date().toISOString(),
        reviewed_by: user.id,
        answers: JSON.stringify(answers),
        finding: finding ? 1 : 0,
        note: note.trim() || null,
      })
      .where('check_id', '=', checkId)
      .where('position', '=', position)
      .where('reviewed_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1)
      throw new HttpError(409, 'reviewed', '该记录已复核，结论不能更改');
    await audit(tx, {
      userId: user.id,
      action: 'spotCheck.review',
      target: checkId,
      detail: { recordId: item.record_id, position, finding },
      ip,
    });
  });
}
