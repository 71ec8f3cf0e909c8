import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { migrate, openDb } from '$lib/server/db/db';
import type { Database } from '$lib/server/db/schema';
import { freePort, startServer } from '../support/server';

/** SQLite as the embedded default: readers never wait for a writer, processes take turns. */
describe('SQLite data folder', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'pb-sqlite-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('a read is answered while a write transaction is open, and sees only what was committed', async () => {
    const handle = openDb({ dataDir: fresh(), databaseUrl: null });
    await migrate(handle);
    let finish!: () => void;
    const held = new Promise<void>((r) => (finish = r));
    let inside!: () => void;
    const started = new Promise<void>((r) => (inside = r));
    const writing = handle.db.transaction().execute(async (tx) => {
      await tx.insertInto('counters').values({ name: 'held', value: 1 }).execute();
      inside();
      await held;
    });
    await started;
    const read = await Promise.race([
      handle.db.selectFrom('counters').select('name').where('name', '=', 'held').execute(),
      new Promise<'waited'>((r) => setTimeout(() => r('waited'), 5_000)),
    ]);
    expect(read).toEqual([]);
    finish();
    await writing;
    expect(
      await handle.db.selectFrom('counters').select('name').where('name', '=', 'held').execute(),
    ).toEqual([{ name: 'held' }]);
    await handle.close();
  });

  it('any interleaving of transactions, writes and reads: a read outside a transaction sees exactly the last commit', async () => {
    // Reads outside a transaction go to the writer while it is idle and to the reader while a
    // transaction is open (sqlite-driver.ts); either way they see committed rows only.
    const handle = openDb({ dataDir: fresh(), databaseUrl: null });
    await migrate(handle);
    const { db } = handle;
    const op = fc.oneof(
      fc.constant({ kind: 'open' as const }),
      fc.record({
        kind: fc.constant('write' as const),
        key: fc.integer({ min: 0, max: 4 }),
        value: fc.integer({ min: 0, max: 99 }),
      }),
      fc.record({ kind: fc.constant('end' as const), commit: fc.boolean() }),
      fc.constant({ kind: 'read' as const }),
      fc.constant({ kind: 'stream' as const }),
    );
    let round = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40, size: 'max' }), async (ops) => {
        const prefix = `p${round++}-`;
        const committed: Record<string, number> = {};
        const mine = () =>
          db.selectFrom('counters').select(['name', 'value']).where('name', 'like', `${prefix}%`);
        const read = async () =>
          Object.fromEntries((await mine().execute()).map((r) => [r.name, Number(r.value)]));
        let open: HeldTransaction | null = null;
        try {
          for (const o of ops) {
            if (o.kind === 'open' && !open) {
              open = await HeldTransaction.begin(db);
            } else if (o.kind === 'write') {
              const name = `${prefix}${o.key}`;
              if (open) {
                await open.run((tx) => upsertCounter(tx, name, o.value));
                open.pending[name] = o.value;
              } else {
                await upsertCounter(db, name, o.value);
                committed[name] = o.value;
              }
            } else if (o.kind === 'end' && open) {
              await open.end(o.commit);
              if (o.commit) Object.assign(committed, open.pending);
              open = null;
            } else if (o.kind === 'read') {
              expect(await read()).toEqual(committed);
            } else if (o.kind === 'stream') {
              const rows: Record<string, number> = {};
              const stream = mine().stream();
              for await (const r of stream) rows[r.name] = Number(r.value);
              expect(rows).toEqual(committed);
            }
          }
        } finally {
          // A failed expectation must not leave the writer held for the shrinking runs after it.
          await open?.end(false);
        }
        expect(await read()).toEqual(committed);
      }),
      { numRuns: 100, seed: 20_261_204 },
    );
    await handle.close();
  });
  it('a write waits for another process holding the lock instead of failing', async () => {
    const dataDir = fresh();
    const handle = openDb({ dataDir, databaseUrl: null });
    await migrate(handle);
    // Another process holds the write lock for a second.
    const other = spawn(
      process.execPath,
      [
        '-e',
        `const D=require('better-sqlite3');const d=new D(${JSON.stringify(join(dataDir, 'patrolbook.sqlite'))});` +
          `d.prepare('begin immediate').run();d.prepare("insert into counters(name,value) values('other',1)").run();` +
          `process.stdout.write('locked\\n');Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,1000);` +
          `d.prepare('commit').run();`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => other.stdout?.once('data', () => resolve()));
    // Read, then write: with a deferred BEGIN the snapshot read first goes stale when the other
    // process commits, and the write fails with "database is locked" instead of waiting.
    await handle.db.transaction().execute(async (tx) => {
      await tx.selectFrom('counters').selectAll().execute();
      await tx.insertInto('counters').values({ name: 'mine', value: 1 }).execute();
    });
    await new Promise((r) => other.once('exit', r));
    const names = await handle.db.selectFrom('counters').select('name').orderBy('name').execute();
    expect(names.map((n) => n.name)).toEqual(expect.arrayContaining(['mine', 'other']));
    await handle.close();
  });

  it('refuses a second server on the same folder, and sweeps uploads a crash cut off', async () => {
    const dataDir = fresh();
    mkdirSync(join(dataDir, 'blobs', 'tmp'), { recursive: true });
    const part = join(dataDir, 'blobs', 'tmp', `${'a'.repeat(64)}.0123456789ab.part`);
    writeFileSync(part, 'half an upload');
    utimesSync(part, new Date(), new Date());
    const first = await startServer({ dataDir, env: { DEMO_SEED: '1', DEMO_RECORDS: '0' } });
    try {
      expect(readdirSync(join(dataDir, 'blobs', 'tmp'))).toEqual([]);
      const second = spawnSync(process.execPath, ['scripts/start.js'], {
        env: {
          ...process.env,
          DATA_DIR: dataDir,
          PORT: String(await freePort()),
          HOST: '127.0.0.1',
          DATABASE_URL: '',
        },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(second.status).not.toBe(0);
      expect(second.stderr).toContain('正在使用数据目录');
      expect((await fetch(`${first.url}/api/health`)).status).toBe(200);
    } finally {
      await first.stop();
    }
  });
});

function upsertCounter(db: Kysely<Database>, name: string, value: number) {
  return db
    .insertInto('counters')
    .values({ name, value })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
    .execute();
}

/** A transaction kept open across awaits, running the statements it is handed, until `end`. */
class HeldTransaction {
  readonly pending: Record<string, number> = {};
  #work: ((tx: Kysely<Database>) => Promise<void>)[] = [];
  #wake: () => void = () => undefined;
  #ending: boolean | null = null;
  #done: Promise<void> = Promise.resolve();

  static async begin(db: Kysely<Database>): Promise<HeldTransaction> {
    const held = new HeldTransaction();
    let started!: () => void;
    const ready = new Promise<void>((r) => (started = r));
    held.#done = db
      .transaction()
      .execute(async (tx) => {
        started();
        for (;;) {
          await new Promise<void>((r) => (held.#wake = r));
          while (held.#work.length) await held.#work.shift()?.(tx);
          if (held.#ending === true) return;
          if (held.#ending === false) throw new RolledBack();
        }
      })
      .catch((e: unknown) => {
        if (!(e instanceof RolledBack)) throw e;
      });
    await ready;
    return held;
  }

  run(fn: (tx: Kysely<Database>) => Promise<unknown>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#work.push((tx) => fn(tx).then(() => resolve(), reject));
      this.#wake();
    });
  }

  async end(commit: boolean): Promise<void> {
    this.#ending = commit;
    this.#wake();
    await this.#done;
  }
}

class RolledBack extends Error {}
