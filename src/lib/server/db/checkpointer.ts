import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the request path (ADR 0017). SQLite's automatic checkpoint runs inside the
 * commit that crosses 1,000 pages of WAL: that commit copies the pages into the database file and
 * waits for fsync, on the one thread that serves every request (a push's commit took 48 ms on
 * average with it, 11 ms without). Here a worker thread with its own connection runs a PASSIVE
 * checkpoint shortly after commits: PASSIVE never waits for or blocks the writer or the readers,
 * and a checkpoint cut short by a crash is finished by the next one (SQLite's own guarantee), so
 * nothing about durability changes. The writer keeps an automatic checkpoint as a backstop. SQLite
 * starts the WAL again only when a write begins after a checkpoint has copied all of it, which
 * pushes arriving back to back seldom leave time for: during a long ingest the WAL grows to the
 * backstop, whose checkpoint then resets it (ADR 0017, amendment).
 */

/**
 * The writer's own checkpoint, at 16,384 pages (64 MB): it resets a WAL that pushes arriving back
 * to back keep from starting again, and takes over should the worker die.
 */
export const WAL_BACKSTOP_PAGES = 16_384;
/** At most one checkpoint per this many ms while commits keep coming. */
const EVERY_MS = 250;

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
parentPort.on('message', (m) => {
  if (m === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, busy: r.busy, log: r.log, done: r.checkpointed });
  } catch (e) {
    parentPort.postMessage({ ok: false, message: String((e && e.message) || e) });
  }
});
`;

export type Checkpointer = {
  /** Called after every commit on the writer: a checkpoint follows within EVERY_MS. */
  committed: () => void;
  /** Runs a last checkpoint and ends the worker. */
  stop: () => Promise<void>;
};

export function startCheckpointer(path: string): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(SOURCE, { eval: true, workerData: { path, driver } });
  worker.unref();
  let running = false;
  let wanted = false;
  let lastAt = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  let failures = 0;
  let idle: (() => void) | null = null;

  const run = () => {
    timer = null;
    if (stopped || running) return;
    wanted = false;
    running = true;
    worker.postMessage('run');
  };
  const schedule = () => {
    if (stopped || timer || running) return;
    const wait = Math.max(0, lastAt + EVERY_MS - Date.now());
    timer = setTimeout(run, wait);
    timer.unref();
  };
  worker.on('message', (m: { ok: boolean; message?: string }) => {
    running = false;
    lastAt = Date.now();
    if (!m.ok && failures++ < 3) console.error(`WAL checkpoint failed: ${m.message ?? ''}`);
    if (idle) idle();
    else if (wanted) schedule();
  });
  worker.on('error', (e) => {
    // The backstop checkpoint of the writer takes over; the server carries on.
    stopped = true;
    running = false;
    console.error(`WAL checkpoint worker stopped: ${e.message}`);
    idle?.();
  });

  return {
    committed: () => {
      wanted = true;
      schedule();
    },
    stop: async () => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (!stopped) {
        stopped = true;
        if (running) await new Promise<void>((resolve) => (idle = resolve));
        const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        worker.postMessage('stop');
        await exited;
      }
    },
  };
}
