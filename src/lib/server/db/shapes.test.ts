import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { QueryShapes } from './shapes';

// Compiling needs a dialect's compiler, not a connection: the driver is never called.
type T = { t: { a: string; b: number } };
const db = new Kysely<T>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

type P = { a: string | undefined; ids: readonly string[] | undefined; limit: number };
const build = (k: Kysely<T>, shape: { desc: boolean }, p: P) => {
  let qb = k.selectFrom('t').select(['a', 'b']).where('b', '>', 0);
  if (p.a !== undefined) qb = qb.where('a', '=', p.a).where(sql<boolean>`${p.a} <> ''`);
  if (p.ids !== undefined) qb = qb.where('a', 'in', p.ids);
  return qb.orderBy('a', shape.desc ? 'desc' : 'asc').limit(p.limit);
};

describe('QueryShapes', () => {
  it('gives, for every shape and values, what a fresh build compiles', () => {
    const shapes = new QueryShapes('test', build);
    const cases: [{ desc: boolean }, P][] = [
      [{ desc: true }, { a: 'x', ids: ['1', '2'], limit: 5 }],
      [{ desc: true }, { a: 'y', ids: ['3', '4'], limit: 9 }],
      [{ desc: true }, { a: 'y', ids: ['3', '4', '5'], limit: 9 }],
      [{ desc: false }, { a: 'y', ids: ['3', '4', '5'], limit: 9 }],
      [{ desc: false }, { a: undefined, ids: [], limit: 1 }],
      [{ desc: false }, { a: undefined, ids: undefined, limit: 2 }],
      [{ desc: true }, { a: 'x', ids: ['1', '2'], limit: 7 }],
    ];
    for (const [shape, p] of cases) {
      const fresh = build(db, shape, p).compile();
      const cached = shapes.compile(db, shape, p);
      expect(cached.sql).toBe(fresh.sql);
      expect(cached.parameters).toEqual(fresh.parameters);
    }
  });

  it('refuses a build that computes with a param instead of using it as a value', () => {
    const shapes = new QueryShapes('test', (k: Kysely<T>, _: null, p: { limit: number }) =>
      k
        .selectFrom('t')
        .select('a')
        .limit(p.limit + 1),
    );
    expect(() => shapes.compile(db, null, { limit: 4 })).toThrow(/changed before it went into/);
  });

  it('refuses a build that leaves out a param the call gives', () => {
    const shapes = new QueryShapes('test', (k: Kysely<T>, _: null, p: { a: string; b: string }) =>
      k.selectFrom('t').select('a').where('a', '=', p.a),
    );
    expect(() => shapes.compile(db, null, { a: 'x', b: 'y' })).toThrow(/not used by the query: b/);
  });

  it('keeps working past its bound of shapes', () => {
    const shapes = new QueryShapes('test', build);
    for (let n = 0; n < 600; n++) {
      const p: P = { a: 'x', ids: Array.from({ length: n % 300 }, (_, i) => `${i}`), limit: n };
      const cached = shapes.compile(db, { desc: n % 2 === 0 }, p);
      expect(cached.sql).toBe(build(db, { desc: n % 2 === 0 }, p).compile().sql);
      expect(cached.parameters.at(-1)).toBe(n);
    }
  });
});
