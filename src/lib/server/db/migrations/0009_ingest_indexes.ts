import type { Kysely } from 'kysely';
import type { Dialect } from '../db';

/**
 * The evidence an earlier version of a record named, looked up by record during every push
 * (`checkBlobs`): the primary key of blob_refs leads with the file's hash, so that lookup read the
 * whole table and a push slowed as the table grew (10 ms per push of 100 at 10,000 records).
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.createIndex('blob_refs_record').on('blob_refs').column('record_id').execute();
}
