import type { PhotoRequest, PhotoResponse } from './photo.worker';
import { MessageError } from '$lib/i18n';

export const MAX_EDGE = 1920;
export const JPEG_QUALITY = 0.8;

export type ProcessedPhoto = { bytes: ArrayBuffer; sha256: string; width: number; height: number };

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<
  number,
  { resolve: (p: ProcessedPhoto) => void; reject: (e: Error) => void }
>();

function getWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./photo.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<PhotoResponse>) => {
      const job = pending.get(event.data.id);
      if (!job) return;
      pending.delete(event.data.id);
      if (event.data.ok) {
        const { bytes, sha256, width, height } = event.data;
        job.resolve({ bytes, sha256, width, height });
      } else
        job.reject(
          new MessageError({ key: 'err.photo', params: { detail: String(event.data.error) } }),
        );
    };
  }
  return worker;
}

/** Downscales, stamps and hashes a photo in a worker, so the page never freezes. */
export function processPhoto(file: Blob, stamp: string[]): Promise<ProcessedPhoto> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    const request: PhotoRequest = { id, file, stamp, maxEdge: MAX_EDGE, quality: JPEG_QUALITY };
    getWorker().postMessage(request);
  });
}

/** One position fix, or null after the timeout (indoors, no permission): the address is then typed. */
export function currentPosition(
  timeoutMs = 10_000,
): Promise<{ lat: number; lng: number; accuracyM: number } | null> {
  if (!('geolocation' in navigator)) return Promise.resolve(null);
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      (p) =>
        resolve({
          lat: Math.round(p.coords.latitude * 1e6) / 1e6,
          lng: Math.round(p.coords.longitude * 1e6) / 1e6,
          accuracyM: Math.round(p.coords.accuracy),
        }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 60_000 },
    );
  });
}
