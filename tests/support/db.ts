import Database from 'better-sqlite3';
import { join } from 'node:path';
import pg from 'pg';
import type { TestServer } from './server';

const TABLES = [
  'users',
  'sessions',
  'devices',
  'blobs',
  'blob_uploads',
  'records',
  'record_versions',
  'blob_refs',
  'ledger',
  'reviews',
  'changes',
  'number_blocks',
  'provisional_numbers',
  'catalog_versions',
  'counters',
  'documents',
] as const;

/** Row counts of every table that a request could change, read straight from the database. */
export async function rowCounts(server: TestServer): Promise<Record<string, number>> {
  return query(server, async (run) => {
    const out: Record<string, number> = {};
    for (const t of TABLES)
      out[t] = Number((await run(`select count(*) as n from ${t}`))[0]?.n ?? 0);
    const counter = await run(`select coalesce(sum(value), 0) as n from counters`);
    out.counterValues = Number(counter[0]?.n ?? 0);
    return out;
  });
}

export async function query<T>(
  server: TestServer,
  fn: (run: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>) => Promise<T>,
): Promise<T> {
  if (server.db === 'sqlite') {
    const db = new Database(join(server.dataDir, 'patrolbook.sqlite'), { readonly: true });
    try {
      return await fn((sql, params = []) =>
        Promise.resolve(
          db.prepare(sql.replace(/\$\d+/g, '?')).all(...params) as Record<string, unknown>[],
        ),
      );
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: server.databaseUrl ?? '' });
  await client.connect();
  try {
    return await fn(
      async (sql, params = []) =>
        (await client.query(sql, params)).rows as Record<string, unknown>[],
    );
  } finally {
    await client.end();
  }
}

/**
 * Writes straight to the server's database, behind its back: for tests that need a row no API
 * would write (a change payload edited by hand, say).
 */
export async function execute(server: TestServer, sql: string, params: unknown[] = []) {
  if (server.db === 'sqlite') {
    const db = new Database(join(server.dataDir, 'patrolbook.sqlite'));
    db.pragma('busy_timeout = 5000');
    try {
      db.prepare(sql.replace(/\$\d+/g, '?')).run(...params);
    } finally {
      db.close();
    }
    // Synchronous work held the event loop: let socket events (a keep-alive connection the
    // server closed meanwhile) be seen before the caller's next request.
    await new Promise((resolve) => setImmediate(resolve));
    return;
  }
  const client = new pg.Client({ connectionString: server.databaseUrl ?? '' });
  await client.connect();
  try {
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}
