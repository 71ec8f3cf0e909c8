import type SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';

/**
 * SQLite with a writer and a reader (ADR 0003). better-sqlite3 is one synchronous handle; with a
 * single one, every request waited while a push held its transaction open. Here a transaction
 * (and every write outside one) takes the writer, one at a time, with `BEGIN IMMEDIATE` so a
 * second process waits for the lock (busy timeout) instead of failing mid-transaction; reads
 * outside a transaction go to a read-only handle, which in WAL mode sees the last commit and never
 * waits for a writer.
 */

class Mutex {
  #tail: Promise<void> = Promise.resolve();

  /** Resolves with the release function once every earlier holder has released. */
  lock(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const before = this.#tail;
    this.#tail = before.then(() => mine);
    return before.then(() => release);
  }
}

/**
 * Prepared statements kept per handle: preparing parses and plans the SQL, which cost about as
 * much as running the short statements a push is made of. Kysely compiles the same text for the
 * same query shape, so a bounded map of the most recent ones covers the hot paths; an evicted
 * statement is simply prepared again. Streams prepare their own (an iterating statement is busy).
 */
const STATEMENT_CACHE = 500;
const statements = new WeakMap<SQLite.Database, Map<string, SQLite.Statement>>();

function prepared(db: SQLite.Database, sql: string): SQLite.Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map<string, SQLite.Statement>()));
  let stmt = cache.get(sql);
  if (stmt) {
    // Refreshed as most recent: a Map iterates in insertion order, so the first key is the oldest.
    cache.delete(sql);
  } else {
    stmt = db.prepare(sql);
    if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value as string);
  }
  cache.set(sql, stmt);
  return stmt;
}

function run(db: SQLite.Database, query: CompiledQuery): QueryResult<unknown> {
  const stmt = prepared(db, query.sql);
  const params = query.parameters as unknown[];
  if (stmt.reader) return { rows: stmt.all(...params) };
  const { changes, lastInsertRowid } = stmt.run(...params);
  return {
    numAffectedRows: BigInt(changes),
    insertId: lastInsertRowid === undefined ? undefined : BigInt(lastInsertRowid),
    rows: [],
  };
}

class SplitConnection implements DatabaseConnection {
  /** Set while this connection holds the writer for a transaction. */
  release: (() => void) | null = null;

  constructor(
    private readonly writer: SQLite.Database,
    private readonly reader: SQLite.Database,
    private readonly mutex: Mutex,
    private readonly committed: () => void,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.release) return run(this.writer, query) as QueryResult<R>;
    if (prepared(this.reader, query.sql).readonly) {
      // A read while no transaction is open goes to the writer: a statement runs to its end
      // synchronously, so it sees exactly the last commit, as the reader would, but from a page
      // cache that stays warm. The reader's cache is dropped whenever it finds that another
      // handle has committed since its last read, which is at every read during pushes: a push's
      // 500-file evidence lookup took 2.4 ms there against 0.7 ms on the writer (PERFORMANCE.md).
      // While a transaction is open, its uncommitted rows are on the writer: the reader answers.
      const db = this.writer.inTransaction ? this.reader : this.writer;
      return run(db, query) as QueryResult<R>;
    }
    const release = await this.mutex.lock();
    try {
      return run(this.writer, query) as QueryResult<R>;
    } finally {
      release();
      this.committed();
    }
  }

  streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const db = this.release ? this.writer : this.reader;
    const rows = db.prepare(query.sql).iterate(...(query.parameters as unknown[]));
    return (async function* () {
      await Promise.resolve();
      for (const row of rows) yield { rows: [row as R] };
    })();
  }
}

class SplitDriver implements Driver {
  readonly #mutex = new Mutex();

  constructor(
    private readonly writer: SQLite.Database,
    private readonly reader: SQLite.Database,
    private readonly committed: () => void,
  ) {}

  async init(): Promise<void> {}

  acquireConnection(): Promise<DatabaseConnection> {
    return Promise.resolve(
      new SplitConnection(this.writer, this.reader, this.#mutex, this.committed),
    );
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as SplitConnection;
    c.release = await this.#mutex.lock();
    try {
      prepared(this.writer, 'begin immediate').run();
    } catch (e) {
      c.release();
      c.release = null;
      throw e;
    }
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    this.end(connection as SplitConnection, 'commit');
    return Promise.resolve();
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    this.end(connection as SplitConnection, 'rollback');
    return Promise.resolve();
  }

  private end(c: SplitConnection, how: 'commit' | 'rollback') {
    try {
      prepared(this.writer, how).run();
    } finally {
      c.release?.();
      c.release = null;
      if (how === 'commit') this.committed();
    }
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    const c = connection as SplitConnection;
    // A transaction left open by a failure: undo it rather than hold the writer forever.
    if (c.release) this.end(c, 'rollback');
    return Promise.resolve();
  }

  destroy(): Promise<void> {
    this.reader.close();
    this.writer.close();
    return Promise.resolve();
  }
}

export class SplitSqliteDialect implements Dialect {
  /** `committed` is told of every commit on the writer (the WAL checkpointer listens). */
  constructor(
    private readonly writer: SQLite.Database,
    private readonly reader: SQLite.Database,
    private readonly committed: () => void = () => undefined,
  ) {}
  createAdapter() {
    return new SqliteAdapter();
  }
  createDriver(): Driver {
    return new SplitDriver(this.writer, this.reader, this.committed);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}
