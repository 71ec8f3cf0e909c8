import { toHex } from '$lib/domain/integrity';

/**
 * The data key wrapped under the officer's PIN (ADR 0018): PBKDF2-SHA-256 turns the PIN into a
 * key-encryption key, which seals the data key with AES-GCM (WebCrypto). A wrong PIN fails the
 * GCM tag; nothing else about the PIN is stored. Changing the PIN wraps the same data key anew:
 * nothing sealed under it changes.
 */

/** OWASP's figure for PBKDF2-HMAC-SHA-256 (2023): about half a second on a mid-range phone. */
export const KEY_ITERATIONS = 600_000;

export type Keyring = {
  v: 1;
  salt: string;
  iterations: number;
  iv: string;
  wrapped: string;
};

export const keyringShape = (x: unknown): x is Keyring =>
  typeof x === 'object' &&
  x !== null &&
  (x as Keyring).v === 1 &&
  typeof (x as Keyring).wrapped === 'string';

function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

async function keyEncryptionKey(
  pin: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(pin),
    'PBKDF2',
    false,
    ['deriveKey'],
  );
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** A fresh random data key. */
export function newDataKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32));
}

/** The data key wrapped under a PIN. */
export async function wrapDataKey(
  dataKey: Uint8Array,
  pin: string,
  iterations = KEY_ITERATIONS,
): Promise<Keyring> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const kek = await keyEncryptionKey(pin, salt, iterations);
  const wrapped = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode('patrolbook data key v1') },
    kek,
    new Uint8Array(dataKey),
  );
  return { v: 1, salt: toHex(salt), iterations, iv: toHex(iv), wrapped: toHex(wrapped) };
}

/** The data key, or null when the PIN is wrong. */
export async function unwrapDataKey(keyring: Keyring, pin: string): Promise<Uint8Array | null> {
  const kek = await keyEncryptionKey(pin, fromHex(keyring.salt), keyring.iterations);
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt(
        {
          name: 'AES-GCM',
          iv: fromHex(keyring.iv),
          additionalData: new TextEncoder().encode('patrolbook data key v1'),
        },
        kek,
        fromHex(keyring.wrapped),
      ),
    );
  } catch {
    return null;
  }
}

export { fromHex };
