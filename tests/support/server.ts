import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type DbKind = 'sqlite' | 'postgres';

/** The databases this run can test against: SQLite always, PostgreSQL when CI provides it. */
export const DATABASES: DbKind[] = process.env.TEST_DATABASE_URL
  ? ['sqlite', 'postgres']
  : ['sqlite'];

export type TestServer = {
  url: string;
  db: DbKind;
  dataDir: string;
  databaseUrl: string | null;
  /** Output of the server process so far (for assertions that nothing sensitive is logged). */
  output: () => string;
  /** Ends the process and keeps its data (a SQLite folder serves one process at a time). */
  halt: () => Promise<void>;
  /** kill -9: the process dies where it stands (fault injection); its data stays. */
  crash: () => Promise<void>;
  stop: () => Promise<void>;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A fresh PostgreSQL database for one server, dropped when it stops. */
export async function createDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) throw new Error('TEST_DATABASE_URL is not set');
  const name = `pb_t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        // An autovacuum worker may still hold the database for a moment: retry, then leave it.
        for (let attempt = 0; attempt < 20; attempt++) {
          try {
            await c.query(`drop database if exists ${name}`);
            return;
          } catch {
            await new Promise((r) => setTimeout(r, 250));
          }
        }
        console.warn(`could not drop test database ${name}`);
      } finally {
        await c.end();
      }
    },
  };
}

export type StartOptions = {
  db?: DbKind;
  env?: Record<string, string>;
  /** Reuse a data directory (for restarts); a fresh temporary one otherwise. */
  dataDir?: string;
  databaseUrl?: string;
  /** A fixed port (a restart that must keep the origin); a free one otherwise. */
  port?: number;
};

/**
 * Polls `health` until it answers 200; fails with the process's output if it exits first or is
 * not healthy within `ms` (then it is killed).
 */
export async function waitUntilHealthy(
  child: ChildProcess,
  health: string,
  output: () => string,
  ms = 60_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output()}`);
    try {
      const res = await fetch(health);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not become healthy:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const db = options.db ?? 'sqlite';
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'patrolbook-test-'));
  const ownsDir = options.dataDir === undefined;
  let dropDb: (() => Promise<void>) | null = null;
  let databaseUrl: string | null = options.databaseUrl ?? null;
  // What this call made goes again if the server never becomes healthy (a test of a refused
  // configuration), as `stop` removes it otherwise.
  const discard = async () => {
    if (dropDb) await dropDb();
    if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
  };
  if (db === 'postgres' && !databaseUrl) {
    try {
      const created = await createDatabase();
      databaseUrl = created.url;
      dropDb = created.drop;
    } catch (e) {
      await discard();
      throw e;
    }
  }
  const port = options.port ?? (await freePort());
  let output = '';
  // PB_SERVER_PROFILE=<dir>: the server writes a V8 CPU profile there when it stops, and
  // PB_SERVER_HEAP_PROFILE=<dir> a sampling profile of what it allocated (for `npm run bench`
  // investigations, read with scripts/profile-summary.js; Node refuses --cpu-prof in NODE_OPTIONS).
  const profile = process.env.PB_SERVER_PROFILE;
  const heapProfile = process.env.PB_SERVER_HEAP_PROFILE;
  const nodeArgs = [
    ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
    ...(heapProfile ? ['--import', './bench/support/heap-sample.js'] : []),
  ];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, 'scripts/start.js'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl ?? '',
      ORIGIN: `http://127.0.0.1:${port}`,
      ...(heapProfile ? { PB_HEAP_PROFILE_DIR: heapProfile } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  try {
    await waitUntilHealthy(child, `${url}/api/health`, () => output);
  } catch (e) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await discard();
    throw e;
  }

  const halt = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const crash = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  return {
    url,
    db,
    dataDir,
    databaseUrl,
    output: () => output,
    halt,
    crash,
    stop: async () => {
      await halt();
      await discard();
    },
  };
}
