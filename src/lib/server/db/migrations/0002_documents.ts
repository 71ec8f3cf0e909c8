import type { Kysely } from 'kysely';
import type { Dialect } from '../db';

/** Issued documents by their verification id, for /v/[id] and supervisor downloads. */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('documents')
    .addColumn('doc_id', 'text', (c) => c.primaryKey())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('doc_type', 'text', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('first_version', 'integer', (c) => c.notNull())
    .addColumn('provisional', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('documents_record').on('documents').column('record_id').execute();
}
