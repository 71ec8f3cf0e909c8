import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  sql,
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
import type { Database } from './schema';
import { SplitSqliteDialect } from './sqlite-driver';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

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
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  mkdirSync(options.dataDir, { recursive: true });
  const path = join(options.dataDir, 'patrolbook.sqlite');
  const file = new SQLite(path);
  file.pragma('journal_mode = WAL');
  file.pragma('synchronous = NORMAL');
  file.pragma('foreign_keys = ON');
  file.pragma('busy_timeout = 5000');
  // Reads outside a transaction never wait behind a push (see sqlite-driver.ts).
  const reader = new SQLite(path, { readonly: true });
  reader.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({
    dialect: new SplitSqliteDialect(withStatementCache(file), withStatementCache(reader)),
  });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/**
 * Kysely prepares every query anew; better-sqlite3 statements can be reused. The queries of this
 * app come from a few hundred shapes, so a bounded cache keyed by SQL text removes most of the
 * preparation cost. Safe because Kysely runs one statement at a time on this connection.
 */
function withStatementCache(file: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  return new Proxy(file, {
    get(target, prop, receiver) {
      if (prop === 'prepare') {
        return (sql: string) => {
          let stmt = cache.get(sql);
          if (!stmt) {
            stmt = target.prepare(sql);
            if (cache.size >= 1000) cache.delete(cache.keys().next().value as string);
            cache.set(sql, stmt);
          }
          return stmt;
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
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
