import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db';

/**
 * PostgreSQL compresses a record version's body (about 5 KB of JSON, much of it Chinese) before
 * storing it, with pglz unless told otherwise. In a perf profile of PostgreSQL during an 8-device
 * push, pglz_compress was 8 % of the backends' CPU; inserting 20,000 such bodies took 1.2–1.5 s
 * with pglz and 0.55 s with lz4 (bodies 4 % larger: 2.78 against 2.66 KB stored). New bodies are
 * now compressed with lz4; bodies already stored stay as they are and read as before
 * (PostgreSQL records each value's method). A server built without lz4, or older than 14, keeps
 * pglz: the setting changes only speed, never what is stored or read. SQLite stores the body
 * uncompressed and has no such setting.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`
    do $$
    begin
      execute 'alter table record_versions alter column body set compression lz4';
    exception when feature_not_supported or syntax_error then
      raise notice 'record_versions.body keeps pglz: %', sqlerrm;
    end
    $$`.execute(db);
}
