import { createHash } from 'node:crypto';
import { signatureHashes, type LockedRecord, type Signature } from '$lib/domain/record';
import type { AppContext } from '../app';
import { recordBlob } from '../repos/blobs';
import { Raster } from './png';
import type { Rng } from './random';

/** The demo's pictures and signatures: drawn once, stored in the real blob store. */

export type BlobPool = { photos: string[]; afterPhotos: string[]; signatures: string[] };

async function storeBlob(ctx: AppContext, bytes: Uint8Array, userId: string): Promise<string> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const r = await ctx.blobs.put(sha256, bytes, {
    maxBytes: ctx.config.maxBlobBytes,
    accept: () => true,
  });
  if (!r.ok) throw new Error(`demo blob not stored: ${r.reason}`);
  await recordBlob(ctx.db, { sha256, size: bytes.length, mime: 'image/png', userId });
  return sha256;
}

export async function makeBlobs(ctx: AppContext, rng: Rng): Promise<BlobPool> {
  const pool: BlobPool = { photos: [], afterPhotos: [], signatures: [] };
  for (let i = 0; i < 16; i++) {
    for (const after of [false, true]) {
      const r = new Raster(480, 360, [
        150 + Math.floor(rng() * 60),
        190 + Math.floor(rng() * 50),
        230,
      ]);
      r.rect(0, 220, 480, 140, [120, 120, 125]); // road
      r.rect(0, 200, 480, 24, [200, 195, 185]); // sidewalk
      for (let s = 0; s < 4; s++) {
        const color: [number, number, number] = [
          80 + Math.floor(rng() * 150),
          60 + Math.floor(rng() * 120),
          50 + Math.floor(rng() * 120),
        ];
        r.rect(s * 120 + 6, 60 + Math.floor(rng() * 40), 108, 150, color); // shop fronts
        r.rect(s * 120 + 36, 150, 48, 60, [40, 40, 45]); // doors
      }
      if (!after) {
        for (let g = 0; g < 6; g++) {
          r.rect(
            40 + Math.floor(rng() * 380),
            190 + Math.floor(rng() * 40),
            30 + Math.floor(rng() * 30),
            20 + Math.floor(rng() * 20),
            [200, 90 + Math.floor(rng() * 100), 40],
          );
        }
      }
      (after ? pool.afterPhotos : pool.photos).push(await storeBlob(ctx, r.png(), 'u-admin'));
    }
  }
  for (let i = 0; i < 12; i++) {
    const r = new Raster(360, 140, [255, 255, 255]);
    let x = 30;
    let y = 70 + (rng() - 0.5) * 30;
    for (let k = 0; k < 14; k++) {
      const nx = x + 10 + rng() * 25;
      const ny = 70 + (rng() - 0.5) * 80;
      r.line(x, y, nx, ny, [20, 20, 40], 3);
      x = nx;
      y = ny;
    }
    pool.signatures.push(await storeBlob(ctx, r.png(), 'u-admin'));
  }
  return pool;
}

/** Signature images not used by the version being amended. */
export function freshSignatures(blobs: BlobPool, previous: LockedRecord): string[] {
  const used = signatureHashes(previous.signatures);
  return blobs.signatures.filter((h) => !used.has(h));
}

/** The same signatures made again, at a new time, with new images. */
export function resigned(
  signatures: LockedRecord['signatures'],
  at: string,
  image: () => string,
): LockedRecord['signatures'] {
  const again = (s: Signature): Signature => ({ ...s, sha256: image(), signedAt: at });
  const p = signatures.party;
  return {
    party:
      p.kind === 'signed'
        ? { kind: 'signed', signature: again(p.signature) }
        : p.kind === 'refused'
          ? { ...p, witness: { ...p.witness, signature: again(p.witness.signature) } }
          : p,
    officers: [again(signatures.officers[0]), again(signatures.officers[1])],
  };
}
