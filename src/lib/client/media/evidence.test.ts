import { describe, expect, it } from 'vitest';
import { phoneDb } from '../../../../tests/support/phone-db';
import { evidenceSchema } from '$lib/domain/record';
import { captureEvidence, evidenceStamp } from './evidence';

const NOW = new Date('2026-11-27T02:05:00Z'); // 10:05 in Shanghai
const OFFICER = { id: 'u-officer1', realName: '张伟', certificateNo: '34151001' };
const POS = { lat: 31.7349, lng: 116.5078, accuracyM: 12 };

describe('evidenceStamp', () => {
  it.each([
    ['before', POS, '违法现场', '六安市金安区梅山南路  31.7349,116.5078 ±12m'],
    ['after', POS, '改正后', '六安市金安区梅山南路  31.7349,116.5078 ±12m'],
    ['scene', null, '', '六安市金安区梅山南路'],
  ] as const)('%s', (kind, pos, label, place) => {
    const stamp = evidenceStamp(kind, NOW, '六安市金安区梅山南路', pos, OFFICER);
    expect(stamp[0]).toMatch(/^2026年11月27日 10时05分/);
    expect(stamp[0]?.endsWith(label)).toBe(true);
    expect(stamp[1]).toBe(place);
    expect(stamp[2]).toContain('张伟');
    expect(stamp[2]).toContain('34151001');
  });
});

describe('captureEvidence', () => {
  it('seals the file and describes it as the record will name it, writing nothing', async () => {
    const db = phoneDb('ev');
    const stamps: string[][] = [];
    const bytes = new Uint8Array([0xff, 0xd8, 1, 2, 3]).buffer;
    const { evidence: ref, file } = await captureEvidence({
      database: db,
      file: new Blob([new Uint8Array([1])]),
      kind: 'before',
      address: '六安市金安区梅山南路',
      officer: OFFICER,
      now: NOW,
      position: () => Promise.resolve(POS),
      process: (_file, stamp) => {
        stamps.push(stamp);
        return Promise.resolve({ bytes, sha256: 'a'.repeat(64), width: 1920, height: 1440 });
      },
    });
    expect(stamps).toHaveLength(1);
    expect(ref).toEqual({
      sha256: 'a'.repeat(64),
      kind: 'before',
      mime: 'image/jpeg',
      bytes: 5,
      width: 1920,
      height: 1440,
      takenAt: '2026-11-27T10:05:00+08:00',
      capturedBy: 'u-officer1',
      ...POS,
    });
    expect(evidenceSchema.safeParse(ref).success).toBe(true);
    // The row to write with the draft: the sealed bytes, the file's own size, not uploaded.
    expect(file).toMatchObject({
      sha256: 'a'.repeat(64),
      mime: 'image/jpeg',
      size: 5,
      uploaded: 0,
    });
    expect(await db.evidence.count()).toBe(0);
  });

  it('without a position fix the photo has no coordinates, and nothing is stored if processing fails', async () => {
    const db = phoneDb('ev');
    await expect(
      captureEvidence({
        database: db,
        file: new Blob([new Uint8Array([1])]),
        kind: 'scene',
        address: '',
        officer: OFFICER,
        now: NOW,
        position: () => Promise.resolve(null),
        process: () => Promise.reject(new Error('图片无法解码')),
      }),
    ).rejects.toThrow('图片无法解码');
    expect(await db.evidence.count()).toBe(0);
  });
});
