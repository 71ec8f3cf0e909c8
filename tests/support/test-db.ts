import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDb, type DbHandle } from '$lib/server/db/db';
import { createDatabase, type DbKind } from './server';

/**
 * A migrated database of this kind opened in-process (no server): SQLite in a temporary
 * directory, or a fresh PostgreSQL database (`url`). `close` closes it and removes both.
 */
export async function openTestDb(
  kind: DbKind,
  prefix: string,
): Promise<{ handle: DbHandle; url: string | null; close: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  let url: string | null = null;
  let drop: (() => Promise<void>) | null = null;
  if (kind === 'postgres') {
    const created = await createDatabase();
    url = created.url;
    drop = created.drop;
  }
  const handle = openDb({ dataDir, databaseUrl: url });
  await migrate(handle);
  return {
    handle,
    url,
    close: async () => {
      await handle.close();
      await drop?.();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
