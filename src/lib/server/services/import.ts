import { createHash } from 'node:crypto';
import { lockedRecordSchema } from '$lib/domain/record';
import { exportFileSchema, type PushResult } from '$lib/sync/contract';
import type { AppContext } from '../app';
import type { SessionUser } from '../auth/types';
import { ALLOWED_BLOB_MIME, sniffMime } from '../blobs/store';
import { audit } from '../repos/audit';
import { recordBlob } from '../repos/blobs';
import { ingestRecords } from './ingest';

/**
 * Imports a phone's "export unsynced records" file through the same ingest path as a push, so a
 * second import of the same file only finds duplicates. A supervisor may import records of the
 * squads they supervise; an administrator any.
 */
export async function importExport(
  ctx: AppContext,
  user: SessionUser,
  data: unknown,
  options: { ip: string | null },
): Promise<
  | { ok: false; error: string }
  | {
      ok: true;
      summary: {
        total: number;
        accepted: number;
        duplicate: number;
        failed: number;
        blobsStored: number;
      };
      results: PushResult[];
    }
> {
  const parsed = exportFileSchema.safeParse(data);
  if (!parsed.success)
    return { ok: false, error: '文件格式不正确（应为手机“导出未同步记录”生成的文件）' };
  const file = parsed.data;

  let blobsStored = 0;
  for (const b of file.blobs) {
    const bytes = new Uint8Array(Buffer.from(b.base64, 'base64'));
    if (createHash('sha256').update(bytes).digest('hex') !== b.sha256) continue; // damaged: the record will report missing evidence
    let mime: string | null = null;
    const put = await ctx.blobs.put(b.sha256, bytes, {
      maxBytes: ctx.config.maxBlobBytes,
      accept: (head) => {
        mime = sniffMime(head);
        return mime !== null && ALLOWED_BLOB_MIME.includes(mime);
      },
    });
    if (!put.ok) continue;
    // The file came with the import: the importer has the bytes, as an uploader does.
    const added = await recordBlob(ctx.db, {
      sha256: b.sha256,
      size: put.size,
      mime: mime ?? b.mime,
      userId: user.id,
    });
    if (added) blobsStored++;
  }

  const allowed: unknown[] = [];
  const refused: PushResult[] = [];
  for (const raw of file.records) {
    const r = lockedRecordSchema.safeParse(raw);
    if (
      r.success &&
      user.role === 'supervisor' &&
      !user.supervisedSquadIds.includes(r.data.squadId)
    ) {
      refused.push({
        status: 'rejected',
        id: r.data.id,
        version: r.data.version,
        message: '该记录不属于您所辖的中队',
        issues: [],
      });
    } else allowed.push(raw);
  }
  const results = [
    ...(allowed.length
      ? await ingestRecords(ctx.db, allowed, {
          deviceId: file.deviceId,
          pusher: null,
          sender: user.id,
        })
      : []),
    ...refused,
  ];
  const summary = {
    total: results.length,
    accepted: results.filter((r) => r.status === 'accepted').length,
    duplicate: results.filter((r) => r.status === 'duplicate').length,
    failed: results.filter((r) => r.status !== 'accepted' && r.status !== 'duplicate').length,
    blobsStored,
  };
  await audit(ctx.db, {
    userId: user.id,
    action: 'import',
    target: file.deviceId,
    detail: { ...summary, officer: file.officer.name },
    ip: options.ip,
  });
  return { ok: true, summary, results };
}
