import { toHex } from '$lib/domain/integrity';

/**
 * The local PIN that unlocks the app offline. Stored only as a salted PBKDF2-SHA256 hash with
 * many iterations (WebCrypto), so a copied browser profile does not reveal it quickly.
 */
export const PIN_ITERATIONS = 210_000;

export type PinHash = { salt: string; iterations: number; hash: string };

async function derive(pin: string, salt: Uint8Array, iterations: number): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, [
    'deriveBits',
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations },
    key,
    256,
  );
  return toHex(bits);
}

export function validPin(pin: string): boolean {
  return /^\d{6}$/.test(pin) && !/^(\d)\1{5}$/.test(pin) && pin !== '123456' && pin !== '654321';
}

export async function hashPin(pin: string): Promise<PinHash> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return {
    salt: toHex(salt),
    iterations: PIN_ITERATIONS,
    hash: await derive(pin, salt, PIN_ITERATIONS),
  };
}

export async function verifyPin(pin: string, stored: PinHash): Promise<boolean> {
  const salt = new Uint8Array(stored.salt.match(/../g)?.map((h) => parseInt(h, 16)) ?? []);
  return (await derive(pin, salt, stored.iterations)) === stored.hash;
}

/** Wrong PINs allowed before each further try waits. */
export const PIN_FREE_TRIES = 5;
/** From this many wrong PINs on, the password (online) is offered to unlock instead. */
export const PIN_PASSWORD_AFTER = 10;
const FIRST_WAIT_MS = 30_000;
const MAX_WAIT_MS = 60 * 60_000;

/**
 * What a run of wrong PINs costs: nothing for the first few, then a wait that doubles with each
 * further failure (30 s, 1 min, 2 min … at most an hour). Never a wipe: a lost PIN must not cost
 * the records on the phone. After ten, the password unlocks when the phone is online.
 */
export function pinLockout(
  failures: number,
  lastFailureAt: number | null,
  now: number,
): { waitMs: number; offerPassword: boolean } {
  const offerPassword = failures >= PIN_PASSWORD_AFTER;
  if (failures < PIN_FREE_TRIES || lastFailureAt === null) return { waitMs: 0, offerPassword };
  const wait = Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (failures - PIN_FREE_TRIES));
  return { waitMs: Math.max(0, lastFailureAt + wait - now), offerPassword };
}
