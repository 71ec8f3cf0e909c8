import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { phoneDb } from '../../../tests/support/phone-db';
import { officerMe } from '../../../tests/support/factories';
import { KEY_ITERATIONS, newDataKey, unwrapDataKey, wrapDataKey } from './keyring';
import { sealFile } from './media/evidence';
import { preSeal } from './seal';
import { getSetting, setSetting } from './settings';
import { LockedError, SealBrokenError, Vault } from './vault';
import type { PatrolDb } from './db';

/**
 * Encryption at rest (ADR 0018) on the phone's real database code (fake-indexeddb): what the
 * storage holds is read past the app with a bare Dexie handle that has no key.
 */

const PARTY = { name: '陈小红', idNumber: '11010519491231002X', mobile: '13900139000' };

/** Every row of every store, as the storage holds it, bytes as hex. */
async function raw(db: PatrolDb): Promise<string> {
  const bare = new Dexie(db.name);
  await bare.open();
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  const plain = (v: unknown): unknown =>
    v instanceof ArrayBuffer
      ? `hex:${hex(new Uint8Array(v))}`
      : ArrayBuffer.isView(v)
        ? `hex:${hex(new Uint8Array(v.buffer, v.byteOffset, v.byteLength))}`
        : Array.isArray(v)
          ? v.map(plain)
          : v && typeof v === 'object'
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
            : v;
  const out: unknown[] = [];
  for (const table of bare.tables) out.push(...(await table.toArray()).map(plain));
  bare.close();
  return JSON.stringify(out);
}

async function fill(db: PatrolDb, photo: Uint8Array) {
  await db.drafts.put({ id: 'd1', updatedAt: '2026-12-01T10:00:00+08:00', party: PARTY } as never);
  await db.evidence.put({
    sha256: 'a'.repeat(64),
    bytes: photo.slice().buffer,
    mime: 'image/jpeg',
    size: photo.length,
    createdAt: '2026-12-01T10:00:00+08:00',
    uploaded: 0,
  });
  await setSetting(db, 'me', officerMe({ ledgerKey: 'f'.repeat(64) }));
}

describe('sealed tables', () => {
  it('keep no party data, photo bytes or ledger key in clear, and give them back whole', async () => {
    const db = phoneDb('seal');
    const photo = crypto.getRandomValues(new Uint8Array(4096));
    await fill(db, photo);
    const stored = await raw(db);
    const hex = Array.from(photo.subarray(0, 64), (x) => x.toString(16).padStart(2, '0')).join('');
    for (const secret of [PARTY.name, PARTY.idNumber, PARTY.mobile, 'f'.repeat(64), hex, '张伟'])
      expect(stored).not.toContain(secret);
    // What indexes need stays readable.
    expect(stored).toContain('2026-12-01T10:00:00+08:00');
    expect(stored).toContain('a'.repeat(64));

    expect(((await db.drafts.get('d1')) as never as { party: unknown }).party).toEqual(PARTY);
    expect(new Uint8Array((await db.evidence.get('a'.repeat(64)))?.bytes ?? [])).toEqual(photo);
    expect((await getSetting(db, 'me'))?.ledgerKey).toBe('f'.repeat(64));
    // Updates go through the same layer (read, changed, sealed again).
    await db.evidence.update('a'.repeat(64), { uploaded: 1 });
    expect((await db.evidence.get('a'.repeat(64)))?.uploaded).toBe(1);
    expect(new Uint8Array((await db.evidence.get('a'.repeat(64)))?.bytes ?? [])).toEqual(photo);
    expect(await raw(db)).not.toContain(hex);
  });

  it('refuse to read or write while locked, and open again with the same key', async () => {
    const db = phoneDb('seal-lock');
    await fill(db, new Uint8Array([1, 2, 3]));
    const key = db.vault.exportKey();
    db.vault.close();
    await expect(db.drafts.get('d1')).rejects.toBeInstanceOf(LockedError);
    await expect(db.drafts.put({ id: 'd2', updatedAt: 'x' } as never)).rejects.toBeInstanceOf(
      LockedError,
    );
    // Tables in clear stay usable (the sync cursor, the ledger).
    await db.ledgerBuckets.put(new Uint8Array([1, 2, 3]), 7);
    await db.settings.put({ key: 'pullCursor', value: 3 });
    db.vault.open(key);
    expect(await db.drafts.count()).toBe(1);
    expect(((await db.drafts.get('d1')) as never as { party: unknown }).party).toEqual(PARTY);
  });

  it('notice a sealed row moved to another key, and a wrong key', async () => {
    const db = phoneDb('seal-move');
    await fill(db, new Uint8Array([1, 2, 3]));
    const bare = new Dexie(db.name);
    await bare.open();
    const row = (await bare.table('drafts').get('d1')) as Record<string, unknown>;
    await bare.table('drafts').put({ ...row, id: 'd9' });
    bare.close();
    await expect(db.drafts.get('d9')).rejects.toBeInstanceOf(SealBrokenError);
    db.vault.close();
    db.vault.open(newDataKey());
    await expect(db.drafts.get('d1')).rejects.toBeInstanceOf(SealBrokenError);
  });

  it('read rows written before encryption, and seal them when written again', async () => {
    const db = phoneDb('seal-legacy');
    await db.open();
    const bare = new Dexie(db.name);
    await bare.open();
    await bare.table('drafts').put({ id: 'old', updatedAt: 'x', party: PARTY });
    bare.close();
    const old = await db.drafts.get('old');
    expect((old as never as { party: unknown }).party).toEqual(PARTY);
    await db.drafts.bulkPut(await db.drafts.toArray());
    expect(await raw(db)).not.toContain(PARTY.idNumber);
  });
});

describe('files sealed before their write (WebCrypto)', () => {
  it('are stored sealed, read back whole, and refused in another row or while locked', async () => {
    const db = phoneDb('seal-pre');
    const photo = new Uint8Array(200_000);
    for (let i = 0; i < photo.length; i += 65_536)
      crypto.getRandomValues(photo.subarray(i, i + 65_536));
    const sha = 'b'.repeat(64);
    await db.evidence.put(
      await sealFile(db, {
        sha256: sha,
        bytes: photo.slice().buffer,
        mime: 'image/jpeg',
        createdAt: 'x',
      }),
    );
    const row = await db.evidence.get(sha);
    expect(new Uint8Array(row?.bytes ?? [])).toEqual(photo);
    expect(row?.size).toBe(photo.length);
    const hex = Array.from(photo.subarray(0, 64), (x) => x.toString(16).padStart(2, '0')).join('');
    expect(await raw(db)).not.toContain(hex);
    // Sealed for one file, written as another: refused, nothing stored.
    const other = await preSeal(db, 'evidence', sha, photo.slice().buffer);
    await expect(
      db.evidence.put({
        sha256: 'c'.repeat(64),
        bytes: other as ArrayBuffer,
        mime: 'image/jpeg',
        size: 1,
        createdAt: 'x',
        uploaded: 0,
      }),
    ).rejects.toThrow(/sealed for/);
    expect(await db.evidence.get('c'.repeat(64))).toBeUndefined();
    db.vault.close();
    await expect(
      sealFile(db, {
        sha256: sha,
        bytes: photo.slice().buffer,
        mime: 'image/jpeg',
        createdAt: 'x',
      }),
    ).rejects.toBeInstanceOf(LockedError);
  });

  it('seal in the format the layer opens, under the same key', async () => {
    const vault = new Vault();
    vault.open(newDataKey());
    const plain = crypto.getRandomValues(new Uint8Array(1000));
    const sealed = await vault.sealBytesAsync(plain, 'evidence|"a"');
    expect(vault.openBytes(sealed, 'evidence|"a"')).toEqual(plain);
    expect(() => vault.openBytes(sealed, 'evidence|"b"')).toThrow(SealBrokenError);
    // A database without the layer (the bench's baseline) keeps the bytes as they are.
    const bare = phoneDb('seal-off').withoutSeal();
    expect(await preSeal(bare, 'evidence', 'a', plain.buffer)).toBe(plain.buffer);
  });
});

describe('the vault and the keyring', () => {
  it('seal with standard AES-256-GCM: WebCrypto opens what the vault sealed', async () => {
    const vault = new Vault();
    const key = newDataKey();
    vault.open(key);
    const plain = new TextEncoder().encode('当事人 陈小红');
    const sealed = vault.sealBytes(plain, 'drafts|"d1"');
    const webKey = await crypto.subtle.importKey('raw', new Uint8Array(key), 'AES-GCM', false, [
      'decrypt',
    ]);
    const opened = await crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: sealed.slice(0, 12),
        additionalData: new TextEncoder().encode('drafts|"d1"'),
      },
      webKey,
      sealed.slice(12),
    );
    expect(new Uint8Array(opened)).toEqual(plain);
    // A fresh IV each time: the same plaintext never seals to the same bytes.
    expect(vault.sealBytes(plain, 'x')).not.toEqual(vault.sealBytes(plain, 'x'));
  });

  it('wraps the data key under a PIN; a wrong PIN opens nothing; a new PIN wraps the same key', async () => {
    const key = newDataKey();
    const ring = await wrapDataKey(key, '246810', 1000);
    expect(ring.iterations).toBe(1000);
    expect(KEY_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    expect(await unwrapDataKey(ring, '246810')).toEqual(key);
    expect(await unwrapDataKey(ring, '246811')).toBeNull();
    const again = await wrapDataKey(key, '135790', 1000);
    expect(await unwrapDataKey(again, '135790')).toEqual(key);
    expect(JSON.stringify(ring)).not.toContain(
      Array.from(key, (b) => b.toString(16).padStart(2, '0')).join(''),
    );
  });
});
