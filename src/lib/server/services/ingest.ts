import { evaluate, evaluationSignature } from '$lib/domain/evaluate';
import { issue, issuesFromZod, type Issue, type IssueCode } from '$lib/domain/issues';
import { nextReviewState } from '$lib/domain/lifecycle';
import {
  isProvisionalNumber,
  formatDocNumber,
  DEFAULT_TEMPLATE,
  DEFAULT_TYPE_WORDS,
} from '$lib/domain/numbering';
import { maskParty, partyDisplayName, partyKeyDigest } from '$lib/domain/party';
import {
  amendmentIssues,
  catalogIssues,
  lockedRecordSchema,
  previousVersionOf,
  recordContentHash,
  referencedBlobs,
  type DocType,
  type LockedRecord,
  type PreviousVersion,
} from '$lib/domain/record';
import { shanghaiDate, shanghaiYear } from '$lib/domain/time';
import type { Flag, PushResult } from '$lib/sync/contract';
import { lookbackReach, lookbackStart, type Catalog } from '$lib/domain/catalog';
import { sql } from 'kysely';
import { z } from 'zod';
import { nextCounter, type Db, type Tx } from '../db/db';
import { catalogVersion } from '../repos/catalogs';
import { appendChanges, type ChangeInput } from '../repos/changes';
import {
  quarantine,
  quarantinedChain,
  storedAfterError,
  supersede,
  type Refusal,
} from '../repos/quarantine';
import { ledgerKey } from '../repos/secrets';
import { requestConfirmations } from './confirmations';
import { parseFlags, parseStoredRecord } from '../repos/stored';
import { summaryFacts } from './summary';

/**
 * Ingests pushed records. Each record is judged on its own (one bad record never blocks the
 * others), but everything the push writes happens in one transaction, so a failed request writes
 * nothing. Writes are keyed by (record id, version) with ON CONFLICT DO NOTHING: a replay, or the
 * same push arriving twice at the same moment, stores exactly one copy. A record refused or in
 * conflict is kept in the quarantine, in the same transaction: nothing a phone sent is dropped.
 *
 * The content rules are the domain's (`lockedRecordSchema`, `catalogIssues`, `amendmentIssues`):
 * the very ones the phone applies before it locks a record.
 */

type Prepared =
  | { kind: 'result'; result: PushResult; item: unknown }
  | {
      kind: 'record';
      record: LockedRecord;
      catalog: Catalog;
      item: unknown;
      /** Digests of the party keys for the change feed, made before the write transaction. */
      digests: string[];
    };

/** The longest a push keeps the event loop before letting other requests run. */
const YIELD_AFTER_MS = 25;

/** How many dates of priors the phone missed a flag names (the latest ones). */
const MISSED_DATES_LISTED = 10;

export type IngestOptions = {
  deviceId: string;
  /** The pushing user; null only for the console's import of an exported file. */
  pusher: { id: string; role: string } | null;
  /** Who sent it (the pusher, or the administrator importing a file), kept with refusals. */
  sender?: string | null;
  now?: string;
};

export async function ingestRecords(
  db: Db,
  raw: unknown[],
  options: IngestOptions,
): Promise<PushResult[]> {
  const lookups = newLookups();
  const prepared: Prepared[] = [];
  for (const item of raw) prepared.push(await prepare(db, item, options, lookups));
  await checkBlobs(db, prepared, options.sender ?? options.pusher?.id ?? null);
  const at = options.now ?? new Date().toISOString();

  const results: PushResult[] = [];
  await db.transaction().execute(async (tx) => {
    results.length = 0;
    const changes: ChangeInput[] = [];
    const refused: { item: unknown; result: Refusal }[] = [];
    let slice = performance.now();
    for (const p of prepared) {
      // better-sqlite3 answers synchronously, so a push's queries never give the event loop a
      // turn: after every YIELD_AFTER_MS of work, yield between records, letting reads (on their
      // own handle) and /api/health be served while this transaction holds the writer. Yielding
      // after every record instead starved pushes behind busy readers (push p50 2.1 -> 5.9 s).
      if (performance.now() - slice > YIELD_AFTER_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
      const result =
        p.kind === 'result' ? p.result : await storeIsolated(tx, p, options, changes, lookups);
      if (
        result.status === 'rejected' ||
        result.status === 'conflict' ||
        result.status === 'error'
      ) {
        refused.push({ item: p.item, result });
      }
      results.push(result);
    }
    await storedAfterError(
      tx,
      prepared.flatMap((p, i) =>
        p.kind === 'record' &&
        (results[i]?.status === 'accepted' || results[i]?.status === 'duplicate')
          ? [p.record]
          : [],
      ),
      at,
    );
    await quarantine(tx, refused, {
      deviceId: options.deviceId,
      userId: options.sender ?? options.pusher?.id ?? null,
      at,
    });
    // Appended once, last: the change counter is the last lock a push takes, as in every other
    // writer, so concurrent writers cannot deadlock on it.
    await appendChanges(tx, changes);
  });
  return results;
}

/**
 * Stores one record inside a savepoint: a database error on this record (a bug, a constraint no
 * rule foresaw) undoes this record only and answers `error`, which the phone retries later; the
 * rest of the push is stored, so one poison record never stops a phone's queue.
 */
async function storeIsolated(
  tx: Tx,
  p: Extract<Prepared, { kind: 'record' }>,
  options: IngestOptions,
  changes: ChangeInput[],
  lookups: Lookups,
): Promise<PushResult> {
  const mine: ChangeInput[] = [];
  await sql`savepoint record_store`.execute(tx);
  try {
    const result = await store(tx, p, options, mine, lookups);
    await sql`release savepoint record_store`.execute(tx);
    changes.push(...mine);
    return result;
  } catch (e) {
    await sql`rollback to savepoint record_store`.execute(tx);
    // Logged by record id only: the body holds personal data.
    console.error(
      `push: storing record ${p.record.id} v${p.record.version} failed: ${e instanceof Error ? e.message : String(e)}`,
    );
    return {
      status: 'error',
      id: p.record.id,
      version: p.record.version,
      message: issue([], 'serverError').message,
      code: 'serverError',
    };
  }
}

function idOf(item: unknown): { id: string | null; version: number | null } {
  if (typeof item !== 'object' || item === null) return { id: null, version: null };
  const r = item as Record<string, unknown>;
  return {
    id: typeof r.id === 'string' ? r.id.slice(0, 64) : null,
    version: typeof r.version === 'number' && Number.isInteger(r.version) ? r.version : null,
  };
}

function refusal(
  status: 'rejected' | 'conflict',
  ids: { id: string | null; version: number | null },
  code: IssueCode,
  issues: Issue[],
  params: Record<string, string | number> = {},
): Refusal {
  const message = issue([], code, params).message;
  if (status === 'conflict') {
    return { status, id: ids.id ?? '', version: ids.version ?? 0, message, code };
  }
  const detail = issues.length > 0 ? `：${issues.map((i) => i.message).join('；')}` : '';
  return {
    status,
    ...ids,
    message: `${message}${detail}`.slice(0, 2000),
    code,
    issues: issues.map(({ path, code: c, params: p, message: m }) => ({
      path,
      message: m,
      code: c,
      ...(p ? { params: p } : {}),
    })),
  };
}

function rejected(
  item: unknown,
  code: IssueCode,
  issues: Issue[] = [],
  params: Record<string, string | number> = {},
): Prepared {
  return { kind: 'result', result: refusal('rejected', idOf(item), code, issues, params), item };
}

async function prepare(
  db: Db,
  item: unknown,
  options: IngestOptions,
  lookups: Lookups,
): Promise<Prepared> {
  const parsed = lockedRecordSchema.safeParse(item);
  if (!parsed.success) return rejected(item, 'recordInvalid', issuesFromZod(parsed.error, item));
  const record = parsed.data;

  const hash = await recordContentHash(record);
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
  // made by two active officers of the record's squad; later versions keep the officers of the
  // one they replace (amendmentIssues), and a re-inspection names two active officers of it too.
  const reinspectors = record.reinspection?.officers ?? [];
  const named = [
    ...record.officers.map((o, i) => ({ o, path: ['officers', i], fresh: record.version === 1 })),
    ...reinspectors.map((o, i) => ({ o, path: ['reinspection', 'officers', i], fresh: true })),
  ];
  const roster = await lookups.users(
    db,
    named.map((n) => n.o.userId),
  );
  for (const [i, { o, path, fresh }] of named.entries()) {
    const u = roster.find((x) => x.id === o.userId);
    const known =
      u !== undefined &&
      u.role === 'officer' &&
      u.certificate_no === o.certificateNo &&
      u.real_name === o.name;
    const current = known && (!fresh || (u.active === 1 && u.squad_id === record.squadId));
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

  // WebCrypto answers on another thread: done here, not while the write transaction is open
  // (every await of it would let other work run while the writer is held).
  const key = await ledgerKey(db);
  const digests = await Promise.all(record.partyKeys.map((k) => partyKeyDigest(key, k)));
  return { kind: 'record', record, catalog, item, digests };
}

/**
 * The evidence of the whole push, in few queries. A record may name a file only if the server
 * holds it and the sender proved they have it: they uploaded those bytes themselves (an upload of
 * a file the server already holds still counts), or an earlier version of the same record named
 * it. Knowing a hash is not enough. Files missing either way are answered `missingBlobs`, which
 * makes a phone upload them (again).
 */
async function checkBlobs(db: Db, prepared: Prepared[], sender: string | null): Promise<void> {
  const wanted = [
    ...new Set(prepared.flatMap((p) => (p.kind === 'record' ? referencedBlobs(p.record) : []))),
  ];
  const ids = [...new Set(prepared.flatMap((p) => (p.kind === 'record' ? [p.record.id] : [])))];
  const have = new Set<string>();
  const uploaded = new Set<string>();
  const named = new Set<string>();
  for (let i = 0; i < wanted.length; i += 500) {
    const chunk = wanted.slice(i, i + 500);
    for (const r of await db
      .selectFrom('blobs')
      .select('sha256')
      .where('sha256', 'in', chunk)
      .execute())
      have.add(r.sha256);
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
      (h) => !have.has(h) || (!uploaded.has(h) && !named.has(`${p.record.id}|${h}`)),
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

type UserRow = {
  id: string;
  certificate_no: string | null;
  squad_id: string | null;
  role: string;
  real_name: string;
  active: 0 | 1;
};

/** Reference data read once per push, not once per record. */
type Lookups = {
  users: (db: Db, ids: string[]) => Promise<UserRow[]>;
  squad: (
    db: Db | Tx,
    id: string,
  ) => Promise<{ id: string; district: string; name: string } | null>;
  blocks: (tx: Tx, deviceId: string) => Promise<Set<string>>;
};

function newLookups(): Lookups {
  const users = new Map<string, UserRow | null>();
  const squads = new Map<string, { id: string; district: string; name: string } | null>();
  const blocks = new Map<string, Set<string>>();
  return {
    users: async (db, ids) => {
      const unknown = ids.filter((id) => !users.has(id));
      if (unknown.length) {
        const rows = await db
          .selectFrom('users')
          .select(['id', 'certificate_no', 'squad_id', 'role', 'real_name', 'active'])
          .where('id', 'in', unknown)
          .execute();
        for (const id of unknown) users.set(id, rows.find((r) => r.id === id) ?? null);
      }
      return ids.flatMap((id) => {
        const u = users.get(id);
        return u ? [u] : [];
      });
    },
    squad: async (db, id) => {
      if (!squads.has(id)) {
        const row = await db
          .selectFrom('squads')
          .select(['id', 'district', 'name'])
          .where('id', '=', id)
          .executeTakeFirst();
        squads.set(id, row ?? null);
      }
      return squads.get(id) ?? null;
    },
    blocks: async (tx, deviceId) => {
      let set = blocks.get(deviceId);
      if (!set) {
        const rows = await tx
          .selectFrom('number_blocks')
          .select(['doc_type', 'year', 'first', 'last', 'format'])
          .where('device_id', '=', deviceId)
          .execute();
        set = new Set<string>();
        for (const b of rows) {
          const format = numberFormatSchema.parse(JSON.parse(b.format));
          for (let s = b.first; s <= b.last; s++)
            set.add(`${b.doc_type}|${formatDocNumber(format, b.year, s)}`);
        }
        blocks.set(deviceId, set);
      }
      return set;
    },
  };
}

async function store(
  tx: Tx,
  prepared: Extract<Prepared, { kind: 'record' }>,
  options: IngestOptions,
  changes: ChangeInput[],
  lookups: Lookups,
): Promise<PushResult> {
  const { record, catalog, digests } = prepared;
  const receivedAt = options.now ?? new Date().toISOString();
  const existing = await tx
    .selectFrom('record_versions')
    .select(['version', 'content_hash', 'received_at'])
    .where('record_id', '=', record.id)
    .orderBy('version', 'desc')
    .execute();
  const same = existing.find((v) => v.version === record.version);
  if (same) return sameVersion(record, same);
  const ids = { id: record.id, version: record.version };
  const latest = existing[0] ?? null;
  if (record.version === 1 && latest) return refusal('conflict', ids, 'idTaken', []);
  // The version replaced is the newest stored one, or a refused one the officer amended (kept
  // in the quarantine): either way the chain of hashes must reach what the server holds.
  let previous: PreviousVersion | null = null;
  let superseded: string[] = [];
  if (record.version > 1) {
    if (latest && latest.version === record.version - 1) {
      if (latest.content_hash !== record.previousVersionHash) {
        return refusal('conflict', ids, 'previousChanged', []);
      }
      const body = await tx
        .selectFrom('record_versions')
        .select('body')
        .where('record_id', '=', record.id)
        .where('version', '=', latest.version)
        .executeTakeFirstOrThrow();
      previous = previousVersionOf(parseStoredRecord(body.body));
    } else {
      const chain = await quarantinedChain(
        tx,
        record,
        latest,
        options.pusher ? options.pusher.id : null,
      );
      if (!chain) {
        const params = { latest: latest?.version ?? 0 };
        return refusal(
          'rejected',
          ids,
          'previousMissing',
          [issue(['version'], 'previousMissing', params)],
          params,
        );
      }
      previous = chain.previous;
      superseded = chain.ids;
    }
    const wrong = amendmentIssues(previous, record);
    if (wrong.length > 0) return refusal('rejected', ids, 'recordInvalid', wrong);
  }

  const flags = await serverFlags(tx, record, catalog, lookups);
  const squad = await lookups.squad(tx, record.squadId);
  if (!squad) throw new Error(`squad ${record.squadId} vanished during the push`);

  // Claim (id, version). If a concurrent push got there first, this inserts nothing and the
  // stored copy decides: the same content is a duplicate, other content a conflict.
  const inserted = await tx
    .insertInto('record_versions')
    .values({
      record_id: record.id,
      version: record.version,
      content_hash: record.contentHash,
      body: JSON.stringify(record),
      device_id: record.deviceId,
      pushed_by: options.pusher?.id ?? 'import',
      received_at: receivedAt,
      flags: JSON.stringify(flags),
    })
    .onConflict((oc) => oc.columns(['record_id', 'version']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
    const stored = await tx
      .selectFrom('record_versions')
      .select(['version', 'content_hash', 'received_at'])
      .where('record_id', '=', record.id)
      .where('version', '=', record.version)
      .executeTakeFirstOrThrow();
    return sameVersion(record, stored);
  }
  await supersede(tx, superseded, record.version, receivedAt);

  const assignedNumbers = await assignProvisionalNumbers(tx, record, receivedAt);
  if (assignedNumbers.length > 0) {
    flags.push({
      code: 'provisionalNumber',
      message: `使用了 ${assignedNumbers.length} 个临时文书编号，已替换为正式编号：${assignedNumbers
        .map((a) => `${a.provisional} → ${a.assigned}`)
        .join('；')}`,
    });
    await tx
      .updateTable('record_versions')
      .set({ flags: JSON.stringify(flags) })
      .where('record_id', '=', record.id)
      .where('version', '=', record.version)
      .execute();
  }

  // The summary row exists once any version is stored; a first version (most pushes) has none.
  const current = latest
    ? await tx
        .selectFrom('records')
        .select('review_state')
        .where('id', '=', record.id)
        .executeTakeFirst()
    : undefined;
  const foundAt = new Date(record.foundAt).toISOString();
  const item = catalog.items.find((i) => i.code === record.itemCode);
  const party = record.party;
  const search = [
    partyDisplayName(party),
    party.kind === 'vehicle' ? party.plate : '',
    party.kind === 'business' ? (party.operatorName ?? '') : '',
    record.place.address,
    party.kind === 'business' ? party.address : '',
    item?.name ?? '',
    record.itemCode,
  ]
    .join(' ')
    .toLowerCase();
  const summary = {
    latest_version: record.version,
    squad_id: record.squadId,
    officer1_id: record.officers[0].userId,
    officer2_id: record.officers[1].userId,
    item_code: record.itemCode,
    catalog_version: record.catalogVersion,
    branch: record.evaluation.branch,
    review_state: nextReviewState(current?.review_state ?? 'new', 'received'),
    follow_up: record.followUp,
    found_at: foundAt,
    found_date: shanghaiDate(record.foundAt),
    party_kind: party.kind,
    party_name: partyDisplayName(party),
    party_masked: JSON.stringify(maskParty(party)),
    party_keys: record.partyKeys.join('\n'),
    address: record.place.address,
    search,
    flagged: flags.length > 0 ? (1 as const) : (0 as const),
    reinspection_due: record.followUp === 'pending' ? (record.reinspection?.dueDate ?? null) : null,
    device_id: record.deviceId,
    updated_at: receivedAt,
    ...summaryFacts(record),
    ...(flags.some((f) => f.code === 'priorMissed') ? { repeat_offence: 1 as const } : {}),
  };
  if (!current) {
    await tx
      .insertInto('records')
      .values({
        id: record.id,
        created_at: new Date(record.createdAt).toISOString(),
        first_received_at: receivedAt,
        ...summary,
      })
      .execute();
  } else {
    await tx.updateTable('records').set(summary).where('id', '=', record.id).execute();
  }

  if (record.documents.length > 0) {
    await tx
      .insertInto('documents')
      .values(
        record.documents.map((d) => ({
          doc_id: d.id,
          record_id: record.id,
          doc_type: d.docType,
          number: d.number,
          first_version: record.version,
          provisional: d.provisional ? (1 as const) : (0 as const),
        })),
      )
      .onConflict((oc) => oc.column('doc_id').doNothing())
      .execute();
  }

  const refs = referencedBlobs(record);
  await tx
    .insertInto('blob_refs')
    .values(refs.map((sha256) => ({ sha256, record_id: record.id })))
    .onConflict((oc) => oc.columns(['sha256', 'record_id']).doNothing())
    .execute();

  // The first-offence ledger holds one row per party key of the record's latest version.
  await tx.deleteFrom('ledger').where('record_id', '=', record.id).execute();
  const date = shanghaiDate(record.foundAt);
  if (record.partyKeys.length > 0) {
    await tx
      .insertInto('ledger')
      .values(
        record.partyKeys.map((party_key) => ({
          record_id: record.id,
          party_key,
          item_code: record.itemCode,
          found_date: date,
          squad_id: record.squadId,
          district: squad.district,
          branch: record.evaluation.branch,
        })),
      )
      .execute();
    // Phones of the district receive digests of the keys, never the identifiers themselves.
    changes.push({
      kind: 'ledger',
      district: squad.district,
      at: receivedAt,
      payload: {
        entry: {
          recordId: record.id,
          itemCode: record.itemCode,
          partyKeys: digests,
          date,
          squadId: record.squadId,
          branch: record.evaluation.branch,
          source: 'server',
          district: squad.district,
        },
      },
    });
  }
  for (const a of assignedNumbers) {
    for (const officer of record.officers) {
      changes.push({
        kind: 'numberAssigned',
        userId: officer.userId,
        at: receivedAt,
        payload: { recordId: record.id, number: a },
      });
    }
  }
  await flagLaterRecords(tx, record, catalog);
  changes.push(
    ...(await requestConfirmations(tx, record, options.pusher?.id ?? null, squad.name, receivedAt)),
  );

  return {
    status: 'accepted',
    id: record.id,
    version: record.version,
    serverHash: record.contentHash,
    receivedAt,
    flags,
    assignedNumbers,
  };
}

function sameVersion(
  record: LockedRecord,
  stored: { content_hash: string; received_at: string },
): PushResult {
  if (stored.content_hash === record.contentHash) {
    return {
      status: 'duplicate',
      id: record.id,
      version: record.version,
      serverHash: stored.content_hash,
      receivedAt: stored.received_at,
    };
  }
  return refusal('conflict', { id: record.id, version: record.version }, 'versionTaken', []);
}

/** What a supervisor should look at: the server's own evaluation and first-offence lookup. */
async function serverFlags(
  tx: Tx,
  record: LockedRecord,
  catalog: Catalog,
  lookups: Lookups,
): Promise<Flag[]> {
  const flags: Flag[] = [];
  const own = evaluate({
    catalog,
    itemCode: record.itemCode,
    answers: record.answers,
    partyKeys: record.partyKeys,
    history: record.firstOffenceCheck.priors,
    recordId: record.id,
    foundOn: shanghaiDate(record.foundAt),
    now: record.evaluatedAt,
  });
  if (evaluationSignature(own) !== evaluationSignature(record.evaluation as typeof own)) {
    flags.push({
      code: 'evaluationMismatch',
      message: `服务器按相同答案评估为「${own.branch ?? '未确定'}」，记录中为「${record.evaluation.branch ?? '未确定'}」`,
    });
  }

  const item = catalog.items.find((i) => i.code === record.itemCode);
  const firstOffence =
    record.evaluation.branch === 'firstOffence' ||
    record.evaluation.prospectiveBranch === 'firstOffence';
  if (item && firstOffence && record.partyKeys.length > 0) {
    const date = shanghaiDate(record.foundAt);
    const windowStart = lookbackStart(item, date);
    const seen = record.firstOffenceCheck.priors.map((p) => p.recordId);
    // The latest few dates only, walked backwards along the ledger's party index: a party with
    // tens of thousands of earlier rows costs what one with three does.
    const missed = await tx
      .selectFrom('ledger')
      .select('found_date')
      .distinct()
      .where('party_key', 'in', record.partyKeys)
      .where('item_code', '=', record.itemCode)
      .where('found_date', '>=', windowStart)
      .where('found_date', '<=', date)
      .where('record_id', 'not in', [record.id, ...seen])
      .orderBy('found_date', 'desc')
      .limit(MISSED_DATES_LISTED + 1)
      .execute();
    if (missed.length > 0) {
      const dates = missed
        .slice(0, MISSED_DATES_LISTED)
        .map((m) => m.found_date)
        .reverse()
        .join('、');
      const more = missed.length > MISSED_DATES_LISTED ? '等' : '';
      flags.push({
        code: 'priorMissed',
        message: `服务器台账中该当事人同一事项在回溯期内已有记录（${dates}${more}），现场核查未发现`,
      });
    }
  }

  const unreserved = await unreservedNumbers(tx, record, lookups);
  if (unreserved.length > 0) {
    flags.push({
      code: 'numberNotReserved',
      message: `文书编号不在本设备预留的号段内：${unreserved.join('、')}`,
    });
  }
  return flags;
}

/**
 * A record found earlier but synced later may be the prior that an already stored first-offence
 * record should have seen; flag those so the supervisor looks again.
 */
async function flagLaterRecords(tx: Tx, record: LockedRecord, catalog: Catalog): Promise<void> {
  const item = catalog.items.find((i) => i.code === record.itemCode);
  if (!item || record.partyKeys.length === 0 || record.version > 1) return;
  const date = shanghaiDate(record.foundAt);
  const later = await tx
    .selectFrom('ledger')
    .innerJoin('records', 'records.id', 'ledger.record_id')
    .select(['records.id', 'records.latest_version'])
    .where('ledger.party_key', 'in', record.partyKeys)
    .where('ledger.item_code', '=', record.itemCode)
    .where('ledger.found_date', '>', date)
    .where('ledger.found_date', '<=', lookbackReach(item, date))
    .where('ledger.branch', 'in', ['firstOffence', 'pendingCorrection'])
    .where('records.id', '!=', record.id)
    // Already marked as a repeat: nothing more to say, and nothing to read.
    .where('records.repeat_offence', '=', 0)
    .distinct()
    .execute();
  for (const r of later) {
    const v = await tx
      .selectFrom('record_versions')
      .select(['flags', 'body'])
      .where('record_id', '=', r.id)
      .where('version', '=', r.latest_version)
      .executeTakeFirstOrThrow();
    const body = parseStoredRecord(v.body);
    if (body.firstOffenceCheck.priors.some((p) => p.recordId === record.id)) continue;
    const flags = parseFlags(v.flags);
    if (flags.some((f) => f.code === 'priorMissed')) continue;
    flags.push({
      code: 'priorMissed',
      message: `后同步的记录显示该当事人在 ${date} 已有同一事项记录`,
    });
    await tx
      .updateTable('record_versions')
      .set({ flags: JSON.stringify(flags) })
      .where('record_id', '=', r.id)
      .where('version', '=', r.latest_version)
      .execute();
    await tx
      .updateTable('records')
      .set({ flagged: 1, repeat_offence: 1 })
      .where('id', '=', r.id)
      .execute();
  }
}

/** Non-provisional numbers that are not in any block reserved for the record's device. */
async function unreservedNumbers(
  tx: Tx,
  record: LockedRecord,
  lookups: Lookups,
): Promise<string[]> {
  const numbers = record.documents.filter((d) => !d.provisional && !isProvisionalNumber(d.number));
  if (numbers.length === 0) return [];
  const valid = await lookups.blocks(tx, record.deviceId);
  return numbers.filter((d) => !valid.has(`${d.docType}|${d.number}`)).map((d) => d.number);
}

export async function numberFormat(tx: Db | Tx, bureauId: string, docType: DocType) {
  const row = await tx
    .selectFrom('number_formats')
    .selectAll()
    .where('bureau_id', '=', bureauId)
    .where('doc_type', '=', docType)
    .executeTakeFirst();
  return row
    ? { template: row.template, prefix: row.prefix, word: row.word, width: row.width }
    : { template: DEFAULT_TEMPLATE, prefix: '', word: DEFAULT_TYPE_WORDS[docType], width: 4 };
}

/** Replaces provisional numbers with real ones from the bureau's counter; idempotent per document. */
async function assignProvisionalNumbers(tx: Tx, record: LockedRecord, at: string) {
  const provisional = record.documents.filter(
    (d) => d.provisional || isProvisionalNumber(d.number),
  );
  const out: { documentId: string; docType: DocType; provisional: string; assigned: string }[] = [];
  if (provisional.length === 0) return out;
  const bureau = await tx
    .selectFrom('squads')
    .select('bureau_id')
    .where('id', '=', record.squadId)
    .executeTakeFirstOrThrow();
  for (const d of provisional) {
    const known = await tx
      .selectFrom('provisional_numbers')
      .select('assigned')
      .where('document_id', '=', d.id)
      .executeTakeFirst();
    if (known) {
      out.push({
        documentId: d.id,
        docType: d.docType,
        provisional: d.number,
        assigned: known.assigned,
      });
      continue;
    }
    const year = shanghaiYear(record.completedAt);
    const serial = await takeSerials(tx, bureau.bureau_id, d.docType, year, 1);
    const assigned = formatDocNumber(
      await numberFormat(tx, bureau.bureau_id, d.docType),
      year,
      serial,
    );
    await tx
      .insertInto('provisional_numbers')
      .values({
        record_id: record.id,
        document_id: d.id,
        doc_type: d.docType,
        provisional: d.number,
        assigned,
        assigned_at: at,
      })
      .execute();
    out.push({ documentId: d.id, docType: d.docType, provisional: d.number, assigned });
  }
  return out;
}

/** Takes `count` consecutive serials from the bureau's counter for a type and year. */
export async function takeSerials(
  tx: Tx,
  bureauId: string,
  docType: string,
  year: number,
  count: number,
): Promise<number> {
  return nextCounter(tx, `number:${bureauId}:${docType}:${year}`, count);
}

const numberFormatSchema = z.object({
  template: z.string(),
  prefix: z.string(),
  word: z.string(),
  width: z.number().int(),
});
