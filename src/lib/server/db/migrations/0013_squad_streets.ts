import type { Kysely } from 'kysely';
import type { Dialect } from '../db';

/**
 * A squad's street names (`domain/streets.ts`), as the JSON list the administrator saves whole:
 * read with the squad, carried to its phones with the roster, never queried by name.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .alterTable('squads')
    .addColumn('streets', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
}
