import type { Evidence } from '$lib/domain/record';
import { chineseDateTime, shanghaiIso } from '$lib/domain/time';
import { translate, type MessageKey } from '$lib/i18n';
import type { EvidenceBlob, PatrolDb } from '../db';
import { preSeal } from '../seal';
import { currentPosition, processPhoto, type ProcessedPhoto } from './photos';

export type Position = { lat: number; lng: number; accuracyM: number };
export type Photographer = { id: string; realName: string; certificateNo: string | null };

/**
 * The stamp burned into an evidence photo: time and kind, place (address and position fix),
 * officer and certificate. In Chinese whatever the interface language: the photo goes into the
 * bureau's case file.
 */
export function evidenceStamp(
  kind: Evidence['kind'],
  takenAt: Date,
  address: string,
  pos: Position | null,
  officer: Photographer | null,
): string[] {
  const zh = (key: MessageKey) => translate('zh-CN', key);
  const label =
    kind === 'after' ? zh('evidence.after') : kind === 'before' ? zh('evidence.before') : '';
  return [
    `${chineseDateTime(takenAt)}  ${label}`,
    `${address}${pos ? `  ${pos.lat},${pos.lng} ±${pos.accuracyM}m` : ''}`,
    `${officer?.realName ?? ''} ${zh('home.cert')}${officer?.certificateNo ?? ''}`,
  ];
}

/**
 * A file to keep on the phone until it is uploaded (a photo, a signature's image), as the row the
 * evidence table stores. Its bytes are sealed in WebCrypto before the write, several times faster
 * than the encryption layer's synchronous AES for a photo (ADR 0018); the layer stores them as they
 * come. The row is written with the draft that names it (`DraftEditor.attach`), so the phone never
 * keeps a file no draft names, nor a draft naming a file it does not hold.
 */
export async function sealFile(
  database: PatrolDb,
  file: { sha256: string; bytes: ArrayBuffer; mime: EvidenceBlob['mime']; createdAt: string },
): Promise<EvidenceBlob> {
  const bytes = await preSeal(database, 'evidence', file.sha256, file.bytes);
  return {
    ...file,
    // Sealed bytes the layer below stores as they are; every read gives the file's bytes.
    bytes: bytes as ArrayBuffer,
    size: file.bytes.byteLength,
    uploaded: 0,
  };
}

/**
 * A photo taken for a record: stamped, scaled and hashed (off the main thread), sealed, and
 * described as the record's evidence (time, place, officer). Nothing is written: the caller keeps
 * the file together with the draft that names it (`DraftEditor.attach`).
 */
export async function captureEvidence(options: {
  database: PatrolDb;
  file: Blob;
  kind: Evidence['kind'];
  address: string;
  officer: Photographer | null;
  now?: Date;
  position?: () => Promise<Position | null>;
  process?: (file: Blob, stamp: string[]) => Promise<ProcessedPhoto>;
}): Promise<{ evidence: Evidence; file: EvidenceBlob }> {
  const takenAt = options.now ?? new Date();
  const pos = await (options.position ?? (() => currentPosition(5000)))();
  const stamp = evidenceStamp(options.kind, takenAt, options.address, pos, options.officer);
  const photo = await (options.process ?? processPhoto)(options.file, stamp);
  const file = await sealFile(options.database, {
    sha256: photo.sha256,
    bytes: photo.bytes,
    mime: 'image/jpeg',
    createdAt: takenAt.toISOString(),
  });
  const evidence: Evidence = {
    sha256: photo.sha256,
    kind: options.kind,
    mime: 'image/jpeg',
    bytes: photo.bytes.byteLength,
    width: photo.width,
    height: photo.height,
    takenAt: shanghaiIso(takenAt),
    capturedBy: options.officer?.id ?? '',
    ...(pos ? { lat: pos.lat, lng: pos.lng, accuracyM: pos.accuracyM } : {}),
  };
  return { evidence, file };
}
