import { createHash, randomBytes } from 'node:crypto';
import { canonicalJson } from '$lib/domain/integrity';
import { shanghaiDate } from '$lib/domain/time';
import { uuidv7 } from '$lib/domain/uuid';
import { TASK_PHOTO_BYTES_MAX } from '$lib/domain/tasks';
import type { PlatformTask, PlatformTaskRequest, WireIssue } from '$lib/sync/contract';
import type { AppContext } from '../app';
import { sniffMime } from '../blobs/store';
import type { Db } from '../db/db';
import { HttpError } from '../http';
import { audit } from '../repos/audit';
import { catalogInForceOn } from '../repos/catalogs';

/**
 * Tasks from the city platform (issue 19). A system authenticates with its own API key (only the
 * key's SHA-256 is stored, so the key is shown once, when it is made); a task is idempotent on
 * the system's case id: the same content again is a duplicate, other content under the same id a
 * conflict. Everything is checked before anything is stored.
 */

export type ApiSystem = { id: string; bureauId: string; name: string };

const keyHash = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

/** A new system and its key (`pbk_` and 43 characters), which is not kept anywhere. */
export async function createApiSystem(
  db: Db,
  input: { bureauId: string; name: string; createdBy: string | null; key?: string },
): Promise<{ id: string; key: string }> {
  const key = input.key ?? `pbk_${randomBytes(32).toString('base64url')}`;
  const id = uuidv7();
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('api_systems')
      .values({
        id,
        bureau_id: input.bureauId,
        name: input.name,
        key_hash: keyHash(key),
        created_at: new Date().toISOString(),
        created_by: input.createdBy,
        revoked_at: null,
      })
      .execute();
    await audit(tx, {
      userId: input.createdBy,
      action: 'apiSystem.create',
      target: id,
      detail: { name: input.name },
    });
  });
  return { id, key };
}

/**
 * The external systems, newest first, with their tasks received, where their results go, and
 * how many results are still owed to them (for the administrator).
 */
export async function apiSystems(db: Db) {
  const rows = await db
    .selectFrom('api_systems')
    .select((eb) => [
      'api_systems.id',
      'api_systems.name',
      'api_systems.created_at',
      'api_systems.revoked_at',
      'api_systems.webhook_url',
      eb
        .selectFrom('tasks')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('tasks.system_id', '=', 'api_systems.id')
        .as('tasks'),
      eb
        .selectFrom('task_results')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('task_results.system_id', '=', 'api_systems.id')
        .where('task_results.delivered_at', 'is', null)
        .as('owed'),
    ])
    .orderBy('api_systems.created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    webhookUrl: r.webhook_url,
    tasks: Number(r.tasks ?? 0),
    resultsOwed: Number(r.owed ?? 0),
  }));
}

/** Revokes a system's key at once (its tasks stay); false when it was revoked already. */
export async function revokeApiSystem(
  db: Db,
  id: string,
  by: { adminId: string; ip: string | null },
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const r = await tx
      .updateTable('api_systems')
      .set({ revoked_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    await audit(tx, { userId: by.adminId, action: 'apiSystem.revoke', target: id, ip: by.ip });
    return true;
  });
}

/** The system a bearer key belongs to, if the key is known and not revoked. */
export async function systemForKey(db: Db, key: string): Promise<ApiSystem | null> {
  if (!/^pbk_[A-Za-z0-9_-]{16,100}$/.test(key)) return null;
  const row = await db
    .selectFrom('api_systems')
    .select(['id', 'bureau_id', 'name'])
    .where('key_hash', '=', keyHash(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row ? { id: row.id, bureauId: row.bureau_id, name: row.name } : null;
}

type Photo = { bytes: Uint8Array; sha256: string; mime: string };

/** The photos decoded and checked: what they claim to be, within the size limit. */
function photosOf(body: PlatformTaskRequest): Photo[] {
  const issues: WireIssue[] = [];
  const photos = body.photos.map((p, i) => {
    const bytes = new Uint8Array(Buffer.from(p.base64, 'base64'));
    const actual = sniffMime(bytes.subarray(0, 64));
    if (bytes.length === 0 || bytes.length > TASK_PHOTO_BYTES_MAX)
      issues.push({ path: ['photos', i], message: '照片为空或超过 3 MB 的上限' });
    else if (actual !== p.mime)
      issues.push({ path: ['photos', i, 'mime'], message: `照片内容不是 ${p.mime}` });
    return { bytes, sha256: createHash('sha256').update(bytes).digest('hex'), mime: p.mime };
  });
  if (issues.length) throw new HttpError(400, 'invalid', '任务格式不正确', issues);
  return photos;
}

/**
 * A task received: checked (item in the catalog in force, photos), its photos stored, then the
 * task, its photos' rows and the audit entry in one transaction. A second request with the same
 * case id answers the stored task (`duplicate`) if its content is the same, 409 otherwise.
 */
export async function receiveTask(
  ctx: AppContext,
  system: ApiSystem,
  body: PlatformTaskRequest,
  now = new Date(),
): Promise<{ task: PlatformTask; duplicate: boolean }> {
  const { db } = ctx;
  const photos = photosOf(body);
  const contentHash = createHash('sha256')
    .update(
      canonicalJson({
        ...body,
        photos: photos.map((p) => ({ mime: p.mime, sha256: p.sha256 })),
      }),
    )
    .digest('hex');
  const earlier = await existing(db, system, body.caseId, contentHash);
  if (earlier) return earlier;
  if (body.suspectedItemCode) {
    const catalog = await catalogInForceOn(db, shanghaiDate(now.toISOString()));
    if (!catalog?.items.some((i) => i.code === body.suspectedItemCode))
      throw new HttpError(400, 'invalid', '任务格式不正确', [
        { path: ['suspectedItemCode'], message: '现行清单中没有该事项' },
      ]);
  }
  for (const p of photos) {
    const put = await ctx.blobs.put(p.sha256, p.bytes, {
      maxBytes: TASK_PHOTO_BYTES_MAX,
      accept: () => true,
    });
    if (!put.ok) throw new Error(`task photo not stored: ${put.reason}`);
  }
  const id = uuidv7(now.getTime());
  const inserted = await db.transaction().execute(async (tx) => {
    const r = await tx
      .insertInto('tasks')
      .values({
        id,
        system_id: system.id,
        bureau_id: system.bureauId,
        case_id: body.caseId,
        source: body.source,
        state: 'received',
        address: body.place.address,
        latitude: body.place.latitude ?? null,
        longitude: body.place.longitude ?? null,
        description: body.description,
        suspected_item: body.suspectedItemCode ?? null,
        reported_at: body.reportedAt ?? null,
        received_at: now.toISOString(),
        due_at: new Date(body.dueAt).toISOString(),
        content_hash: contentHash,
      })
      .onConflict((oc) => oc.columns(['system_id', 'case_id']).doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
    if (photos.length)
      await tx
        .insertInto('task_photos')
        .values(
          photos.map((p, i) => ({
            task_id: id,
            position: i,
            sha256: p.sha256,
            mime: p.mime,
            size: p.bytes.length,
          })),
        )
        .execute();
    await audit(tx, {
      userId: null,
      action: 'task.create',
      target: id,
      detail: { systemId: system.id, caseId: body.caseId, source: body.source },
    });
    return true;
  });
  // Another request with this case id was stored first (a retry racing the original).
  if (!inserted) {
    const raced = await existing(db, system, body.caseId, contentHash);
    if (raced) return raced;
    throw new Error('task vanished after a conflict');
  }
  const task = await taskByCase(db, system.id, body.caseId);
  if (!task) throw new Error('task not found after insert');
  return { task, duplicate: false };
}

async function existing(
  db: Db,
  system: ApiSystem,
  caseId: string,
  contentHash: string,
): Promise<{ task: PlatformTask; duplicate: true } | null> {
  const row = await db
    .selectFrom('tasks')
    .select('content_hash')
    .where('system_id', '=', system.id)
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  if (!row) return null;
  if (row.content_hash !== contentHash)
    throw new HttpError(
      409,
      'caseIdConflict',
      `案件编号 ${caseId} 已用于内容不同的任务；同一编号重发时内容须与首次一致`,
    );
  const task = await taskByCase(db, system.id, caseId);
  return task ? { task, duplicate: true } : null;
}

/** A system's task by its case id (another system's tasks are not found). */
export async function taskByCase(
  db: Db,
  systemId: string,
  caseId: string,
): Promise<PlatformTask | null> {
  const row = await db
    .selectFrom('tasks')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  if (!row) return null;
  const photos = await db
    .selectFrom('task_photos')
    .select(['sha256', 'mime', 'size'])
    .where('task_id', '=', row.id)
    .orderBy('position')
    .execute();
  return {
    id: row.id,
    caseId: row.case_id,
    source: row.source,
    state: row.state,
    place: {
      address: row.address,
      latitude: row.latitude === null ? null : Number(row.latitude),
      longitude: row.longitude === null ? null : Number(row.longitude),
    },
    description: row.description,
    suspectedItemCode: row.suspected_item,
    photos: photos.map((p) => ({ sha256: p.sha256, mime: p.mime, size: Number(p.size) })),
    reportedAt: row.reported_at,
    receivedAt: row.received_at,
    dueAt: row.due_at,
  };
}

/** The system a request's `Authorization: Bearer` key names; 401 without a valid one. */
export async function requireSystem(db: Db, request: Request): Promise<ApiSystem> {
  const header = request.headers.get('authorization') ?? '';
  const key = /^Bearer (\S+)$/.exec(header)?.[1];
  const system = key ? await systemForKey(db, key) : null;
  if (!system)
    throw new HttpError(401, 'badApiKey', '平台接口密钥缺失、无效或已停用', undefined, {
      'www-authenticate': 'Bearer realm="patrolbook"',
    });
  return system;
}

/**
 * A photo of one of the system's tasks, by its case id and hash: one the platform sent, or the
 * one attached when the task was closed as unfounded (the result names it). Another system's
 * task, or a hash the task does not name, is not found.
 */
export async function systemTaskPhoto(
  db: Db,
  systemId: string,
  caseId: string,
  sha256: string,
): Promise<{ sha256: string; mime: string } | null> {
  const task = await db
    .selectFrom('tasks')
    .select(['id', 'close_photo', 'close_photo_mime'])
    .where('system_id', '=', systemId)
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  if (!task) return null;
  if (task.close_photo === sha256 && task.close_photo_mime)
    return { sha256, mime: task.close_photo_mime };
  const sent = await db
    .selectFrom('task_photos')
    .select('mime')
    .where('task_id', '=', task.id)
    .where('sha256', '=', sha256)
    .executeTakeFirst();
  return sent ? { sha256, mime: sent.mime } : null;
}
