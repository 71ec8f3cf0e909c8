import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { namingPool } from './pg-prepared';
import {
  Kysely,
  Migrator,
  sql,
  PostgresAdapter,
  PostgresDialect,
  type Migration,
  type MigrationProvider,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import * as m0001 from './migrations/0001_initial';
import * as m0002 from './migrations/0002_documents';
import * as m0003 from './migrations/0003_record_facts';
import * as m0004 from './migrations/0004_quarantine';
import * as m0005 from './migrations/0005_secrets';
import * as m0006 from './migrations/0006_login_attempts';
import * as m0007 from './migrations/0007_party_masked';
import * as m0008 from './migrations/0008_confirmations';
import * as m0009 from './migrations/0009_ingest_indexes';
import * as m0010 from './migrations/0010_device_wipes';
import * as m0011 from './migrations/0011_device_keys';
import * as m0012 from './migrations/0012_ledger_former';
import * as m0013 from './migrations/0013_squad_streets';
import * as m0014 from './migrations/0014_platform_tasks';
import * as m0015 from './migrations/0015_task_results';
import * as m0016 from './migrations/0016_spot_checks';
import * as m0017 from './migrations/0017_body_lz4';
import type { Database } from './schema';
import { startCheckpointer, WAL_BACKSTOP_PAGES } from './checkpointer';
import { SplitSqliteDialect } from './sqlite-driver';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

/** Which database a handle or transaction talks to. */
export function dialectOf(db: Db | Tx): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

export type DbHandle = {
  db: Db;
  dialect: Dialect;
  close: () => Promise<void>;
};

/** Versioned migrations, applied in name order at start-up on either database. */
const MIGRATIONS: Record<string, { up: (db: Kysely<unknown>, dialect: Dialect) => Promise<void> }> =
  {
    '0001_initial': m0001,
    '0002_documents': m0002,
    '0003_record_facts': m0003,
    '0004_quarantine': m0004,
    '0005_secrets': m0005,
    '0006_login_attempts': m0006,
    '0007_party_masked': m0007,
    '0008_confirmations': m0008,
    '0009_ingest_indexes': m0009,
    '0010_device_wipes': m0010,
    '0011_device_keys': m0011,
    '0012_ledger_former': m0012,
    '0013_squad_streets': m0013,
    '0014_platform_tasks': m0014,
    '0015_task_results': m0015,
    '0016_spot_checks': m0016,
    '0017_body_lz4': m0017,
  };

class Provider implements MigrationProvider {
  constructor(private dialect: Dialect) {}
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(
      Object.fromEntries(
        Object.entries(MIGRATIONS).map(([name, m]) => [
          name,
          { up: (db: Kysely<unknown>) => m.up(db, this.dialect) },
        ]),
      ),
    );
  }
}

export function openDb(options: { dataDir: string; databaseUrl: string | null }): DbHandle {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // Errors on idle clients (a restarted database) must not crash the process.
    pool.on('error', (err) => console.error(`postgres pool error: ${err.message}`));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: namingPool(pool) }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  mkdirSync(options.dataDir, { recursive: true });
  const path = join(options.dataDir, 'patrolbook.sqlite');
  const file = new SQLite(path);
  file.pragma('journal_mode = WAL');
  file.pragma('synchronous = NORMAL');
  file.pragma('foreign_keys = ON');
  file.pragma('busy_timeout = 5000');
  file.pragma(`wal_autocheckpoint = ${WAL_BACKSTOP_PAGES}`);
  // 64 MB of page cache for the writer (SQLite's default is 2 MB): every push touches index pages
  // spread over the whole ledger, records and evidence tables; with 2 MB they were read again
  // from the file, and the tenth 10,000 records of an ingest went 38 % slower than the first
  // (5 % with 64 MB).
  file.pragma('cache_size = -65536');
  // Reads outside a transaction never wait behind a push (see sqlite-driver.ts).
  const reader = new SQLite(path, { readonly: true });
  reader.pragma('busy_timeout = 5000');
  const checkpointer = startCheckpointer(path);
  const db = new Kysely<Database>({
    dialect: new SplitSqliteDialect(file, reader, checkpointer.committed),
  });
  return {
    db,
    dialect: 'sqlite',
    close: async () => {
      await checkpointer.stop();
      await db.destroy();
    },
  };
}

export async function migrate(handle: DbHandle): Promise<string[]> {
  const migrator = new Migrator({ db: handle.db, provider: new Provider(handle.dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error)
    throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Takes `count` values from a named database counter and returns the first. On PostgreSQL the
 * UPDATE holds the row lock until the transaction commits, so values are handed out in commit
 * order: a reader that has seen value N has seen every change numbered below N.
 */
export async function nextCounter(tx: Tx, name: string, count = 1): Promise<number> {
  await tx
    .insertInto('counters')
    .values({ name, value: 0 })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await tx
    .updateTable('counters')
    .set((eb) => ({ value: eb('value', '+', count) }))
    .where('name', '=', name)
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value) - count + 1;
}

/** True when the database answers a trivial query. */
export async function databaseAnswers(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
