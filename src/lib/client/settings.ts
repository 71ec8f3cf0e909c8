import { uuidv7 } from '$lib/domain/uuid';
import { meSchema, type Me } from '$lib/sync/contract';
import { storedMessageSchema, type Message } from '$lib/i18n';
import type { PatrolDb } from './db';
import type { Keyring } from './keyring';
import type { LedgerDict } from './ledger-pack';
import type { PinHash } from './pin';
import { pairedPrinterSchema, type PairedPrinter } from './printer';

/** Typed access to the settings table; values read back are validated where they matter. */
export type Settings = {
  deviceId: string;
  me: Me;
  /** Who signed in (clear, for the lock screen); `me` with the roster and keys is sealed. */
  account: { id: string; username: string };
  /** The data key wrapped under the PIN (ADR 0018). */
  keyring: Keyring;
  /** The server holds the data key in escrow. */
  escrowed: boolean;
  /** Minutes without a touch before the app locks itself. */
  lockAfterMinutes: number;
  /** A PIN hash of a release before encryption at rest (replaced at the first unlock). */
  pin: PinHash;
  pinFailures: number;
  /** When the last wrong PIN was entered (ms since the epoch): the wait counts from it. */
  pinFailedAt: number;
  pullCursor: number;
  lastSyncAt: string;
  lastSyncError: Message | null;
  provisionalCounter: number;
  locale: 'zh-CN' | 'en';
  /** The ledger holds this phone's own records, as digests (see client/ledger.ts). */
  ledgerDigests: boolean;
  /** The strings the packed ledger names by number (client/ledger-pack.ts). */
  ledgerDict: LedgerDict;
  /** The id of the key this phone's ledger digests were made with (the pull feed names it). */
  ledgerKeyId: string;
  /** The `ledgerSince` of the last pruning of old ledger entries. */
  ledgerPrunedFor: string;
  persisted: boolean;
  /** The Bluetooth printer paired in settings (not personal data: a device id and its name). */
  printer: PairedPrinter;
};

export async function getSetting<K extends keyof Settings>(
  db: PatrolDb,
  key: K,
): Promise<Settings[K] | undefined> {
  const row = await db.settings.get(key);
  if (!row) return undefined;
  if (key === 'me') {
    const parsed = meSchema.safeParse(row.value);
    return (parsed.success ? parsed.data : undefined) as Settings[K] | undefined;
  }
  if (key === 'printer') {
    const parsed = pairedPrinterSchema.safeParse(row.value);
    return (parsed.success ? parsed.data : undefined) as Settings[K] | undefined;
  }
  if (key === 'lastSyncError') {
    const parsed = storedMessageSchema.nullable().safeParse(row.value);
    return (parsed.success ? parsed.data : undefined) as Settings[K] | undefined;
  }
  return row.value as Settings[K];
}

export async function setSetting<K extends keyof Settings>(
  db: PatrolDb,
  key: K,
  value: Settings[K],
): Promise<void> {
  await db.settings.put({ key, value });
}

/** The device id, created once per browser profile and registered with the server at login. */
export async function deviceId(db: PatrolDb): Promise<string> {
  return db.transaction('rw', db.settings, async () => {
    const existing = await getSetting(db, 'deviceId');
    if (existing) return existing;
    const id = uuidv7();
    await setSetting(db, 'deviceId', id);
    return id;
  });
}
