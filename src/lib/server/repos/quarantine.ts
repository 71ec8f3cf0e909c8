import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type Issue } from '$lib/domain/issues';
import {
  attestedContent,
  signatureHashes,
  storedRecordSchema,
  type PreviousVersion,
} from '$lib/domain/record';
import { canonicalJson, SHA256_HEX } from '$lib/domain/integrity';
import { UUID, uuidv7 } from '$lib/domain/uuid';
import { issueSchema, type PushResult, type WireIssue } from '$lib/sync/contract';
import type { Db, Tx } from '../db/db';

/**
 * The quarantine: every record version the server refused or found in conflict, kept as it
 * arrived. Nothing a phone sent is dropped. An amendment may name a quarantined version as the one
 * it replaces (the officer fixed what the server refused); the chain then passes through it and
 * the quarantined version is marked superseded, its documents still verifiable.
 */

export type Refusal = Extract<PushResult, { status: 'rejected' | 'conflict' | 'error' }>;

/** The little a quarantined body must have to stand in a version chain. */
const chainLinkSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    contentHash: z.string().regex(SHA256_HEX),
    previousVersionHash: z.string().nullable(),
    evidence: z.array(z.object({ sha256: z.string() }).loose()).default([]),
    documents: z
      .array(z.object({ id: z.string(), docType: z.string(), number: z.string() }).loose())
      .default([]),
    signatures: z.unknown(),
  })
  .loose();

const asText = (v: unknown, max: number, pattern?: RegExp) =>
  typeof v === 'string' && v.length <= max && (!pattern || pattern.test(v)) ? v : null;

/**
 * Keeps refused versions (in the push's own transaction). A payload seen before (the same bytes
 * sent again) is counted, not stored twice.
 */
export async function quarantine(
  tx: Tx,
  refused: { item: unknown; result: Refusal }[],
  context: { deviceId: string; userId: string | null; at: string },
): Promise<void> {
  for (const { item, result } of refused) {
    const payload = JSON.stringify(item) ?? 'null';
    const payloadHash = createHash('sha256').update(payload).digest('hex');
    const body = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
    const link = chainLinkSchema.safeParse(item);
    const id = uuidv7(Date.parse(context.at));
    const inserted = await tx
      .insertInto('quarantine')
      .values({
        id,
        payload_hash: payloadHash,
        record_id: asText(body.id, 64, UUID),
        version:
          typeof body.version === 'number' && Number.isInteger(body.version) ? body.version : null,
        content_hash: asText(body.contentHash, 64, SHA256_HEX),
        squad_id: asText(body.squadId, 64),
        device_id: context.deviceId,
        user_id: context.userId,
        status: result.status,
        code: result.code ?? null,
        message: result.message,
        issues: JSON.stringify(result.status === 'rejected' ? result.issues : []),
        payload,
        received_at: context.at,
        last_seen_at: context.at,
        attempts: 1,
        resolution: null,
        resolved_at: null,
        resolved_by: null,
        resolution_note: null,
        superseded_by_version: null,
      })
      .onConflict((oc) =>
        oc.column('payload_hash').doUpdateSet((eb) => ({
          attempts: eb('quarantine.attempts', '+', 1),
          last_seen_at: context.at,
        })),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    if (inserted.id !== id || !link.success || link.data.documents.length === 0) continue;
    await tx
      .insertInto('quarantine_documents')
      .values(
        link.data.documents
          .filter((d) => UUID.test(d.id))
          .slice(0, 20)
          .map((d) => ({
            doc_id: d.id,
            quarantine_id: id,
            doc_type: d.docType.slice(0, 40),
            number: d.number.slice(0, 100),
          })),
      )
      .onConflict((oc) => oc.columns(['doc_id', 'quarantine_id']).doNothing())
      .execute();
  }
}

/**
 * The quarantined versions between a new version and the newest one the server stored, if the
 * new version's chain runs through them: each sent by the same user or device, each naming the
 * hash of the one before. Returns the version it directly replaces, as the amendment rules see it.
 */
export async function quarantinedChain(
  tx: Tx,
  record: { id: string; version: number; previousVersionHash: string | null; deviceId: string },
  stored: { version: number; content_hash: string } | null,
  sender: string | null,
): Promise<{ previous: PreviousVersion; ids: string[] } | null> {
  const ids: string[] = [];
  let previous: PreviousVersion | null = null;
  let version = record.version - 1;
  let hash = record.previousVersionHash;
  while (version > (stored?.version ?? 0)) {
    if (hash === null) return null;
    const rows = await tx
      .selectFrom('quarantine')
      .select(['id', 'payload', 'device_id', 'user_id'])
      .where('record_id', '=', record.id)
      .where('version', '=', version)
      .where('content_hash', '=', hash)
      .execute();
    const row = rows.find(
      (r) => sender === null || r.user_id === sender || r.device_id === record.deviceId,
    );
    if (!row) return null;
    const link = chainLinkSchema.safeParse(JSON.parse(row.payload));
    if (!link.success) return null;
    if (previous === null) {
      const full = storedRecordSchema.safeParse(link.data);
      previous = {
        version,
        contentHash: link.data.contentHash,
        evidence: link.data.evidence.map((e) => e.sha256),
        documents: link.data.documents.map((d) => d.id),
        officers: full.success ? canonicalJson(full.data.officers) : null,
        signatures: signatureHashes(link.data.signatures),
        attested: full.success ? attestedContent(full.data) : null,
      };
    }
    ids.push(row.id);
    hash = link.data.previousVersionHash;
    version--;
  }
  if ((stored?.content_hash ?? null) !== hash || previous === null) return null;
  return { previous, ids };
}

/**
 * Versions the server failed on before and stored in this push: their open `error` entries are
 * done with. One indexed read per push (usually finding nothing), not one write per record.
 */
export async function storedAfterError(
  tx: Tx,
  stored: { id: string; version: number; contentHash: string }[],
  at: string,
) {
  if (stored.length === 0) return;
  const open = await tx
    .selectFrom('quarantine')
    .select(['id', 'record_id', 'version', 'content_hash'])
    .where(
      'record_id',
      'in',
      stored.map((r) => r.id),
    )
    .where('status', '=', 'error')
    .where('resolution', 'is', null)
    .execute();
  const keys = new Set(stored.map((r) => `${r.id}|${r.version}|${r.contentHash}`));
  const done = open
    .filter((q) => keys.has(`${q.record_id}|${q.version}|${q.content_hash}`))
    .map((q) => q.id);
  if (done.length === 0) return;
  await tx
    .updateTable('quarantine')
    .set({ resolution: 'resolved', resolved_at: at, resolution_note: '重试后已受理' })
    .where('id', 'in', done)
    .execute();
}

export async function supersede(tx: Tx, ids: string[], version: number, at: string) {
  if (ids.length === 0) return;
  await tx
    .updateTable('quarantine')
    .set({ resolution: 'superseded', resolved_at: at, superseded_by_version: version })
    .where('id', 'in', ids)
    .execute();
}

// ---------------------------------------------------------------- console

const issuesSchema = z.array(issueSchema);

export type QuarantineRow = {
  id: string;
  recordId: string | null;
  version: number | null;
  squadId: string | null;
  deviceId: string;
  userId: string | null;
  userName: string | null;
  status: 'rejected' | 'conflict' | 'error';
  code: string | null;
  message: string;
  issues: WireIssue[];
  receivedAt: string;
  lastSeenAt: string;
  attempts: number;
  resolution: 'superseded' | 'resolved' | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolutionNote: string | null;
  supersededByVersion: number | null;
};

function base(db: Db) {
  return db
    .selectFrom('quarantine')
    .leftJoin('users', 'users.id', 'quarantine.user_id')
    .select([
      'quarantine.id',
      'quarantine.record_id',
      'quarantine.version',
      'quarantine.squad_id',
      'quarantine.device_id',
      'quarantine.user_id',
      'users.real_name as user_name',
      'quarantine.status',
      'quarantine.code',
      'quarantine.message',
      'quarantine.issues',
      'quarantine.received_at',
      'quarantine.last_seen_at',
      'quarantine.attempts',
      'quarantine.resolution',
      'quarantine.resolved_at',
      'quarantine.resolved_by',
      'quarantine.resolution_note',
      'quarantine.superseded_by_version',
    ]);
}

type BaseRow = Awaited<ReturnType<ReturnType<typeof base>['executeTakeFirstOrThrow']>>;

function toRow(r: BaseRow): QuarantineRow {
  const issues = issuesSchema.safeParse(JSON.parse(r.issues));
  return {
    id: r.id,
    recordId: r.record_id,
    version: r.version,
    squadId: r.squad_id,
    deviceId: r.device_id,
    userId: r.user_id,
    userName: r.user_name,
    status: r.status,
    code: r.code,
    message: r.message,
    issues: issues.success ? issues.data : [],
    receivedAt: r.received_at,
    lastSeenAt: r.last_seen_at,
    attempts: Number(r.attempts),
    resolution: r.resolution,
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by,
    resolutionNote: r.resolution_note,
    supersededByVersion: r.superseded_by_version,
  };
}

export async function listQuarantine(
  db: Db,
  options: { open: boolean; limit?: number },
): Promise<QuarantineRow[]> {
  let q = base(db)
    .orderBy('quarantine.received_at', 'desc')
    .limit(options.limit ?? 200);
  q = options.open
    ? q.where('quarantine.resolution', 'is', null)
    : q.where('quarantine.resolution', 'is not', null);
  return (await q.execute()).map(toRow);
}

export async function countOpenQuarantine(db: Db): Promise<number> {
  const row = await db
    .selectFrom('quarantine')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('resolution', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function quarantineEntry(
  db: Db,
  id: string,
): Promise<(QuarantineRow & { payload: unknown }) | null> {
  const row = await base(db)
    .select('quarantine.payload')
    .where('quarantine.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  return { ...toRow(row), payload: JSON.parse(row.payload) as unknown };
}

/** Marks an entry handled, with the administrator's note; refuses an entry already closed. */
export async function resolveQuarantine(
  tx: Tx,
  id: string,
  by: string,
  note: string,
  at: string,
): Promise<boolean> {
  const updated = await tx
    .updateTable('quarantine')
    .set({ resolution: 'resolved', resolved_at: at, resolved_by: by, resolution_note: note })
    .where('id', '=', id)
    .where('resolution', 'is', null)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** Where a verification id was printed from versions the server did not accept. */
export async function quarantinedDocument(db: Db, docId: string) {
  return base(db)
    .innerJoin('quarantine_documents', 'quarantine_documents.quarantine_id', 'quarantine.id')
    .select(['quarantine.payload', 'quarantine_documents.doc_type', 'quarantine_documents.number'])
    .where('quarantine_documents.doc_id', '=', docId)
    .orderBy('quarantine.received_at', 'desc')
    .execute();
}

export type { Issue };
