import { sha256Hex } from '$lib/domain/integrity';
import type { Signature } from '$lib/domain/record';
import { shanghaiIso } from '$lib/domain/time';
import type { PatrolDb } from './db';
import { keepFile } from './media/evidence';

/** Stores a signature's PNG as evidence (uploaded like a photo) and returns its reference. */
export async function storeSignature(
  db: PatrolDb,
  png: Uint8Array,
  signerName: string,
): Promise<Signature> {
  const sha256 = await sha256Hex(png);
  await keepFile(db, {
    sha256,
    bytes: png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength) as ArrayBuffer,
    mime: 'image/png',
    createdAt: new Date().toISOString(),
  });
  return { sha256, signerName, signedAt: shanghaiIso(new Date()) };
}
