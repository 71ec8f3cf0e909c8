import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openDb } from '$lib/server/db/db';
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
