import type { Kysely } from 'kysely';
import type { Dialect } from '../db';

/**
 * Login throttling by (account, address) pair: attempts remember the device they came from and
 * whether they were refused unheard (refused attempts count too, so keeping a pair locked costs
 * the one who tries).
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('login_attempts').addColumn('device_id', 'text').execute();
  await db.schema
    .alterTable('login_attempts')
    .addColumn('refused', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('login_attempts_pair')
    .on('login_attempts')
    .columns(['username', 'ip', 'at'])
    .execute();
}
