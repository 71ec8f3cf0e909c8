import { issue, issuesFromZod } from '$lib/domain/issues';
import {
  catalogIssues,
  lockedRecordSchema,
  lockedRecordText,
  recordCanonicalContent,
  referencedBlobs,
} from '$lib/domain/record';
import { sha256Hex } from '$lib/domain/integrity';
import { sql } from 'kysely';
import { dialectOf, type Db } from '../../db/db';
import { nodeDigests } from '../../digests';
import { catalogVersion } from '../../repos/catalogs';
import type { Lookups } from './lookups';
import { rejected } from './refusals';
import type { IngestOptions, Prepared } from './types';

/**
 * Everything judged before the write transaction opens: the record's own content (the domain's
 * rules, the very ones the phone applies before it locks a record), its officers against the
 * roster, its catalog, and the evidence the sender proved they hold.
 */

export async function prepare(
  db: Db,
  item: unknown,
  options: IngestOptions,
  lookups: Lookups,
): Promise<Prepared> {
  const parsed = lockedRecordSchema.safeParse(item);
  if (!parsed.success) return rejected(item, 'recordInvalid', issuesFromZod(parsed.error, item));
  const record = parsed.data;

  // The canonical text the hash is checked over is also what the record is stored as.
  const canonical = recordCanonicalContent(record);
  const hash = await sha256Hex(canonical, nodeDigests);
  if (hash !== record.contentHash) {
    return rejected(item, 'hashMismatch', [issue(['contentHash'], 'hashMismatch')]);
  }
  if (record.deviceId !== options.deviceId && options.pusher !== null) {
    return rejected(item, 'deviceMismatch', [issue(['deviceId'], 'deviceMismatch')]);
  }
  if (options.pusher && !record.officers.some((o) => o.userId === options.pusher?.id)) {
    return rejected(item, 'notOnRecord', [issue(['officers'], 'notOnRecord')]);
  }

  // Officers come from the roster, not from what a phone typed (Art. 42, Art. 55): each named
  // officer exists as a field officer with that name and certificate number. A first version is
  // made by two active officers of the record's squad, except in the last push of a phone told
  // to wipe itself, where its own officer, deactivated after the finding, still counts (ADR
  // 0018); later versions keep the officers of the one they replace (amendmentIssues), and a
  // re-inspection names two such officers too.
  const reinspectors = record.reinspection?.officers ?? [];
  const named = [
    ...record.officers.map((o, i) => ({
      o,
      path: ['officers', i],
      fresh: record.version === 1,
      at: record.foundAt,
    })),
    ...reinspectors.map((o, i) => ({
      o,
      path: ['reinspection', 'officers', i],
      fresh: true,
      at: record.reinspection?.doneAt ?? record.foundAt,
    })),
  ];
  const roster = await lookups.users(
    db,
    named.map((n) => n.o.userId),
  );
  for (const [i, { o, path, fresh, at }] of named.entries()) {
    const u = roster.find((x) => x.id === o.userId);
    const known =
      u !== undefined &&
      u.role === 'officer' &&
      u.certificate_no === o.certificateNo &&
      u.real_name === o.name;
    const activeThen =
      u?.active === 1 ||
      (options.farewell === true &&
        u !== undefined &&
        u.id === options.pusher?.id &&
        u.deactivated_at !== null &&
        Date.parse(u.deactivated_at) > Date.parse(at));
    const current = known && (!fresh || (activeThen && u.squad_id === record.squadId));
    if (!current) {
      const n = (i % 2) + 1;
      return rejected(item, 'officerUnknown', [issue(path, 'officerUnknown', { n })], { n });
    }
  }
  const squad = await lookups.squad(db, record.squadId);
  if (!squad) return rejected(item, 'squadInvalid', [issue(['squadId'], 'squadInvalid')]);

  const catalog = await catalogVersion(db, record.catalogVersion);
  if (!catalog) {
    const params = { catalogVersion: record.catalogVersion };
    return rejected(
      item,
      'catalogUnknown',
      [issue(['catalogVersion'], 'catalogUnknown', params)],
      params,
    );
  }
  const wrong = catalogIssues(record, catalog);
  if (wrong.length > 0) return rejected(item, 'recordInvalid', wrong);

  return { kind: 'record', record, body: lockedRecordText(canonical, hash), catalog, item };
}

/** Of some files, those the server holds, and those of them the sender uploaded themselves. */
export type BlobHoldings = { held: Set<string>; uploaded: Set<string> };

/** `BlobHoldings` of `hashes` in a few queries (500 hashes a query). */
export async function blobHoldings(
  db: Db,
  hashes: readonly string[],
  sender: string | null,
): Promise<BlobHoldings> {
  const held = new Set<string>();
  const uploaded = new Set<string>();
  const postgres = dialectOf(db) === 'postgres';
  for (let i = 0; i < hashes.length; i += 500) {
    const chunk = hashes.slice(i, i + 500);
    if (postgres) {
      for (const r of await holdingsOnPostgres(db, chunk, sender)) {
        if (r.held) held.add(r.sha256);
        if (r.uploaded) uploaded.add(r.sha256);
      }
      continue;
    }
    for (const r of await db
      .selectFrom('blobs')
      .select('sha256')
      .where('sha256', 'in', chunk)
      .execute())
      held.add(r.sha256);
    if (sender) {
      const rows = await db
        .selectFrom('blob_uploads')
        .select('sha256')
        .where('user_id', '=', sender)
        .where('sha256', 'in', chunk)
        .execute();
      for (const r of rows) uploaded.add(r.sha256);
    }
  }
  return { held, uploaded };
}

/**
 * Both questions in one query on PostgreSQL, one index probe per hash and table. With the
 * hashes as an `in` list its planner scanned both tables whole once they held some tens of
 * thousands of files (3.6 ms a query of 300 hashes in the ingest bench, a fifth of a push's time
 * in the database; 11 ms for the pair at 40,000 files against 2.7 ms for this, PERFORMANCE.md):
 * a `limit 1` in a lateral subquery leaves it no plan but the probe.
 */
async function holdingsOnPostgres(
  db: Db,
  hashes: readonly string[],
  sender: string | null,
): Promise<{ sha256: string; held: boolean | null; uploaded: boolean | null }[]> {
  const uploads = sender
    ? sql`select true as uploaded from blob_uploads u
          where u.sha256 = h.sha256 and u.user_id = ${sender} limit 1`
    : sql`select null::boolean as uploaded`;
  const result = await sql<{ sha256: string; held: boolean | null; uploaded: boolean | null }>`
    select h.sha256, b.held, u.uploaded
    from unnest(${hashes}::text[]) as h(sha256)
    left join lateral (select true as held from blobs b where b.sha256 = h.sha256 limit 1) b on true
    left join lateral (${uploads}) u on true`.execute(db);
  return result.rows;
}

/**
 * Whether a record from this sender may name the file only once the sender uploads it: the
 * server lacks it, or the sender never proved they hold those bytes. (A record may also name a
 * file its own earlier version named: `checkBlobs`.) What the phone asks before uploading
 * (`POST /api/blobs/needed`) is answered by this very rule, so a file it is told not to upload is
 * never one the push then reports missing.
 */
export function mustUpload(sha256: string, holdings: BlobHoldings): boolean {
  return !holdings.held.has(sha256) || !holdings.uploaded.has(sha256);
}

/**
 * The evidence of the whole push, in few queries. A record may name a file only if the server
 * holds it and the sender proved they have it: they uploaded those bytes themselves (an upload of
 * a file the server already holds still counts), or an earlier version of the same record named
 * it. Knowing a hash is not enough, and neither is being allowed to read a record that names
 * it. Files missing either way are answered `missingBlobs`, which makes a phone upload them
 * (again).
 */
export async function checkBlobs(
  db: Db,
  prepared: Prepared[],
  sender: string | null,
): Promise<void> {
  const wanted = [
    ...new Set(prepared.flatMap((p) => (p.kind === 'record' ? referencedBlobs(p.record) : []))),
  ];
  const ids = [...new Set(prepared.flatMap((p) => (p.kind === 'record' ? [p.record.id] : [])))];
  const holdings = await blobHoldings(db, wanted, sender);
  const named = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('blob_refs')
      .select(['sha256', 'record_id'])
      .where('record_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) named.add(`${r.record_id}|${r.sha256}`);
  }
  prepared.forEach((p, i) => {
    if (p.kind !== 'record') return;
    const missing = referencedBlobs(p.record).filter(
      (h) => mustUpload(h, holdings) && !(holdings.held.has(h) && named.has(`${p.record.id}|${h}`)),
    );
    if (missing.length > 0) {
      prepared[i] = {
        kind: 'result',
        result: { status: 'missingBlobs', id: p.record.id, version: p.record.version, missing },
        item: p.item,
      };
    }
  });
}
