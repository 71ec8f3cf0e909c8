/** Storage the browser grants the app, and whether it may evict it. */
export type StorageInfo = { persisted: boolean | null; usage: number | null; quota: number | null };

/** Below this much free space, new evidence is refused before capture (never mid-save). */
export const MIN_FREE_BYTES = 50 * 1024 * 1024;

export async function storageInfo(): Promise<StorageInfo> {
  const s = navigator.storage as StorageManager | undefined;
  const persisted = s?.persisted ? await s.persisted() : null;
  const estimate = s?.estimate ? await s.estimate() : undefined;
  return { persisted, usage: estimate?.usage ?? null, quota: estimate?.quota ?? null };
}

/** Asks the browser not to evict the app's data; the answer is shown to the officer. */
export async function requestPersistence(): Promise<boolean | null> {
  const s = navigator.storage as StorageManager | undefined;
  if (!s?.persist) return null;
  try {
    return await s.persist();
  } catch {
    return false;
  }
}

export function freeBytes(info: StorageInfo): number | null {
  return info.usage !== null && info.quota !== null ? info.quota - info.usage : null;
}

export function formatBytes(n: number | null): string {
  if (n === null) return '—';
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.round(n / 1024)} KB`;
}
