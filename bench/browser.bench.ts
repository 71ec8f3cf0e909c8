import { readFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchProfile } from '../tests/support/browser';
import { freePort, startServer } from '../tests/support/server';
import { FieldApp } from '../tests/browser/pages/field';
import { initialBytes } from '../scripts/bundle-size.js';
import { percentile, record, save, wants } from './support/report';

/** Serves bench/dist (the Vite bundle of bench/client/entry.ts) on its own origin. */
async function serveBench(): Promise<{ url: string; server: Server }> {
  const dir = join(process.cwd(), 'bench', 'dist');
  if (!existsSync(join(dir, 'bench.js')))
    throw new Error('bench/dist missing: run npm run bench (it builds the bundle)');
  const port = await freePort();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/font.ttf') {
      res.setHeader('content-type', 'font/ttf');
      res.end(readFileSync(join(process.cwd(), 'static', 'fonts', 'wqy-microhei-subset.ttf')));
      return;
    }
    if (path === '/') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(
        '<!doctype html><html lang="zh-CN"><body><script type="module" src="/bench.js"></script></body></html>',
      );
      return;
    }
    const file = join(dir, path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader(
      'content-type',
      file.endsWith('.js') ? 'text/javascript' : 'application/octet-stream',
    );
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${port}`, server };
}

/** Bytes of the files under a directory. */
function dirBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    total += e.isDirectory() ? dirBytes(path) : statSync(path).size;
  }
  return total;
}

type Bench = { patrolBench: Record<string, (...a: number[]) => Promise<Record<string, number>>> };

async function run(page: Page, fn: string, ...args: number[]): Promise<Record<string, number>> {
  return page.evaluate(
    async ({ fn, args }) => (window as unknown as Bench).patrolBench[fn]?.(...args) ?? {},
    { fn, args },
  );
}

const needsBundle = ['lookup', 'save', 'photo', 'ledger', 'printer'].some(wants);
/** BENCH_LOOKUP_ENTRIES=20000 or 1000000: the ledger size of the lookup figure (scaling table). */
const LOOKUP_ENTRIES = Number(process.env.BENCH_LOOKUP_ENTRIES ?? 200_000);

describe.skipIf(!needsBundle && !wants('startup'))('phone-side figures in Chromium', () => {
  let profile: Awaited<ReturnType<typeof launchProfile>>;
  let bench: { url: string; server: Server } | null = null;
  let page: Page;

  beforeAll(async () => {
    profile = await launchProfile();
    if (needsBundle) {
      bench = await serveBench();
      page = await profile.context.newPage();
      await page.goto(bench.url);
      await page.waitForFunction(() => 'patrolBench' in window);
    }
  });
  afterAll(async () => {
    await profile?.close();
    bench?.server.close();
  });

  it.skipIf(!wants('lookup'))('first-offence lookup with 200,000 ledger entries', async () => {
    const r = await run(page, 'lookup', LOOKUP_ENTRIES, 200);
    record({
      part: 'lookup',
      figure: `local lookup, ${LOOKUP_ENTRIES / 1000}k ledger entries, p50`,
      value: r.p50 ?? 0,
      unit: 'ms',
      baseline: r.base50 ?? null,
      baselineLabel: 'ms, the same reads in raw IndexedDB (two buckets, the dictionary)',
    });
    record({
      part: 'lookup',
      figure: `local lookup, ${LOOKUP_ENTRIES / 1000}k ledger entries, p95`,
      value: r.p95 ?? 0,
      unit: 'ms',
      baseline: r.base95 ?? null,
      baselineLabel: 'ms, the same reads in raw IndexedDB (two buckets, the dictionary)',
    });
    // The same lookup on the database without the encryption layer (ADR 0018): the ledger is
    // not sealed, so this shows the layer's pass-through cost.
    const off = await run(page, 'lookup', LOOKUP_ENTRIES, 200, 0);
    record({
      part: 'lookup',
      figure: `local lookup, ${LOOKUP_ENTRIES / 1000}k entries, p50, encryption layer on vs off`,
      value: r.p50 ?? 0,
      unit: 'ms',
      baseline: off.p50 ?? null,
      baselineLabel: 'ms, the same lookup without the encryption layer',
    });
    save('lookup');
  });

  it.skipIf(!wants('ledger'))('the city-wide ledger pulled onto a phone', async () => {
    // A profile of its own: its IndexedDB directory then holds this ledger and nothing else.
    const dir = mkdtempSync(join(tmpdir(), 'patrolbook-bench-ledger-'));
    const idbDir = join(dir, 'Default', 'IndexedDB');
    const open = async () => {
      const profile = await launchProfile({ dir, args: ['--js-flags=--expose-gc'] });
      const phone = await profile.context.newPage();
      await phone.goto(bench?.url ?? '');
      await phone.waitForFunction(() => 'patrolBench' in window);
      return { profile, phone };
    };
    try {
      const first = await open();
      const r = await run(first.phone, 'ledgerPull', LOOKUP_ENTRIES);
      // Right after the pull LevelDB may still hold tables its last compaction replaced (an
      // iterator open at the time keeps them until the next one): the phone's disk for now.
      const atOnce = dirBytes(idbDir);
      await first.profile.close();
      // What the phone keeps: the app opened again reads its ledger; the files once settled.
      const again = await open();
      const kept = await run(again.phone, 'ledgerKept');
      let onDisk = dirBytes(idbDir);
      for (let quiet = 0, i = 0; i < 30 && quiet < 5; i++) {
        await new Promise((f) => setTimeout(f, 1000));
        const now = dirBytes(idbDir);
        quiet = now < onDisk ? 0 : quiet + 1;
        onDisk = Math.min(onDisk, now);
      }
      await again.profile.close();
      record({
        part: 'ledger',
        figure: `pull ${LOOKUP_ENTRIES / 1000}k ledger entries (the app's pull: pages of 500 parsed, held, written once; JS heap held at most ${((r.heldHeap ?? 0) / 1e6).toFixed(0)} MB more)`,
        value: (r.ms ?? 0) / 1000,
        unit: 's',
        baseline: (r.parse ?? 0) / 1000,
        baselineLabel: 's of it parsing the JSON pages with the wire contract',
      });
      record({
        part: 'ledger',
        figure: `storage of ${LOOKUP_ENTRIES / 1000}k ledger entries right after the pull (IndexedDB files on disk, with any tables LevelDB has replaced but not yet deleted)`,
        value: atOnce / 1_000_000,
        unit: 'MB',
        baseline: 25,
        baselineLabel: 'MB, the budget (issue 15)',
      });
      record({
        part: 'ledger',
        figure: `storage of ${LOOKUP_ENTRIES / 1000}k ledger entries as the phone keeps them (${kept.rows ?? 0} buckets holding ${((kept.live ?? 0) / 1e6).toFixed(1)} MB; IndexedDB files on disk, the app opened again; the browser estimates ${((kept.estimate ?? 0) / 1e6).toFixed(1)} MB)`,
        value: onDisk / 1_000_000,
        unit: 'MB',
        baseline: 25,
        baselineLabel: 'MB, the budget (issue 15)',
      });
      save('ledger');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!wants('save'))('finishing a record with 3 photos (outbox included)', async () => {
    const r = await run(page, 'save', 15);
    record({
      part: 'save',
      figure: 'store 3 photos (hashed at capture) + finish record (numbers, hash, outbox), p50',
      value: r.p50 ?? 0,
      unit: 'ms',
      baseline: r.base50 ?? null,
      baselineLabel: 'ms, raw IndexedDB put of the same objects',
    });
    record({
      part: 'save',
      figure: 'store 3 photos + finish record, p50, against raw puts committed as the app commits',
      value: r.p50 ?? 0,
      unit: 'ms',
      baseline: r.committed50 ?? null,
      baselineLabel: 'ms, raw IndexedDB puts, a transaction per photo, then record + outbox',
    });
    record({
      part: 'save',
      figure: 'store 3 photos + finish record, p95',
      value: r.p95 ?? 0,
      unit: 'ms',
      baseline: r.base95 ?? null,
      baselineLabel: 'ms, raw IndexedDB put',
    });
    record({
      part: 'save',
      figure: 'finish record alone (numbers, validation, hash, record + outbox + ledger), p50',
      value: r.finish50 ?? 0,
      unit: 'ms',
      baseline: r.finishBase50 ?? null,
      baselineLabel: 'ms, raw IndexedDB put of the record and its outbox row',
    });
    const off = await run(page, 'save', 15, 0);
    record({
      part: 'save',
      figure: 'store 3 photos + finish record, p50, encryption on vs off',
      value: r.p50 ?? 0,
      unit: 'ms',
      baseline: off.p50 ?? null,
      baselineLabel: 'ms, the same save without the encryption layer',
    });
    save('save');
  });

  it.skipIf(!wants('printer'))(
    'a notice for an 80 mm Bluetooth printer, on the phone profile (4x CPU slowdown)',
    async () => {
      const cdp = await profile.context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      try {
        const r = await run(page, 'printer', 15);
        record({
          part: 'printer',
          figure:
            'noPenaltyDecision for 80 mm: draw in printer dots + 1-bit + ESC/POS, 4x CPU slowdown, p50',
          value: r.escpos50 ?? 0,
          unit: 'ms',
          baseline: r.pdf50 ?? null,
          baselineLabel: 'ms, the 80 mm PDF of the same notice (font loaded)',
        });
        record({
          part: 'printer',
          figure: 'noPenaltyDecision for 80 mm: bytes sent to the printer (ESC/POS raster)',
          value: (r.escposBytes ?? 0) / 1000,
          unit: 'KB',
          baseline: (r.pdfBytes ?? 0) / 1000,
          baselineLabel: 'KB, the 80 mm PDF of the same notice',
        });
        // At 180 bytes per acknowledged write, BLE 4.2 printers take roughly 5-20 KB/s.
      } finally {
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
      }
      save('printer');
    },
  );

  it.skipIf(!wants('photo'))('12-megapixel JPEG to the stored 1920 px JPEG', async () => {
    const r = await run(page, 'photo', 4000, 3000, 8);
    record({
      part: 'photo',
      figure: '12 MP -> 1920 px in the worker (decode, scale, stamp, encode, hash), p50',
      value: r.p50 ?? 0,
      unit: 'ms',
      baseline: r.base50 ?? null,
      baselineLabel: 'ms, createImageBitmap + canvas encode on the page',
      note: `in ${((r.inBytes ?? 0) / 1024).toFixed(0)} KB, out ${((r.outBytes ?? 0) / 1024).toFixed(0)} KB`,
    });
    record({
      part: 'photo',
      figure: 'stored photo size',
      value: (r.outBytes ?? 0) / 1024,
      unit: 'KB',
      baseline: (r.inBytes ?? 0) / 1024,
      baselineLabel: 'KB, 12 MP camera JPEG',
    });
    save('photo');
  });

  it.skipIf(!wants('startup'))(
    'officer app start-up offline from the service worker, 4x CPU slowdown',
    async () => {
      const server = await startServer({ env: { DEMO_SEED: '1', DEMO_RECORDS: '0' } });
      try {
        const p = await profile.context.newPage();
        const app = new FieldApp(p, server.url);
        await app.open();
        await app.login('officer1');
        await app.waitSynced();
        await p.waitForFunction(() => navigator.serviceWorker.controller !== null);
        await profile.context.setOffline(true);
        const cdp = await profile.context.newCDPSession(p);
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
        const times: number[] = [];
        const base: number[] = [];
        for (let i = 0; i < 10; i++) {
          await p.evaluate(() => sessionStorage.clear());
          const t0 = performance.now();
          await p.goto(`${server.url}/`);
          await p.getByLabel('6 位数字 PIN').waitFor();
          times.push(performance.now() - t0);
          const b0 = performance.now();
          await p.goto(`${server.url}/manifest.webmanifest`);
          base.push(performance.now() - b0);
        }
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
        await profile.context.setOffline(false);
        record({
          part: 'startup',
          figure: 'offline start to usable PIN screen, 4x CPU slowdown, p50',
          value: percentile(times, 50),
          unit: 'ms',
          baseline: percentile(base, 50),
          baselineLabel: 'ms, same worker serving a cached static file',
        });
        for (const [route, html] of [
          ['/', 'index.html'],
          ['/settings', 'settings.html'],
        ] as const) {
          const b = initialBytes(`build/prerendered/${html}`);
          record({
            part: 'startup',
            figure: `initial JS of ${route} (gzip)`,
            value: b.js / 1024,
            unit: 'KB',
            baseline: 120,
            baselineLabel: 'KB budget',
            note: `CSS ${(b.css / 1024).toFixed(1)} KB`,
          });
        }
      } finally {
        await server.stop();
      }
      save('startup');
    },
  );
});
