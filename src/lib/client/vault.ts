import { gcm } from '@noble/ciphers/aes.js';

/**
 * The phone's data key while the app is unlocked (ADR 0018). Personal data, photos and signatures
 * are sealed with AES-256-GCM under it by the database itself (`seal.ts`); the key lives only in
 * this object's memory and is dropped when the app locks. Sealing is synchronous (noble-ciphers,
 * standard AES-GCM: WebCrypto opens what it seals, `vault.test.ts`) because it runs inside
 * IndexedDB transactions, which end at the first wait for anything else, WebCrypto included.
 */

const IV_BYTES = 12;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class LockedError extends Error {
  constructor() {
    super('The app is locked: enter the PIN to read or write records');
    this.name = 'LockedError';
  }
}

/** A sealed value failed its authentication: tampered with, or moved from another row. */
export class SealBrokenError extends Error {
  constructor(where: string) {
    super(`Sealed data does not open (${where})`);
    this.name = 'SealBrokenError';
  }
}

export class Vault {
  private key: Uint8Array | null = null;
  /** The key imported into WebCrypto, for sealing large values before a transaction. */
  private webKey: Promise<CryptoKey> | null = null;

  get isOpen(): boolean {
    return this.key !== null;
  }

  open(key: Uint8Array): void {
    if (key.length !== 32) throw new Error('The data key is 32 bytes');
    this.key = new Uint8Array(key);
    this.webKey = null;
  }

  close(): void {
    this.key?.fill(0);
    this.key = null;
    this.webKey = null;
  }

  /** The key, for wrapping under a new PIN or sending to escrow (never stored in clear). */
  exportKey(): Uint8Array {
    if (!this.key) throw new LockedError();
    return new Uint8Array(this.key);
  }

  /** IV ‖ ciphertext ‖ tag; `aad` binds the sealed bytes to their place (table and key). */
  sealBytes(plain: Uint8Array, aad: string): Uint8Array {
    if (!this.key) throw new LockedError();
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const sealed = gcm(this.key, iv, encoder.encode(aad)).encrypt(plain);
    const out = new Uint8Array(IV_BYTES + sealed.length);
    out.set(iv);
    out.set(sealed, IV_BYTES);
    return out;
  }

  /**
   * `sealBytes` in WebCrypto: the same bytes' format (IV ‖ ciphertext ‖ tag), several times
   * faster for a photo, but asynchronous, so only before a transaction opens (`seal.ts`'s
   * `preSeal`). Refuses if the vault locked or changed key meanwhile.
   */
  async sealBytesAsync(plain: Uint8Array, aad: string): Promise<Uint8Array> {
    const key = this.key;
    if (!key) throw new LockedError();
    this.webKey ??= crypto.subtle.importKey('raw', key as BufferSource, 'AES-GCM', false, [
      'encrypt',
    ]);
    const webKey = await this.webKey;
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const sealed = new Uint8Array(
      await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: encoder.encode(aad) },
        webKey,
        plain as BufferSource,
      ),
    );
    if (this.key !== key) throw new LockedError();
    const out = new Uint8Array(IV_BYTES + sealed.length);
    out.set(iv);
    out.set(sealed, IV_BYTES);
    return out;
  }

  openBytes(sealed: Uint8Array, aad: string): Uint8Array {
    if (!this.key) throw new LockedError();
    try {
      return gcm(this.key, sealed.subarray(0, IV_BYTES), encoder.encode(aad)).decrypt(
        sealed.subarray(IV_BYTES),
      );
    } catch {
      throw new SealBrokenError(aad);
    }
  }

  sealJson(value: unknown, aad: string): Uint8Array {
    return this.sealBytes(encoder.encode(JSON.stringify(value)), aad);
  }

  openJson<T>(sealed: Uint8Array, aad: string): T {
    return JSON.parse(decoder.decode(this.openBytes(sealed, aad))) as T;
  }
}
