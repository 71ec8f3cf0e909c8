import { createHash } from 'node:crypto';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

/**
 * A push's multi-row inserts as named (prepared) statements on PostgreSQL.
 *
 * Kysely sends every statement unnamed, so PostgreSQL parses, analyses and plans it on every
 * call. For a 100-row insert of the records' summary rows (2,300 parameters) that is most of the
 * statement's cost: a 1,200-parameter insert and its commit took 3.2-4.1 ms unnamed and
 * 1.9-2.0 ms named on this machine, and a 10,000-record push went 3-9 % faster with them
 * (PERFORMANCE.md, fourteenth session). The SQL of such inserts repeats exactly, as they are
 * compiled once per shape (`inserts.ts`).
 *
 * A prepared statement keeps its parse tree and plan in the connection's backend: some 770 KB
 * for a 100-row, 23-column insert. So only inserts of at least `MIN_PARAMS` parameters are named
 * (smaller ones cost little to parse), and each connection keeps at most `PER_CONNECTION` of them,
 * deallocating the least recently used when it needs another: at most about 12 MB a backend.
 *
 * A connection pooler in front of PostgreSQL must pass named statements through to the same
 * server connection (PgBouncer in session mode, or transaction mode with `max_prepared_statements`).
 */
export const MIN_PARAMS = 64;
export const PER_CONNECTION = 16;

/** The named statements each connection holds, by SQL text, least recently used first. */
const held = new WeakMap<pg.PoolClient, Map<string, string>>();

/**
 * pg's record of the statements a connection has parsed: it sends `Parse` only for a name not in
 * it, and adds a name once the server has parsed it.
 */
function parsedOf(client: pg.PoolClient): Record<string, unknown> | null {
  const parsed = (client as { connection?: { parsedStatements?: unknown } }).connection
    ?.parsedStatements;
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
}

async function namedQuery(
  client: pg.PoolClient,
  parsed: Record<string, unknown>,
  sql: string,
  values: unknown[],
) {
  let mine = held.get(client);
  if (!mine) held.set(client, (mine = new Map<string, string>()));
  let name = mine.get(sql);
  if (name) {
    mine.delete(sql);
  } else {
    if (mine.size >= PER_CONNECTION) {
      const [oldestSql, oldest] = mine.entries().next().value as [string, string];
      // A name whose `Parse` failed was never prepared on the server.
      if (oldest in parsed) await client.query(`deallocate "${oldest}"`);
      mine.delete(oldestSql);
      delete parsed[oldest];
    }
    name = `pb_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;
  }
  mine.set(sql, name);
  return client.query({ name, text: sql, values });
}

/** Whether a statement is worth naming: a large insert. */
function worthNaming(sql: string, parameters: readonly unknown[]): boolean {
  return parameters.length >= MIN_PARAMS && sql.startsWith('insert into ');
}

/** `pool` for Kysely's PostgresDialect, naming the statements `worthNaming` picks out. */
export function namingPool(pool: pg.Pool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      // Without pg's record of parsed statements a name could not be dropped and prepared
      // again safely: then nothing is named.
      const parsed = parsedOf(client);
      const wrapped = {
        query(sql: unknown, parameters?: readonly unknown[]) {
          if (parsed && typeof sql === 'string' && parameters && worthNaming(sql, parameters))
            return namedQuery(client, parsed, sql, [...parameters]);
          return client.query(sql as string, parameters as unknown[]);
        },
        release: () => client.release(),
      };
      return wrapped as unknown as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}
