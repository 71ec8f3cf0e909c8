import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LockedRecord } from '$lib/domain/record';
import { freePort, waitUntilHealthy } from '../../tests/support/server';

/**
 * Other servers given the same records by the same Node client, as baselines for ingest (issue
 * 18): they are devDependencies of the benchmark, never of the app.
 */
export type Peer = {
  name: string;
  /** Sends one batch; throws unless every record was stored. */
  push: (batch: LockedRecord[]) => Promise<void>;
  stop: () => Promise<void>;
};

async function spawnPeer(
  args: string[],
  health: string,
  dir: string,
): Promise<{ stop: () => Promise<void> }> {
  const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitUntilHealthy(child, health, () => `${args[0]}: ${stderr}`, 30_000);
  return {
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postJson(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${(await res.text()).slice(0, 200)}`);
  return res.json();
}

/** Fastify + better-sqlite3, one row per record, no checks (bench/peers/minimal-server.js). */
export async function minimalPeer(): Promise<Peer> {
  const dir = mkdtempSync(join(tmpdir(), 'pb-peer-min-'));
  const port = await freePort();
  const script = join(process.cwd(), 'bench', 'peers', 'minimal-server.js');
  const { stop } = await spawnPeer(
    [script, String(port), dir],
    `http://127.0.0.1:${port}/health`,
    dir,
  );
  return {
    name: 'minimal Fastify + better-sqlite3 server, no checks',
    push: async (batch) => {
      const r = (await postJson(`http://127.0.0.1:${port}/push`, { records: batch })) as {
        results: { status: string }[];
      };
      if (r.results.length !== batch.length || r.results.some((x) => x.status !== 'accepted'))
        throw new Error('minimal peer: not every record stored');
    },
    stop,
  };
}

/** pouchdb-server 4 (LevelDB), `_bulk_docs`, no validation functions, no authentication. */
export async function pouchPeer(): Promise<Peer> {
  const dir = mkdtempSync(join(tmpdir(), 'pb-peer-pouch-'));
  writeFileSync(join(dir, 'config.json'), '{}');
  const port = await freePort();
  const bin = join(process.cwd(), 'node_modules', 'pouchdb-server', 'bin', 'pouchdb-server');
  const args = [bin, '--port', String(port), '--dir', dir, '--config', join(dir, 'config.json')];
  const { stop } = await spawnPeer([...args, '--no-stdout-logs'], `http://127.0.0.1:${port}/`, dir);
  const db = `http://127.0.0.1:${port}/bench`;
  const made = await fetch(db, { method: 'PUT' });
  if (!made.ok) throw new Error(`pouchdb-server: cannot create the database (${made.status})`);
  return {
    name: 'pouchdb-server 4.2 (LevelDB), no validation, no auth',
    push: async (batch) => {
      const docs = batch.map((r) => ({ ...r, _id: `${r.id}:${r.version}` }));
      const r = (await postJson(`${db}/_bulk_docs`, { docs })) as { ok?: boolean }[];
      if (r.length !== batch.length || r.some((x) => x.ok !== true))
        throw new Error(`pouchdb-server: not every record stored: ${JSON.stringify(r[0])}`);
    },
    stop,
  };
}
