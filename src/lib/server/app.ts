import { join } from 'node:path';
import { config, type Config } from './config';
import { migrate, openDb, type DbHandle } from './db/db';
import { FileBlobStore, type BlobStore } from './blobs/store';
import { lockDataDir } from './db/lock';
import { startDeliverer } from './services/results';

/** Everything a request handler needs; created once per process at start-up. */
export type AppContext = {
  config: Config;
  db: DbHandle['db'];
  dialect: DbHandle['dialect'];
  blobs: BlobStore;
  close: () => Promise<void>;
};

let current: Promise<AppContext> | null = null;

export async function createApp(cfg: Config): Promise<AppContext> {
  // PostgreSQL is shared by design; a SQLite folder belongs to one server process.
  const unlock = cfg.databaseUrl ? () => undefined : lockDataDir(cfg.dataDir);
  const handle = openDb({ dataDir: cfg.dataDir, databaseUrl: cfg.databaseUrl });
  await migrate(handle);
  const blobs = new FileBlobStore(join(cfg.dataDir, 'blobs'));
  await blobs.sweep();
  // Results owed to the city platform: the outbox survives restarts, so this picks up at once
  // whatever a stopped (or killed) process left undelivered.
  const deliverer = startDeliverer(handle.db, cfg.webhooks);
  return {
    config: cfg,
    db: handle.db,
    dialect: handle.dialect,
    blobs,
    close: async () => {
      await deliverer.stop();
      await handle.close();
      unlock();
    },
  };
}

export function app(): Promise<AppContext> {
  current ??= createApp(config());
  return current;
}
