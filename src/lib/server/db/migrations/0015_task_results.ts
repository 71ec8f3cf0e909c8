import type { Kysely } from 'kysely';
import type { Dialect } from '../db';

/**
 * Results back to the city platform (issue 19): each system's webhook (where results are posted
 * and the secret they are signed with), the outbox of results (one row per closed task, its body
 * fixed when it is made, delivered by webhook or acknowledged by the platform's pull cursor), and
 * the photo a supervisor closing a task as unfounded attaches.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('api_systems').addColumn('webhook_url', 'text').execute();
  await db.schema.alterTable('api_systems').addColumn('webhook_secret', 'text').execute();
  await db.schema.alterTable('tasks').addColumn('close_photo', 'text').execute();
  await db.schema.alterTable('tasks').addColumn('close_photo_mime', 'text').execute();
  await db.schema
    .createTable('task_results')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('system_id', 'text', (c) => c.notNull())
    .addColumn('task_id', 'text', (c) => c.notNull().unique())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('last_attempt_at', 'text')
    .addColumn('delivered_at', 'text')
    .addColumn('delivered_via', 'text')
    .execute();
  await db.schema
    .createIndex('task_results_due')
    .on('task_results')
    .columns(['delivered_at', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('task_results_system_seq')
    .on('task_results')
    .columns(['system_id', 'seq'])
    .execute();
}
