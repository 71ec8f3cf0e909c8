import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Db, Tx } from '../db/db';

/**
 * Escrow of phones' data keys (ADR 0018). A phone sends its data key once its PIN is set; the
 * server keeps it sealed (AES-256-GCM) under an escrow key of its own, bound to the device id.
 * The key goes back only to that phone, only within minutes of a password sign-in: the way back
 * in after a forgotten PIN, which a stolen phone (without the password) cannot take.
 */

async function escrowKey(db: Db | Tx): Promise<Buffer> {
  await db
    .insertInto('secrets')
    .values({
      name: 'escrowKey',
      value: randomBytes(32).toString('hex'),
      created_at: new Date().toISOString(),
    })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('secrets')
    .select('value')
    .where('name', '=', 'escrowKey')
    .executeTakeFirstOrThrow();
  return Buffer.from(row.value, 'hex');
}

export async function storeDeviceKey(
  db: Db,
  deviceId: string,
  userId: string,
  keyHex: string,
): Promise<void> {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', await escrowKey(db), iv);
  cipher.setAAD(Buffer.from(deviceId, 'utf8'));
  const sealed = Buffer.concat([
    iv,
    cipher.update(Buffer.from(keyHex, 'hex')),
    cipher.final(),
    cipher.getAuthTag(),
  ]).toString('base64');
  const at = new Date().toISOString();
  await db
    .insertInto('device_keys')
    .values({ device_id: deviceId, user_id: userId, sealed_key: sealed, updated_at: at })
    .onConflict((oc) =>
      oc.column('device_id').doUpdateSet({ sealed_key: sealed, user_id: userId, updated_at: at }),
    )
    .execute();
}

export async function deviceKey(db: Db, deviceId: string, userId: string): Promise<string | null> {
  const row = await db
    .selectFrom('device_keys')
    .select('sealed_key')
    .where('device_id', '=', deviceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row) return null;
  const bytes = Buffer.from(row.sealed_key, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', await escrowKey(db), bytes.subarray(0, 12));
  decipher.setAAD(Buffer.from(deviceId, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([
    decipher.update(bytes.subarray(12, bytes.length - 16)),
    decipher.final(),
  ]).toString('hex');
}
