import { z } from 'zod';
import { sql, type SelectQueryBuilder } from 'kysely';
import { recordContentHash, type LockedRecord } from '$lib/domain/record';
import {
  maskedPartySchema,
  type Flag,
  type RecordDetail,
  type RecordsQuery,
  type RecordSummary,
  type Review,
} from '$lib/sync/contract';
import type { SessionUser } from '../auth/types';
import { nodeDigests } from '../digests';
import { recordConfirmations } from './confirmations';
import type { Db } from '../db/db';
import { QueryShapes } from '../db/shapes';
import { HttpError } from '../http';
import { catalogVersion } from './catalogs';
import type { Catalog } from '$lib/domain/catalog';
import { addDays, startOfLocalDay } from '$lib/domain/time';
import { parseChecklist, parseFlags, parseStoredRecord } from './stored';

/**
 * Who may read a record: an officer only records they were one of the two officers on; a
 * supervisor those of the squads they supervise; an admin all. Every read path goes through
 * this, so the console, the API and evidence downloads are scoped alike. Works on any query that
 * has `records` among its tables.
 */
export function scopeRecords<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  user: SessionUser,
): SelectQueryBuilder<DB, TB, O> {
  return scopeBy(qb, user.role, scopeIds(user));
}

/** The ids `scopeBy` scopes a user's reads by: a supervisor's squads, an officer's own id. */
function scopeIds(user: SessionUser): readonly string[] | undefined {
  switch (user.role) {
    case 'admin':
      return undefined;
    case 'supervisor':
      return user.supervisedSquadIds;
    case 'officer':
      return [user.id];
  }
}

function scopeBy<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  role: SessionUser['role'],
  ids: readonly string[] | undefined,
): SelectQueryBuilder<DB, TB, O> {
  switch (role) {
    case 'admin':
      return qb;
    case 'supervisor':
      return !ids || ids.length === 0
        ? qb.where(sql<boolean>`1 = 0`)
        : qb.where(sql.ref('records.squad_id'), 'in', ids);
    case 'officer': {
      const id = ids?.[0];
      return id === undefined
        ? qb.where(sql<boolean>`1 = 0`)
        : qb.where(
            sql<boolean>`(${sql.ref('records.officer1_id')} = ${id} or ${sql.ref('records.officer2_id')} = ${id})`,
          );
    }
  }
}

/** Records joined with their squad and both officers (`o1`, `o2`). */
function withPeople(db: Db) {
  return db
    .selectFrom('records')
    .innerJoin('squads', 'squads.id', 'records.squad_id')
    .innerJoin('users as o1', 'o1.id', 'records.officer1_id')
    .innerJoin('users as o2', 'o2.id', 'records.officer2_id');
}

/** Records the user may read, joined with their squad and both officers (`o1`, `o2`). */
export function recordsWithPeople(db: Db, user: SessionUser) {
  return scopeRecords(withPeople(db), user);
}

export function canRead(
  user: SessionUser,
  row: { squad_id: string; officer1_id: string; officer2_id: string },
): boolean {
  switch (user.role) {
    case 'admin':
      return true;
    case 'supervisor':
      return user.supervisedSquadIds.includes(row.squad_id);
    case 'officer':
      return row.officer1_id === user.id || row.officer2_id === user.id;
  }
}

export function canReview(user: SessionUser, row: { squad_id: string }): boolean {
  return (
    user.role === 'admin' ||
    (user.role === 'supervisor' && user.supervisedSquadIds.includes(row.squad_id))
  );
}

const cursorSchema = z.object({ f: z.string(), i: z.string() });
export type Cursor = z.infer<typeof cursorSchema>;

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(s: string): Cursor | null {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(s, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Escapes LIKE wildcards so a search for "50%" finds "50%" (see `likeEscaped`). */
export function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * `column LIKE pattern ESCAPE '\'`: PostgreSQL escapes with a backslash by default, SQLite only
 * when told, so without the clause `%`, `_` and `\` in a search matched anything on SQLite.
 */
export function likeEscaped(column: string, pattern: string) {
  return sql<boolean>`${sql.ref(column)} like ${pattern} escape '\\'`;
}

/** What decides the list query's SQL besides which params are present (see `QueryShapes`). */
type ListShape = { role: SessionUser['role']; branchUndetermined: boolean };

/** The list query's values, each computed before the query is built. */
type ListParams = {
  scope: readonly string[] | undefined;
  from: string | undefined;
  to: string | undefined;
  squad: string | undefined;
  item: string | undefined;
  state: RecordsQuery['state'];
  branch: Exclude<RecordsQuery['branch'], 'undetermined'>;
  followUp: RecordsQuery['followUp'];
  officer: string | undefined;
  flagged: 0 | 1 | undefined;
  pattern: string | undefined;
  cursorFoundAt: string | undefined;
  cursorId: string | undefined;
  limit: number;
};

function listParts(
  user: SessionUser,
  q: RecordsQuery & { cursor?: string | undefined },
): { shape: ListShape; params: ListParams } {
  const cursor = q.cursor ? decodeCursor(q.cursor) : null;
  return {
    shape: { role: user.role, branchUndetermined: q.branch === 'undetermined' },
    params: {
      scope: scopeIds(user),
      from: q.from ? startOfLocalDay(q.from).toISOString() : undefined,
      to: q.to ? startOfLocalDay(addDays(q.to, 1)).toISOString() : undefined,
      squad: q.squad || undefined,
      item: q.item || undefined,
      state: q.state || undefined,
      branch: q.branch && q.branch !== 'undetermined' ? q.branch : undefined,
      followUp: q.followUp || undefined,
      officer: q.officer || undefined,
      flagged: q.flagged ? (q.flagged === '1' ? 1 : 0) : undefined,
      pattern: q.q ? likePattern(q.q) : undefined,
      cursorFoundAt: cursor?.f,
      cursorId: cursor?.i,
      limit: q.limit + 1,
    },
  };
}

/**
 * Records newest first, keyset-paginated on (found_at, id): a deep page costs what the first does.
 * Built from the shape and the params alone, so that `listShapes` can compile it once per shape.
 */
function buildList(db: Db, shape: ListShape, p: ListParams) {
  let qb = scopeBy(withPeople(db), shape.role, p.scope).select([
    'records.id',
    'records.latest_version',
    'records.found_at',
    'records.squad_id',
    'squads.name as squad_name',
    'o1.real_name as officer1',
    'o2.real_name as officer2',
    'records.item_code',
    'records.catalog_version',
    'records.branch',
    'records.review_state',
    'records.follow_up',
    'records.reinspection_due',
    'records.address',
    'records.flagged',
    'records.party_masked',
  ]);
  if (p.from !== undefined) qb = qb.where('records.found_at', '>=', p.from);
  if (p.to !== undefined) qb = qb.where('records.found_at', '<', p.to);
  if (p.squad !== undefined) qb = qb.where('records.squad_id', '=', p.squad);
  if (p.item !== undefined) qb = qb.where('records.item_code', '=', p.item);
  if (p.state !== undefined) qb = qb.where('records.review_state', '=', p.state);
  if (shape.branchUndetermined) qb = qb.where('records.branch', 'is', null);
  else if (p.branch !== undefined) qb = qb.where('records.branch', '=', p.branch);
  if (p.followUp !== undefined) qb = qb.where('records.follow_up', '=', p.followUp);
  const officer = p.officer;
  if (officer !== undefined) {
    qb = qb.where((eb) =>
      eb.or([eb('records.officer1_id', '=', officer), eb('records.officer2_id', '=', officer)]),
    );
  }
  if (p.flagged !== undefined) qb = qb.where('records.flagged', '=', p.flagged);
  if (p.pattern !== undefined) qb = qb.where(likeEscaped('records.search', p.pattern));
  if (p.cursorFoundAt !== undefined && p.cursorId !== undefined) {
    // A row-value comparison: both databases turn it into one range scan of the
    // (found_at, id) index, where the equivalent OR of two conditions is not.
    qb = qb.where(
      sql<boolean>`(${sql.ref('records.found_at')}, ${sql.ref('records.id')}) < (${p.cursorFoundAt}, ${p.cursorId})`,
    );
  }
  return qb.orderBy('records.found_at', 'desc').orderBy('records.id', 'desc').limit(p.limit);
}

/** The console list compiled once per shape: a page runs SQL text it has run before. */
const listShapes = new QueryShapes('console list', buildList);

/** The list query as built for this user and query (what `listShapes` compiles once). */
export function listQuery(
  db: Db,
  user: SessionUser,
  q: RecordsQuery & { cursor?: string | undefined },
) {
  const { shape, params } = listParts(user, q);
  return buildList(db, shape, params);
}

/** The list query of this user and query, from the compiled shape. */
export function compiledList(
  db: Db,
  user: SessionUser,
  q: RecordsQuery & { cursor?: string | undefined },
) {
  const { shape, params } = listParts(user, q);
  return listShapes.compile(db, shape, params);
}

/**
 * The rows of one page. A supervisor of several squads reads each squad's newest rows from the
 * (squad_id, found_at, id) index and merges them: with `squad_id in (…)` neither database can
 * walk that index in order, and sorted every record of those squads for each page.
 */
async function listRows(
  db: Db,
  user: SessionUser,
  q: RecordsQuery & { cursor?: string | undefined },
) {
  const squads = user.role === 'supervisor' && !q.squad ? user.supervisedSquadIds : [];
  if (squads.length < 2) return (await db.executeQuery(compiledList(db, user, q))).rows;
  const parts = await Promise.all(
    squads.map(
      async (squad) => (await db.executeQuery(compiledList(db, user, { ...q, squad }))).rows,
    ),
  );
  return parts
    .flat()
    .sort((a, b) =>
      a.found_at === b.found_at
        ? a.id < b.id
          ? 1
          : a.id > b.id
            ? -1
            : 0
        : a.found_at < b.found_at
          ? 1
          : -1,
    )
    .slice(0, q.limit + 1);
}

export async function listRecords(
  db: Db,
  user: SessionUser,
  q: RecordsQuery & { cursor?: string | undefined },
): Promise<{ items: RecordSummary[]; nextCursor: string | null }> {
  const rows = await listRows(db, user, q);
  const page = rows.slice(0, q.limit);
  // A page's rows name one or two catalog versions: each is looked up once, not once a row.
  const names = new Map<string, Map<string, string> | null>();
  for (const r of page) {
    if (names.has(r.catalog_version)) continue;
    const catalog = await catalogVersion(db, r.catalog_version);
    names.set(r.catalog_version, catalog ? itemNames(catalog) : null);
  }
  const items: RecordSummary[] = [];
  for (const r of page) {
    const party = maskedParty(r.party_masked);
    items.push({
      id: r.id,
      version: r.latest_version,
      foundAt: r.found_at,
      squadId: r.squad_id,
      squadName: r.squad_name,
      officers: [r.officer1, r.officer2],
      itemCode: r.item_code,
      itemName: names.get(r.catalog_version)?.get(r.item_code) ?? r.item_code,
      branch: r.branch,
      reviewState: r.review_state,
      followUp: r.follow_up,
      reinspectionDue: r.reinspection_due,
      party,
      address: r.address,
      flagged: r.flagged === 1,
    });
  }
  const last = page[page.length - 1];
  return {
    items,
    nextCursor:
      rows.length > q.limit && last ? encodeCursor({ f: last.found_at, i: last.id }) : null,
  };
}

/** A catalog's item names by code, kept as long as the (cached, never changed) catalog is. */
const itemNamesOf = new WeakMap<Catalog, Map<string, string>>();

function itemNames(catalog: Catalog): Map<string, string> {
  let names = itemNamesOf.get(catalog);
  if (!names) {
    names = new Map();
    // The first item of a code, as a search of the list would find it.
    for (const i of catalog.items) if (!names.has(i.code)) names.set(i.code, i.name);
    itemNamesOf.set(catalog, names);
  }
  return names;
}

const UNKNOWN_PARTY = { kind: 'unknown', description: '—' } as const;

/** The masked party kept on the summary row, parsed (a row edited by hand shows as unknown). */
function maskedParty(text: string | null): RecordSummary['party'] {
  if (!text) return UNKNOWN_PARTY;
  const parsed = maskedPartySchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : UNKNOWN_PARTY;
}

export async function recordRow(db: Db, id: string) {
  return db.selectFrom('records').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function recordDetail(db: Db, id: string): Promise<RecordDetail | null> {
  const row = await recordRow(db, id);
  if (!row) return null;
  const versions = await db
    .selectFrom('record_versions')
    .select(['version', 'content_hash', 'received_at', 'device_id', 'pushed_by', 'flags', 'body'])
    .where('record_id', '=', id)
    .orderBy('version')
    .execute();
  const latest = versions.find((v) => v.version === row.latest_version);
  if (!latest) return null;
  const record = parseStoredRecord(latest.body);
  const reviews = await db
    .selectFrom('reviews')
    .innerJoin('users', 'users.id', 'reviews.reviewer_id')
    .selectAll('reviews')
    .select('users.real_name')
    .where('reviews.record_id', '=', id)
    .orderBy('reviews.created_at')
    .execute();
  return {
    record,
    reviewState: row.review_state,
    followUp: row.follow_up,
    versions: versions.map((v) => ({
      version: v.version,
      contentHash: v.content_hash,
      receivedAt: v.received_at,
      deviceId: v.device_id,
      pushedBy: v.pushed_by,
      flags: parseFlags(v.flags),
    })),
    reviews: reviews.map((r): Review => ({
      id: r.id,
      version: r.version,
      action: r.action,
      comment: r.comment,
      reviewerId: r.reviewer_id,
      reviewerName: r.real_name,
      checklist: parseChecklist(r.checklist),
      createdAt: r.created_at,
    })),
    confirmations: await recordConfirmations(db, record),
    serverHash: await recordContentHash(record, nodeDigests),
  };
}

/** May this user download this evidence file? Only if they may read a record that uses it. */
export async function canReadBlob(db: Db, user: SessionUser, sha256: string): Promise<boolean> {
  const referencing = scopeRecords(
    db
      .selectFrom('records')
      .select('records.id')
      .where(
        'records.id',
        'in',
        db.selectFrom('blob_refs').select('record_id').where('sha256', '=', sha256),
      ),
    user,
  );
  if (await referencing.limit(1).executeTakeFirst()) return true;
  // The uploader may read back what they uploaded before the record referencing it is pushed.
  const own = await db
    .selectFrom('blob_uploads')
    .select('sha256')
    .where('sha256', '=', sha256)
    .where('user_id', '=', user.id)
    .executeTakeFirst();
  return own !== undefined;
}

/**
 * The latest version of a record the user may read, or the HTTP error to answer: 404 when it does
 * not exist, 403 when it belongs to someone else's squad.
 */
export async function readableRecord(
  db: Db,
  user: SessionUser,
  id: string,
): Promise<{ row: NonNullable<Awaited<ReturnType<typeof recordRow>>>; record: LockedRecord }> {
  const row = await recordRow(db, id);
  if (!row) throw new HttpError(404, 'notFound', '记录不存在');
  if (!canRead(user, row)) throw new HttpError(403, 'forbidden', '无权查看此记录');
  const version = await storedVersion(db, id, row.latest_version)
    .select('body')
    .executeTakeFirstOrThrow();
  return { row, record: parseStoredRecord(version.body) };
}

/** One stored version of a record, to select columns from. */
function storedVersion(db: Db, id: string, version: number) {
  return db
    .selectFrom('record_versions')
    .where('record_id', '=', id)
    .where('version', '=', version);
}

/** The system's flags on one version of a record. */
export async function versionFlags(db: Db, id: string, version: number): Promise<Flag[]> {
  const row = await storedVersion(db, id, version).select('flags').executeTakeFirst();
  return row ? parseFlags(row.flags) : [];
}

/** The newest stored version of a record, or null if none is stored. */
export async function latestVersion(db: Db, id: string): Promise<number | null> {
  const row = await db
    .selectFrom('records')
    .select('latest_version')
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.latest_version ?? null;
}
