import { sha256Hex } from '$lib/domain/integrity';
import type { Signature } from '$lib/domain/record';
import { shanghaiIso } from '$lib/domain/time';
import type { EvidenceBlob, PatrolDb } from './db';
import { sealFile } from './media/evidence';

/**
 * A signature's PNG as a file to keep (uploaded like a photo, written with the draft that names
 * it: `DraftEditor.attach`) and its reference.
 */
export async function sealSignature(
  db: PatrolDb,
  png: Uint8Array,
  signerName: string,
): Promise<{ signature: Signature; file: EvidenceBlob }> {
  const sha256 = await sha256Hex(png);
  const file = await sealFile(db, {
    sha256,
    bytes: png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength) as ArrayBuffer,
    mime: 'image/png',
    createdAt: new Date().toISOString(),
  });
  return { signature: { sha256, signerName, signedAt: shanghaiIso(new Date()) }, file };
}
