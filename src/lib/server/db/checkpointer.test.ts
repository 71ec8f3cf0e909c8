import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDb, type DbHandle } from './db';

/**
 * Commits leave their pages in the WAL; only a checkpoint copies them into the database file. The
 * writer's own checkpoint is set far above what these tests write, so the database file grows
 * only if the worker's checkpoints run.
 */
describe('WAL checkpoints in a worker thread', () => {
  let dir = '';
  let handle: DbHandle | null = null;
  afterEach(async () => {
    await handle?.close();
    handle = null;
    rmSync(dir, { recursive: true, force: true });
  });

  async function writeRows(h: DbHandle, count: number, from = 0) {
    const at = new Date().toISOString();
    for (let i = from; i < from + count; i++) {
      await h.db.transaction().execute((tx) =>
        tx
          .insertInto('audit_log')
          .values({ at, user_id: null, action: 'test', target: `t${i}`, detail: 'x'.repeat(4000) })
          .execute(),
      );
    }
  }

  it('copies committed pages into the database file shortly after the commits', async () => {
    dir = mkdtempSync(join(tmpdir(), 'pb-ckpt-'));
    handle = openDb({ dataDir: dir, databaseUrl: null });
    await migrate(handle);
    const file = join(dir, 'patrolbook.sqlite');
    const before = statSync(file).size;
    await writeRows(handle, 600);
    let size = statSync(file).size;
    for (let i = 0; i < 100 && size < before + 2_000_000; i++) {
      await new Promise((r) => setTimeout(r, 50));
      size = statSync(file).size;
    }
    expect(size).toBeGreaterThan(before + 2_000_000);
  });

  it('closes cleanly, and a reopened database holds every committed row', async () => {
    dir = mkdtempSync(join(tmpdir(), 'pb-ckpt-'));
    handle = openDb({ dataDir: dir, databaseUrl: null });
    await migrate(handle);
    await writeRows(handle, 50);
    await handle.close();
    handle = openDb({ dataDir: dir, databaseUrl: null });
    await writeRows(handle, 50, 50);
    const n = await handle.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('action', '=', 'test')
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(100);
  });
});
