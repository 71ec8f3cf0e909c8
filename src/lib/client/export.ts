import { base64Of as base64 } from '$lib/domain/bytes';
import { referencedBlobs } from '$lib/domain/record';
import type { ExportFile } from '$lib/sync/contract';
import type { PatrolDb } from './db';
import { deviceId, getSetting } from './settings';

/** Every record still in the outbox with its evidence, as one file the console can import. */
export async function exportUnsynced(db: PatrolDb): Promise<{ file: ExportFile; count: number }> {
  const me = await getSetting(db, 'me');
  const rows = await db.outbox.toArray();
  const records = [];
  const hashes = new Set<string>();
  for (const row of rows) {
    const r = await db.records.get([row.recordId, row.version]);
    if (!r) continue;
    records.push(r.record);
    for (const h of referencedBlobs(r.record)) hashes.add(h);
  }
  const blobs: ExportFile['blobs'] = [];
  for (const sha256 of hashes) {
    const b = await db.evidence.get(sha256);
    if (b) blobs.push({ sha256, mime: b.mime, base64: base64(b.bytes) });
  }
  const file: ExportFile = {
    format: 'patrolbook-export',
    version: 1,
    exportedAt: new Date().toISOString(),
    deviceId: await deviceId(db),
    officer: { userId: me?.id ?? '', name: me?.realName ?? '' },
    records,
    blobs,
  };
  return { file, count: records.length };
}

export function downloadJson(name: string, value: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(value)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
