import { CompiledQuery, type Compilable } from 'kysely';

/**
 * A query compiled once per shape and run with each call's values.
 *
 * Building a Kysely query and compiling it allocates some 25 KB of nodes and strings for the
 * console's list query, on every call, to produce the same SQL text whenever the same filters are
 * present. Here the query is built once per shape with a marker in place of every value, the
 * markers are found among the compiled parameters, and each later call of that shape only puts
 * its values in their places.
 *
 * The contract with `build`: it decides what SQL to produce from `shape` alone and from which
 * params are present (not `undefined`) and how long each array param is; a param's value goes
 * into the query unchanged, as a value. A build that computes with a value (`v.limit + 1`,
 * `pattern(v.q)`) fails here, loudly, the first time the shape is compiled; one that decides on a
 * value's content would produce another query than a fresh build, which the tests compare
 * (tests/integration/shapes.test.ts).
 */

/** A value bound into a query. */
export type Value = string | number | null;
type Param = Value | readonly Value[] | undefined;
export type Params = Readonly<Record<string, Param>>;

type Slot = { key: string; index: number } | { constant: unknown };
type Template = { sql: string; slots: Slot[] };

const MARK = '\u0000pb-param\u0000';

/** At most this many shapes are kept per database; the oldest is compiled again when needed. */
const SHAPES = 256;

export class QueryShapes<D extends object, S, P extends Params, R> {
  readonly #templates = new WeakMap<object, Map<string, Template>>();
  #compiled = 0;

  /**
   * @param cacheOf what the templates are kept per: the database by default. A query built on a
   *   transaction keys them by something all transactions of its database share (its adapter,
   *   as `inserts.ts` does), or each transaction would compile its shapes again.
   */
  constructor(
    private readonly name: string,
    private readonly build: (db: D, shape: S, params: P) => Compilable<R>,
    private readonly cacheOf: (db: D) => object = (db) => db,
  ) {}

  /** How many templates have been compiled (each shape once per database while it is kept). */
  get compiled(): number {
    return this.#compiled;
  }

  compile(db: D, shape: S, params: P): CompiledQuery<R> {
    const owner = this.cacheOf(db);
    let cache = this.#templates.get(owner);
    if (!cache) this.#templates.set(owner, (cache = new Map<string, Template>()));
    let key = JSON.stringify(shape);
    for (const k in params) {
      const v = params[k];
      if (v !== undefined) key += Array.isArray(v) ? `|${k}[${v.length}]` : `|${k}`;
    }
    let template = cache.get(key);
    if (!template) {
      template = this.#template(db, shape, params);
      this.#compiled++;
      if (cache.size >= SHAPES) cache.delete(cache.keys().next().value as string);
      cache.set(key, template);
    }
    const parameters = template.slots.map((s) => {
      if ('constant' in s) return s.constant;
      const v = params[s.key];
      return s.index < 0 ? v : (v as readonly unknown[])[s.index];
    });
    return CompiledQuery.raw(template.sql, parameters);
  }

  #template(db: D, shape: S, params: P): Template {
    const marked: Record<string, Param> = {};
    // Each marker, and the param (and index in an array param) it stands for.
    const markers = new Map<string, { key: string; index: number }>();
    const mark = (key: string, index: number) => {
      const m = `${MARK}${key}\u0000${index}`;
      markers.set(m, { key, index });
      return m;
    };
    for (const k in params) {
      const v = params[k];
      if (v === undefined) continue;
      marked[k] = Array.isArray(v) ? v.map((_, i) => mark(k, i)) : mark(k, -1);
    }
    const unused = new Set(markers.keys());
    const compiled = this.build(db, shape, marked as P).compile();
    const slots = compiled.parameters.map((p): Slot => {
      if (typeof p !== 'string' || !p.includes(MARK)) return { constant: p };
      const slot = markers.get(p);
      if (!slot) {
        throw new Error(
          `${this.name}: a param was changed before it went into the query; compute it before the build`,
        );
      }
      unused.delete(p);
      return slot;
    });
    if (unused.size > 0) {
      const missing = [...new Set([...unused].map((m) => markers.get(m)?.key))].join(', ');
      throw new Error(`${this.name}: params present but not used by the query: ${missing}`);
    }
    return { sql: compiled.sql, slots };
  }
}
