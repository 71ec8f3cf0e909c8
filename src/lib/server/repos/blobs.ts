import type { Db } from '../db/db';

/** Size and sniffed type of a stored evidence file, or undefined when the server lacks it. */
export function blobMeta(db: Db, sha256: string) {
  return db
    .selectFrom('blobs')
    .select(['size', 'mime'])
    .where('sha256', '=', sha256)
    .executeTakeFirst();
}
