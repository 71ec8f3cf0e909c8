import type { Db } from '../db/db';

/** Size and sniffed type of a stored evidence file, or undefined when the server lacks it. */
export function blobMeta(db: Db, sha256: string) {
  return db
    .selectFrom('blobs')
    .select(['size', 'mime'])
    .where('sha256', '=', sha256)
    .executeTakeFirst();
}

/**
 * Records a file stored in the content-addressed store: its metadata once (the first upload
 * wins), and that this user holds it (an uploader may reference it in records). True when the
 * metadata row is new. The one place blob rows are written: upload, import and demo seed.
 */
export async function recordBlob(
  db: Db,
  blob: { sha256: string; size: number; mime: string; userId: string },
): Promise<boolean> {
  const inserted = await db
    .insertInto('blobs')
    .values({
      sha256: blob.sha256,
      size: blob.size,
      mime: blob.mime,
      created_at: new Date().toISOString(),
      uploaded_by: blob.userId,
    })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .executeTakeFirst();
  await db
    .insertInto('blob_uploads')
    .values({ sha256: blob.sha256, user_id: blob.userId })
    .onConflict((oc) => oc.columns(['sha256', 'user_id']).doNothing())
    .execute();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Stored sizes of files by hash (those the store holds). */
export async function blobSizes(db: Db, hashes: string[]): Promise<Map<string, number>> {
  if (hashes.length === 0) return new Map();
  const rows = await db
    .selectFrom('blobs')
    .select(['sha256', 'size'])
    .where('sha256', 'in', hashes)
    .execute();
  return new Map(rows.map((r) => [r.sha256, r.size]));
}
