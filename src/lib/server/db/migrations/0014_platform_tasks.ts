import type { Kysely } from 'kysely';
import type { Dialect } from '../db';

/**
 * Tasks from the city platform (issue 19): the systems allowed to send them, each with its own
 * API key (only its SHA-256 is kept), and the tasks, unique per system and case id, with their
 * photos in the evidence store; who they are dispatched to, and how they ended (a record, or
 * closed as unfounded with the reason).
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('api_systems')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('bureau_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('system_id', 'text', (c) => c.notNull())
    .addColumn('bureau_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('latitude', 'double precision')
    .addColumn('longitude', 'double precision')
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('suspected_item', 'text')
    .addColumn('reported_at', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('squad_id', 'text')
    .addColumn('officer1_id', 'text')
    .addColumn('officer2_id', 'text')
    .addColumn('assigned_at', 'text')
    .addColumn('assigned_by', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('closed_by', 'text')
    .addColumn('close_reason', 'text')
    .addColumn('record_id', 'text')
    .addUniqueConstraint('tasks_system_case', ['system_id', 'case_id'])
    .execute();
  await db.schema.createIndex('tasks_state_due').on('tasks').columns(['state', 'due_at']).execute();
  await db.schema
    .createTable('task_photos')
    .addColumn('task_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('task_photos_pk', ['task_id', 'position'])
    .execute();
}
