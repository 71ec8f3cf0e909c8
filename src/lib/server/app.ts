import { join } from 'node:path';
import { config, type Config } from './config';
import { migrate, openDb, type DbHandle } from './db/db';
import { FileBlobStore, type BlobStore } from './blobs/store';

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
  const handle = openDb({ dataDir: cfg.dataDir, databaseUrl: cfg.databaseUrl });
  await migrate(handle);
  return {
    config: cfg,
    db: handle.db,
    dialect: handle.dialect,
    blobs: new FileBlobStore(join(cfg.dataDir, 'blobs')),
    close: handle.close,
  };
}

export function app(): Promise<AppContext> {
  current ??= createApp(config());
  return current;
}
