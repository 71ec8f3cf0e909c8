/// <reference lib="webworker" />
import { toHex } from '$lib/domain/integrity';

/**
 * Turns a camera file into stored evidence off the main thread: decode (EXIF orientation
 * applied), downscale to at most 1920 px on the long edge, stamp time, place and officer, encode
 * JPEG at 0.8 and hash the bytes that will be stored and uploaded.
 */
export type PhotoRequest = {
  id: number;
  file: Blob;
  stamp: string[];
  maxEdge: number;
  quality: number;
};
export type PhotoResponse =
  | { id: number; ok: true; bytes: ArrayBuffer; sha256: string; width: number; height: number }
  | { id: number; ok: false; error: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (event: MessageEvent<PhotoRequest>) => {
  const { id, file, stamp, maxEdge, quality } = event.data;
  try {
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    const scale = Math.min(1, maxEdge / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    ctx.drawImage(bitmap, 0, 0, width, height);
    bitmap.close();
    drawStamp(ctx, width, height, stamp);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
    const bytes = await blob.arrayBuffer();
    const sha256 = toHex(await crypto.subtle.digest('SHA-256', bytes));
    scope.postMessage({ id, ok: true, bytes, sha256, width, height } satisfies PhotoResponse, [
      bytes,
    ]);
  } catch (e) {
    scope.postMessage({
      id,
      ok: false,
      error: e instanceof Error ? e.message : String(e),
    } satisfies PhotoResponse);
  }
};

function drawStamp(
  ctx: OffscreenCanvasRenderingContext2D,
  width: number,
  height: number,
  lines: string[],
) {
  if (lines.length === 0) return;
  const size = Math.max(14, Math.round(Math.min(width, height) / 36));
  const pad = Math.round(size * 0.6);
  const band = lines.length * size * 1.35 + pad * 2;
  ctx.fillStyle = 'rgba(0, 0, 0, 0.55)';
  ctx.fillRect(0, height - band, width, band);
  ctx.fillStyle = '#fff';
  ctx.font = `${size}px "WenQuanYi Micro Hei", "PingFang SC", "Noto Sans CJK SC", sans-serif`;
  ctx.textBaseline = 'top';
  lines.forEach((line, i) =>
    ctx.fillText(line, pad, height - band + pad + i * size * 1.35, width - pad * 2),
  );
}
