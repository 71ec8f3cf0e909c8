/**
 * Browser-side benchmarks, bundled by Vite from the app's own modules (Dexie schema, local
 * first-offence lookup, finishing a draft, the photo worker) and driven by bench/browser.bench.ts.
 */
import Dexie from 'dexie';
import { starterCatalog } from '$lib/domain/starter-catalog';
import { sha256Hex } from '$lib/domain/integrity';
import { PatrolDb, type Draft } from '$lib/client/db';
import { localPriors, putLedgerEntries } from '$lib/client/ledger';
import { partyKeyDigest } from '$lib/domain/party';
import { sealFile } from '$lib/client/media/evidence';
import { processPhoto } from '$lib/client/media/photos';
import { finishDraft, newDraft } from '$lib/client/records';
import { getSetting, setSetting } from '$lib/client/settings';
import { SyncEngine } from '$lib/client/sync/engine';
import { Vault } from '$lib/client/vault';
import { pullResponseSchema } from '$lib/sync/contract';
import type { LedgerEntry, Me } from '$lib/sync/contract';
import { officerMe, recordContent } from '../../tests/support/factories';
import { COPY_LABELS } from '$lib/domain/labels';
import { lockRecord } from '$lib/domain/record';
import { printJob, TEMPLATE_VERSION } from '$lib/notices/content';
import { escposCopy } from '$lib/notices/escpos';
import { base64Of } from '$lib/notices/font';
import { renderRaster } from '$lib/notices/raster';
import { renderPdf } from '$lib/notices/render';

/** The ledger holds digests of matching keys, as phones receive them. */
const KEY = 'ab'.repeat(32);

const me: Me = officerMe({ publicUrl: location.origin, ledgerKey: KEY });

/** An unlocked phone (its vault open), or with `sealed` false the same database without the
 * encryption layer: the baseline that shows what sealing costs. */
function phoneDb(name: string, sealed = true): PatrolDb {
  const vault = new Vault();
  vault.open(crypto.getRandomValues(new Uint8Array(32)));
  const db = new PatrolDb(name, vault);
  return sealed ? db : db.withoutSeal();
}

function pct(v: number[], p: number) {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
}

async function seedLedger(n: number, sealed = true) {
  await Dexie.delete('bench-ledger');
  const db = phoneDb('bench-ledger', sealed);
  const entries: LedgerEntry[] = [];
  for (let i = 0; i < n; i++) {
    entries.push({
      recordId: `0190a0b0-0000-7000-8000-${i.toString(16).padStart(12, '0')}`,
      partyKeys: [await partyKeyDigest(KEY, idKey(i))],
      itemCode: `SR-0${(i % 9) + 1}`,
      date: '2026-05-01',
      squadId: 'sq',
      branch: 'firstOffence',
      source: 'server' as const,
      district: '金安区',
      squadName: '金安区中队',
      partyHint: '王*',
    });
    if (entries.length === 10_000) await putLedgerEntries(db, entries.splice(0));
  }
  if (entries.length) await putLedgerEntries(db, entries);
  return db;
}

async function lookup(n: number, runs: number, sealed = 1) {
  const db = await seedLedger(n, sealed === 1);
  await db.open();
  const raw = db.backendDB();
  const keys = Array.from({ length: runs }, (_, i) => idKey((i * 7919) % n));
  const other = (k: string) => `person:王喆|1380013${String(i8(k)).padStart(4, '0')}`;
  // The same reads the lookup makes (the two keys' buckets and the dictionary, one read-only
  // transaction), with the keys' digests computed beforehand: the lookup's figure includes its
  // two HMACs (WebCrypto), its decoding and its grouping, this one does not. Taken turn about
  // with the lookups, on other keys (neither finds the other's blocks in a cache), after a
  // warm-up of both.
  const rawKeys = Array.from({ length: runs }, (_, i) => idKey((i * 104729 + 17) % n));
  const digests = await Promise.all(
    rawKeys.map(async (k) => [await partyKeyDigest(KEY, k), await partyKeyDigest(KEY, other(k))]),
  );
  const read = (store: IDBObjectStore, key: IDBValidKey) =>
    new Promise((resolve, reject) => {
      const req = store.get(key);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(new Error(String(req.error)));
    });
  const rawRead = async (pair: string[]) => {
    const tx = raw.transaction(['ledgerBuckets', 'settings']);
    const buckets = tx.objectStore('ledgerBuckets');
    await Promise.all([
      ...pair.map((k) => read(buckets, parseInt(k.slice(2, 6), 16))),
      read(tx.objectStore('settings'), 'ledgerDict'),
    ]);
  };
  const times: number[] = [];
  const base: number[] = [];
  for (let i = -20; i < runs; i++) {
    const k = keys[(i + runs) % runs] as string;
    const t0 = performance.now();
    const found = await localPriors(db, [k, other(k)], KEY);
    const t1 = performance.now();
    if (found.length !== 1) throw new Error(`lookup found ${found.length}`);
    await rawRead(digests[(i + runs) % runs] as string[]);
    const t2 = performance.now();
    if (i < 0) continue;
    times.push(t1 - t0);
    base.push(t2 - t1);
  }
  db.close();
  await Dexie.delete('bench-ledger');
  return {
    p50: pct(times, 50),
    p95: pct(times, 95),
    base50: pct(base, 50),
    base95: pct(base, 95),
  };
}
function i8(k: string) {
  return k.length % 10000;
}
/** A distinct resident-ID key per ledger row (strings: these numbers exceed 2^53). */
function idKey(i: number) {
  return `id:3401021900${String(i).padStart(7, '0')}X`;
}

function photoBytes(n: number, size: number): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (let i = 0; i < n; i++) {
    const b = new Uint8Array(size);
    crypto.getRandomValues(b.subarray(0, 65536));
    for (let j = 65536; j < size; j += 65536) b.set(b.subarray(0, Math.min(65536, size - j)), j);
    b.set([0xff, 0xd8, 0xff, 0xe0, i], 0);
    out.push(b.buffer);
  }
  return out;
}

/** The photos as the camera step hands them over: hashed in the photo worker at capture. */
async function captured(photos: ArrayBuffer[]) {
  return Promise.all(photos.map(async (bytes) => ({ bytes, sha256: await sha256Hex(bytes) })));
}

async function completeDraft(
  db: PatrolDb,
  photos: { bytes: ArrayBuffer; sha256: string }[],
): Promise<Draft> {
  const d = newDraft(starterCatalog);
  const at = d.createdAt;
  const evidence = [];
  for (const [i, { bytes, sha256 }] of photos.entries()) {
    await db.evidence.put(await sealFile(db, { sha256, bytes, mime: 'image/jpeg', createdAt: at }));
    evidence.push({
      sha256,
      kind: i === 1 ? ('after' as const) : ('before' as const),
      mime: 'image/jpeg' as const,
      bytes: bytes.byteLength,
      takenAt: at,
      capturedBy: me.id,
    });
  }
  // The signatures' image, kept as the app keeps it when drawn: a record names only files the
  // phone holds.
  const sigBytes = new TextEncoder().encode('sig');
  const sig = await sha256Hex(sigBytes);
  await db.evidence.put(
    await sealFile(db, {
      sha256: sig,
      bytes: sigBytes.buffer.slice(0),
      mime: 'image/png',
      createdAt: at,
    }),
  );
  Object.assign(d, {
    itemCode: 'SR-02',
    party: {
      kind: 'person',
      name: '李堃',
      idNumber: '340102199003071232',
      mobile: '13800138000',
      address: '六安市金安区佛子岭路18号',
    },
    place: { address: '六安市金安区梅山南路', source: 'manual' },
    facts: '流动摊点占道经营。',
    answers: {
      conditions: { slightHarm: true, cooperates: true, notFixedSpot: true },
      exclusions: { safetyRisk: false, personalInjury: false, propertyDamage: false },
      correction: { mode: 'onTheSpot', corrected: true },
      commitmentSigned: true,
      discretionReason: '首次违法',
    },
    firstOffenceCheck: {
      checkedAt: at,
      sources: ['local'],
      partyKeys: ['id:340102199003071232'],
      priors: [],
    },
    education: {
      methods: ['persuasion'],
      content: '已教育',
      lawExplained: '《城市道路管理条例》第二十七条',
      partyStatement: '',
    },
    evidence,
    secondOfficer: { userId: 'u-officer2', name: '王喆', certificateNo: '34151002' },
    procedure: { certificatesShown: true, recusalNotified: true, recorder: 0 },
    signatures: {
      party: { kind: 'signed', signature: { sha256: sig, signerName: '李堃', signedAt: at } },
      officers: [
        { sha256: sig, signerName: '张伟', signedAt: at },
        { sha256: sig, signerName: '王喆', signedAt: at },
      ],
    },
  });
  await db.drafts.put(d);
  return d;
}

async function save(runs: number, sealed = 1) {
  const times: number[] = [];
  const base: number[] = [];
  const finishing: number[] = [];
  const finishBase: number[] = [];
  const committed: number[] = [];
  for (let i = 0; i < runs; i++) {
    await Dexie.delete('bench-save');
    const db = phoneDb('bench-save', sealed === 1);
    await setSetting(db, 'deviceId', '0190a0b0-0000-7000-8000-0000000000aa');
    const photos = await captured(photoBytes(3, 400 * 1024));
    const t0 = performance.now();
    const draft = await completeDraft(db, photos);
    const t1 = performance.now();
    const r = await finishDraft(db, draft, { catalog: starterCatalog, me });
    times.push(performance.now() - t0);
    finishing.push(performance.now() - t1);
    if (!r.ok) throw new Error(r.issues.map((x) => x.message).join());
    db.close();
    await Dexie.delete('bench-raw');
    const raw = await new Promise<IDBDatabase>((resolve) => {
      const req = indexedDB.open('bench-raw', 1);
      req.onupgradeneeded = () => {
        for (const s of ['evidence', 'records', 'outbox']) req.result.createObjectStore(s);
      };
      req.onsuccess = () => resolve(req.result);
    });
    const record = r.record;
    const b0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const tx = raw.transaction(['evidence', 'records', 'outbox'], 'readwrite');
      photos.forEach((p, j) => tx.objectStore('evidence').put({ bytes: p.bytes }, j));
      tx.objectStore('records').put(record, 1);
      tx.objectStore('outbox').put({ id: record.id }, 1);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(new Error(String(tx.error)));
    });
    base.push(performance.now() - b0);
    // The same puts committed as the app must commit them: each photo in its own transaction
    // when it is taken (a photo is never lost to a later failure), then record and outbox.
    const put = (stores: string[], write: (tx: IDBTransaction) => void) =>
      new Promise<void>((resolve, reject) => {
        const tx = raw.transaction(stores, 'readwrite');
        write(tx);
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(new Error(String(tx.error)));
      });
    const c0 = performance.now();
    for (const [j, p] of photos.entries())
      await put(['evidence'], (tx) => tx.objectStore('evidence').put({ bytes: p.bytes }, 10 + j));
    await put(['records', 'outbox'], (tx) => {
      tx.objectStore('records').put(record, 3);
      tx.objectStore('outbox').put({ id: record.id }, 3);
    });
    committed.push(performance.now() - c0);
    // Finishing alone against the raw put of what it writes (the record and its outbox row).
    const f0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const tx = raw.transaction(['records', 'outbox'], 'readwrite');
      tx.objectStore('records').put(record, 2);
      tx.objectStore('outbox').put({ id: record.id }, 2);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(new Error(String(tx.error)));
    });
    finishBase.push(performance.now() - f0);
    raw.close();
  }
  return {
    p50: pct(times, 50),
    p95: pct(times, 95),
    base50: pct(base, 50),
    base95: pct(base, 95),
    finish50: pct(finishing, 50),
    finishBase50: pct(finishBase, 50),
    committed50: pct(committed, 50),
  };
}

async function photo(width: number, height: number, runs: number) {
  const c = new OffscreenCanvas(width, height);
  const g = c.getContext('2d');
  if (!g) throw new Error('2d');
  const grad = g.createLinearGradient(0, 0, width, height);
  grad.addColorStop(0, '#3a7');
  grad.addColorStop(1, '#a37');
  g.fillStyle = grad;
  g.fillRect(0, 0, width, height);
  for (let i = 0; i < 2000; i++) {
    g.fillStyle = `hsl(${i % 360},60%,50%)`;
    g.fillRect((i * 131) % width, (i * 71) % height, 60, 40);
  }
  const source = await c.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
  const times: number[] = [];
  const base: number[] = [];
  let out = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const p = await processPhoto(source, [
      '2026年11月27日 10时00分',
      '六安市金安区梅山南路12号',
      '张伟 执法证号34151001',
    ]);
    times.push(performance.now() - t0);
    out = p.bytes.byteLength;
    const b0 = performance.now();
    const bmp = await createImageBitmap(source);
    const scale = 1920 / Math.max(bmp.width, bmp.height);
    const cv = new OffscreenCanvas(Math.round(bmp.width * scale), Math.round(bmp.height * scale));
    cv.getContext('2d')?.drawImage(bmp, 0, 0, cv.width, cv.height);
    await cv.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
    base.push(performance.now() - b0);
  }
  return { p50: pct(times, 50), base50: pct(base, 50), inBytes: source.size, outBytes: out };
}

/**
 * The city-wide ledger arriving on a phone: `n` entries in pages of 500 as the pull feed sends
 * them (JSON, parsed with the wire contract, applied as the sync engine applies a page, one
 * transaction per page), then the storage it takes.
 */
async function ledgerPull(n: number) {
  await Dexie.delete('bench-pull');
  const db = phoneDb('bench-pull');
  await db.open();
  // Digests and record ids as random as the real ones (HMAC output, UUIDv7's random bits): a
  // pattern would let the storage engine's compression flatter the figure.
  const random = (bytes: number) =>
    [...crypto.getRandomValues(new Uint8Array(bytes))]
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('');
  const hex = () => `k:${random(16)}`;
  const uuid = () => {
    const r = random(16);
    return `${r.slice(0, 8)}-${r.slice(8, 12)}-7${r.slice(13, 16)}-8${r.slice(17, 20)}-${r.slice(20)}`;
  };
  const squads = ['金安区中队', '裕安区中队', '叶集区中队', '经开区中队'];
  /** The feed page after `cursor`, as the server's JSON. */
  const page = (cursor: number) => {
    const changes = [];
    for (let j = cursor; j < Math.min(n, cursor + 500); j++) {
      changes.push({
        seq: j + 1,
        kind: 'ledger',
        at: '2026-11-30T02:00:00.000Z',
        entry: {
          recordId: uuid(),
          itemCode: `SR-0${(j % 9) + 1}`,
          partyKeys: j % 3 === 0 ? [hex(), hex()] : [hex()],
          date: `2026-${String((j % 11) + 1).padStart(2, '0')}-15`,
          squadId: `sq-${j % 4}`,
          branch: 'firstOffence',
          source: 'server',
          district: `区${j % 4}`,
          squadName: squads[j % 4],
          partyHint: '王*',
        },
      });
    }
    return JSON.stringify({
      cursor: Math.min(n, cursor + 500),
      more: cursor + 500 < n,
      changes,
      ledgerKeyId: '0123456789abcdef',
      ledgerSince: '2025-11-01',
    });
  };
  // The app's own pull (`SyncEngine.pull`, 200 pages a call as each sync run makes it) against a
  // feed made here. Making the pages is not the phone's work and is left out of the time; parsing
  // them with the wire contract is, and is also reported on its own.
  let making = 0;
  let parse = 0;
  // The JS heap held while pages wait to be written (after a collection, every 40 pages; the
  // profile runs with --expose-gc): the price of writing once.
  const heap = () => {
    (globalThis as { gc?: () => void }).gc?.();
    return (
      (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory
        ?.usedJSHeapSize ?? 0
    );
  };
  const heap0 = heap();
  let heapPeak = heap0;
  let requests = 0;
  const transport = (path: string) => {
    const m0 = performance.now();
    if (requests++ % 40 === 39) heapPeak = Math.max(heapPeak, heap());
    const body = page(Number(new URL(path, location.origin).searchParams.get('cursor')));
    const p0 = performance.now();
    pullResponseSchema.parse(JSON.parse(body));
    const p1 = performance.now();
    parse += p1 - p0;
    making += p1 - m0;
    return Promise.resolve(new Response(body, { headers: { 'content-type': 'application/json' } }));
  };
  await setSetting(db, 'ledgerKeyId', '0123456789abcdef');
  const engine = new SyncEngine(db, () => undefined, transport);
  const t0 = performance.now();
  while (((await getSetting(db, 'pullCursor')) ?? 0) < n) await engine.pull();
  const ms = performance.now() - t0 - making;
  if ((await getSetting(db, 'pullCursor')) !== n) throw new Error('pull did not finish');
  db.close();
  return { ms, parse, heldHeap: heapPeak - heap0 };
}

/** The pulled ledger as the app finds it when opened again: its buckets and what they hold. */
async function ledgerKept() {
  const db = phoneDb('bench-pull');
  await db.open();
  const rows = await db.ledgerBuckets.count();
  let live = 0;
  await db.ledgerBuckets.each((v) => void (live += v.byteLength));
  db.close();
  return { rows, live, estimate: (await navigator.storage.estimate()).usage ?? 0 };
}

/**
 * One notice (the decision of no penalty) for an 80 mm Bluetooth printer: drawn in printer dots
 * and encoded as ESC/POS, against the 80 mm PDF of the same notice; the font already loaded.
 */
async function printer(runs: number) {
  const font = new Uint8Array(await (await fetch('/font.ttf')).arrayBuffer());
  document.fonts.add(await new FontFace('Bench WenQuanYi', font).load());
  const fontBase64 = base64Of(font);
  const record = await lockRecord(recordContent({ templateVersion: TEMPLATE_VERSION }));
  const doc = record.documents.find((d) => d.docType === 'noPenaltyDecision');
  if (!doc) throw new Error('no decision');
  const job = await printJob({ record, doc, catalog: starterCatalog, baseUrl: location.origin });
  // A signature as the pad makes it: strokes on a transparent canvas, PNG.
  const pad = new OffscreenCanvas(600, 200);
  const g = pad.getContext('2d');
  if (!g) throw new Error('2d');
  g.lineWidth = 4;
  g.beginPath();
  for (let x = 20; x < 580; x += 20) g.lineTo(x, 100 + (x % 40 ? -50 : 50));
  g.stroke();
  const png = new Uint8Array(await (await pad.convertToBlob({ type: 'image/png' })).arrayBuffer());
  const bitmap = await createImageBitmap(new Blob([png], { type: 'image/png' }));
  const escpos = async () =>
    escposCopy(
      await renderRaster({
        content: job.content,
        paper: '80mm',
        copy: COPY_LABELS.party,
        fontFamily: 'Bench WenQuanYi',
        image: () =>
          Promise.resolve({ source: bitmap, width: bitmap.width, height: bitmap.height }),
        verify: { url: job.url, short: job.short },
        canvas: (w, h) => new OffscreenCanvas(w, h),
      }),
      '80mm',
    );
  const pdf = () =>
    renderPdf({
      content: job.content,
      layout: '80mm',
      fontBase64,
      image: () => Promise.resolve({ bytes: png, format: 'PNG' }),
      verify: { url: job.url, short: job.short },
      createdAt: job.createdAt,
      fileId: job.fileId,
    });
  const escposBytes = (await escpos()).length;
  const pdfBytes = (await pdf()).length;
  const escposTimes: number[] = [];
  const pdfTimes: number[] = [];
  // Taken turn about, after the warm-up above.
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now();
    await escpos();
    escposTimes.push(performance.now() - t0);
    t0 = performance.now();
    await pdf();
    pdfTimes.push(performance.now() - t0);
  }
  return {
    escpos50: pct(escposTimes, 50),
    pdf50: pct(pdfTimes, 50),
    escposBytes,
    pdfBytes,
  };
}

(window as unknown as { patrolBench: unknown }).patrolBench = {
  lookup,
  save,
  photo,
  ledgerPull,
  ledgerKept,
  printer,
};
