import type { Compilable, CompiledQuery, Insertable, Kysely } from 'kysely';
import type { Db, Tx } from './db';
import type { Database } from './schema';
import { QueryShapes, type Params, type Value } from './shapes';

/**
 * Multi-row inserts compiled once per shape (ADR 0024): a push writes each table's rows as one
 * statement (ADR 0019), and building and compiling that statement in Kysely on every push cost
 * about 5 % of a push's time (PERFORMANCE.md, twelfth session). A shape is the table, its
 * columns, the conflict clause, the returned column and the number of rows; each later insert of
 * that shape only puts its values in place.
 *
 * Rows that do not all give the same columns (where a row leaves one out Kysely writes `default`,
 * or `null` on SQLite) are built fresh, as Kysely would build them: such a statement is not worth
 * a shape.
 */

type Table = keyof Database;
type Loose = Kysely<Record<string, Record<string, Value>>>;

export type InsertOptions<T extends Table> = {
  /** `on conflict (…) do nothing` on these columns. */
  onConflictDoNothing?: readonly (keyof Database[T] & string)[];
  /** The one column the statement returns of each row it inserted. */
  returning?: keyof Database[T] & string;
};

type Shape = {
  table: Table;
  columns: readonly string[];
  conflict: readonly string[] | null;
  returning: string | null;
};

/** The insert as Kysely builds it, from rows or from each column's values. */
function build(db: Loose, shape: Shape, rows: readonly Record<string, unknown>[]) {
  const query = db.insertInto(shape.table).values(rows as Record<string, Value>[]);
  const conflict = shape.conflict;
  const guarded = conflict ? query.onConflict((oc) => oc.columns(conflict).doNothing()) : query;
  return (shape.returning ? guarded.returning(shape.returning) : guarded) as Compilable<unknown>;
}

function buildFromColumns(db: Loose, shape: Shape, params: Params) {
  const count = (params[shape.columns[0]!] as readonly Value[]).length;
  const rows: Record<string, Value>[] = [];
  for (let i = 0; i < count; i++) {
    const row: Record<string, Value> = {};
    for (const c of shape.columns) row[c] = (params[c] as readonly Value[])[i]!;
    rows.push(row);
  }
  return build(db, shape, rows);
}

/** Every transaction of a database shares its adapter: the shapes are kept per database. */
const inserts = new QueryShapes(
  'multi-row insert',
  buildFromColumns,
  (db: Loose) => db.getExecutor().adapter,
);

/** How many insert shapes have been compiled in this process. */
export function insertShapesCompiled(): number {
  return inserts.compiled;
}

function shapeOf<T extends Table>(
  table: T,
  rows: readonly Insertable<Database[T]>[],
  options: InsertOptions<T>,
): Shape {
  const first = rows[0] as Record<string, unknown>;
  return {
    table,
    columns: Object.keys(first).filter((c) => first[c] !== undefined),
    conflict: options.onConflictDoNothing ?? null,
    returning: options.returning ?? null,
  };
}

/** Each column's values, row by row; null if a row gives other columns than `columns`. */
function columnValues(rows: readonly object[], columns: readonly string[]): Params | null {
  const params: Record<string, Value[]> = {};
  for (const c of columns) params[c] = new Array<Value>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Record<string, unknown>;
    let given = 0;
    for (const c in row) if (row[c] !== undefined) given++;
    if (given !== columns.length) return null;
    for (const c of columns) {
      const v = row[c];
      if (v === undefined) return null;
      params[c]![i] = v as Value;
    }
  }
  return params;
}

/** The statement as a fresh Kysely build compiles it (what `compiledInsert` must equal). */
export function insertQuery<T extends Table>(
  db: Db | Tx,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  options: InsertOptions<T> = {},
): CompiledQuery<unknown> {
  return build(db as unknown as Loose, shapeOf(table, rows, options), rows).compile();
}

/** The statement from its compiled shape (a fresh build where the rows' columns differ). */
export function compiledInsert<T extends Table>(
  db: Db | Tx,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  options: InsertOptions<T> = {},
): CompiledQuery<unknown> {
  const shape = shapeOf(table, rows, options);
  const params = columnValues(rows, shape.columns);
  const loose = db as unknown as Loose;
  return params ? inserts.compile(loose, shape, params) : build(loose, shape, rows).compile();
}

/**
 * Inserts the rows as one statement and returns the rows it gave back (with `returning`: one
 * per row inserted; without: none). No rows, no statement.
 */
export async function insertRows<T extends Table>(
  db: Db | Tx,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  options: InsertOptions<T> = {},
): Promise<readonly unknown[]> {
  if (rows.length === 0) return [];
  const result = await db.executeQuery(compiledInsert(db, table, rows, options));
  return result.rows;
}
