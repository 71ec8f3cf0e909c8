import { uuidv7 } from '$lib/domain/uuid';
import type { Me } from '$lib/sync/contract';
import type { Message } from '$lib/i18n';
import type { PatrolDb } from './db';
import type { Keyring } from './keyring';
import type { LedgerDict } from './ledger-pack';
import type { PinHash } from './pin';
import type { PairedPrinter } from './printer';

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
  /** The oldest day of the ledger phones keep, as the last pull said (the next one prunes). */
  ledgerSince: string;
  /** The `ledgerSince` of the last pruning of old ledger entries. */
  ledgerPrunedFor: string;
  persisted: boolean;
  /** The Bluetooth printer paired in settings (not personal data: a device id and its name). */
  printer: PairedPrinter;
};

type Validated = 'me' | 'printer' | 'lastSyncError';
type Schemas = Record<
  Validated,
  { safeParse: (value: unknown) => { success: boolean; data?: unknown } }
>;
let schemas: Schemas | null = null;

/**
 * The schemas of the settings read back validated (`me`, `printer`, `lastSyncError`), loaded
 * apart from the start-up code (the PIN screen needs none of them). The app loads them as it
 * starts; a read inside a transaction comes after that, so it never waits on a module.
 */
export async function loadSettingSchemas(): Promise<Schemas> {
  schemas ??= (await import('./setting-schemas')).SETTING_SCHEMAS;
  return schemas;
}

const isValidated = (key: string): key is Validated =>
  key === 'me' || key === 'printer' || key === 'lastSyncError';

export async function getSetting<K extends keyof Settings>(
  db: PatrolDb,
  key: K,
): Promise<Settings[K] | undefined> {
  const row = await db.settings.get(key);
  if (!row) return undefined;
  if (isValidated(key)) {
    const parsed = (schemas ?? (await loadSettingSchemas()))[key].safeParse(row.value);
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
  // Read first: a write transaction (and its commit) only for the one call that creates the id.
  const known = await getSetting(db, 'deviceId');
  if (known) return known;
  return db.transaction('rw', db.settings, async () => {
    const existing = await getSetting(db, 'deviceId');
    if (existing) return existing;
    const id = uuidv7();
    await setSetting(db, 'deviceId', id);
    return id;
  });
}
