import type { Kysely } from 'kysely';
import type { Dialect } from '../db';

/**
 * Every record version a phone (or an import) sent that the server refused or found in conflict:
 * the payload as received, why, from which device and user. Nothing a phone sent is dropped; an
 * administrator sees, exports and resolves these, and an amendment that replaces one links to it.
 * The documents such a version carried stay findable by their verification id.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('quarantine')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('payload_hash', 'text', (c) => c.notNull().unique())
    .addColumn('record_id', 'text')
    .addColumn('version', 'integer')
    .addColumn('content_hash', 'text')
    .addColumn('squad_id', 'text')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('code', 'text')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('issues', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('resolution', 'text')
    .addColumn('resolved_at', 'text')
    .addColumn('resolved_by', 'text')
    .addColumn('resolution_note', 'text')
    .addColumn('superseded_by_version', 'integer')
    .execute();
  await db.schema
    .createIndex('quarantine_record')
    .on('quarantine')
    .columns(['record_id', 'version'])
    .execute();
  await db.schema
    .createIndex('quarantine_open')
    .on('quarantine')
    .columns(['resolution', 'received_at'])
    .execute();
  await db.schema
    .createTable('quarantine_documents')
    .addColumn('doc_id', 'text', (c) => c.notNull())
    .addColumn('quarantine_id', 'text', (c) => c.notNull())
    .addColumn('doc_type', 'text', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('quarantine_documents_pk', ['doc_id', 'quarantine_id'])
    .execute();
}
