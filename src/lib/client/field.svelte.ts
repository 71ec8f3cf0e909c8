import type { Catalog } from '$lib/domain/catalog';
import { shanghaiDate } from '$lib/domain/time';
import type { Me } from '$lib/sync/contract';
import { toHex } from '$lib/domain/integrity';
import { i18n } from '$lib/i18n/locale.svelte';
import { messageOf, type Message } from '$lib/i18n';
import { ApiFailure, call, request } from './api';
import { appVault, db, type Draft, type PatrolDb } from './db';
import type { DraftEditor } from './draft-editor.svelte';
import { fromHex, newDataKey, unwrapDataKey, wrapDataKey } from './keyring';
import { pinLockout, validPin, verifyPin } from './pin';
import { SEALED_TABLES } from './seal';
import { FONT_URL } from './font-url';
import { pwa } from './pwa.svelte';
import { deviceId, getSetting, loadSettingSchemas, setSetting } from './settings';
import { requestPersistence, storageInfo, type StorageInfo } from './storage';
import { backoffMs } from './sync/backoff';
import type { SyncEngine, SyncPhase } from './sync/engine';

/** What a failed sign-in says: no network, or what the failure itself says. */
function failureMessage(e: unknown): Message {
  return e instanceof ApiFailure && e.offline ? { key: 'login.needNetwork' } : messageOf(e);
}

export type Gate = 'loading' | 'login' | 'setPin' | 'locked' | 'ready';

/** Minutes without a touch before the app locks itself, unless the officer chose otherwise. */
export const LOCK_AFTER_MINUTES = 5;
const SYNC_INTERVAL_MS = 3 * 60_000;
/**
 * While the app is open, unlocked and online, the phone asks this often whether the server has
 * anything for it (a returned record, a comment): a pull of an empty feed is one small request
 * (ADR 0021), and a supervisor's return reaches the officer within seconds, not minutes.
 */
export const WATCH_INTERVAL_MS = 15_000;

/**
 * The officer app's state: who is signed in, whether the app is unlocked, the network, the sync
 * engine and what waits in the outbox. One instance, shared by the field pages.
 */
class FieldApp {
  gate = $state<Gate>('loading');
  me = $state<Me | null>(null);
  online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
  syncPhase = $state<SyncPhase>('idle');
  lastSyncAt = $state<string | null>(null);
  lastSyncError = $state<Message | null>(null);
  waiting = $state(0);
  held = $state(0);
  storage = $state<StorageInfo>({ persisted: null, usage: null, quota: null });
  catalog = $state<Catalog | null>(null);
  /** A draft has input not yet written to IndexedDB (the update prompt waits for it). */
  dirtyDraft = $state(false);
  /** The wizard or re-inspection form is open: the app never switches version under it. */
  draftOpen = $state(false);
  /** Failed sign-ins to this account before this sign-in, told once after signing in. */
  failedSignIns = $state<Me['failedSignIns']>(null);

  private engine: SyncEngine | null = null;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private started = false;

  get database(): PatrolDb {
    return db();
  }

  get uploading(): boolean {
    return this.syncPhase === 'uploading' || this.syncPhase === 'pushing';
  }

  async init(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const database = this.database;
    const locale = await getSetting(database, 'locale');
    if (locale && locale !== i18n.locale) await i18n.toggle();
    // What the PIN screen does not need loads beside it: the settings' schemas, the sync engine.
    void loadSettingSchemas();
    void this.syncEngine();
    window.addEventListener('online', () => {
      this.online = true;
      this.failures = 0;
      void this.sync();
    });
    window.addEventListener('offline', () => (this.online = false));
    pwa.register();
    this.lockAfterMinutes = (await getSetting(database, 'lockAfterMinutes')) ?? LOCK_AFTER_MINUTES;
    const account = await getSetting(database, 'account');
    const keyring = await getSetting(database, 'keyring');
    const legacyPin = await getSetting(database, 'pin');
    if (keyring || legacyPin) {
      this.account = account ?? null;
      this.gate = 'locked';
      // Even locked, the phone asks whether it was reported lost (ADR 0018).
      void this.sync();
    } else {
      // Nobody signed in, or a sign-in whose PIN was never set (its data key died with the
      // page): start clean.
      if (account) await this.forgetEverything();
      this.gate = 'login';
    }
    // The counts and the last sync's outcome after the gate: its message is read with a schema
    // that loads beside the PIN screen.
    void this.refresh();
    window.setInterval(() => this.lockWhenIdle(), 15_000);
    window.setInterval(() => void this.lookForNews(), WATCH_INTERVAL_MS);
    document.addEventListener('visibilitychange', () => void this.lookForNews());
  }

  /**
   * The sync engine, loaded on first use (start-up code does without it: the PIN screen shows
   * before the record builder, the contract and zod are loaded).
   */
  private syncEngine(): Promise<SyncEngine> {
    this.engineLoad ??= import('./sync/engine').then(({ SyncEngine }) => {
      this.engine = new SyncEngine(this.database, (phase) => (this.syncPhase = phase));
      return this.engine;
    });
    return this.engineLoad;
  }
  private engineLoad: Promise<SyncEngine> | null = null;

  /** The quick look for news from the server while the officer has the app in front of them. */
  async lookForNews(): Promise<void> {
    if (!this.engine || !this.me || !appVault.isOpen || this.failures > 0) return;
    if (document.visibilityState !== 'visible' || !navigator.onLine) return;
    if (this.syncPhase !== 'idle') return;
    try {
      if ((await this.engine.pullSoon()) > 0) await this.refresh();
    } catch {
      // Left to the full sync and its backoff.
    }
  }

  /** The officer signed in on this phone, readable while locked (no name, no roster). */
  account = $state<{ id: string; username: string } | null>(null);
  /** Minutes without a touch before the app locks itself. */
  lockAfterMinutes = $state(LOCK_AFTER_MINUTES);
  private lastTouch = Date.now();

  /** Keeps the app unlocked while the officer is using it. */
  touch(): void {
    this.lastTouch = Date.now();
  }

  private lockWhenIdle(): void {
    // Input not yet saved is saved by its editor within a second: never lock under it.
    if (this.gate !== 'ready' || this.dirtyDraft) return;
    if (Date.now() - this.lastTouch > this.lockAfterMinutes * 60_000) this.lock();
  }

  async setLockAfter(minutes: number): Promise<void> {
    this.lockAfterMinutes = minutes;
    await setSetting(this.database, 'lockAfterMinutes', minutes);
  }

  /** Clears the phone's database (a sign-in abandoned before its PIN, a logout). */
  private async forgetEverything(): Promise<void> {
    const database = this.database;
    appVault.close();
    await database.transaction('rw', database.tables, async () => {
      for (const t of database.tables) {
        if (t.name !== 'settings') await t.clear();
      }
      // The device id goes too: the next officer signs in as a new device (the server never
      // hands one officer's device to another).
      await database.settings.where('key').noneOf(['locale']).delete();
    });
  }

  async login(username: string, password: string): Promise<Message | null> {
    try {
      const device = await deviceId(this.database);
      const { meSchema } = await import('$lib/sync/contract');
      const me = await call(meSchema, '/api/auth/login', {
        json: { username, password, deviceId: device },
      });
      if (me.role !== 'officer') {
        return { key: 'login.notOfficer' };
      }
      // A new data key for this sign-in, held open until the PIN wraps it (ADR 0018).
      appVault.open(newDataKey());
      await setSetting(this.database, 'account', { id: me.id, username: me.username });
      await setSetting(this.database, 'me', me);
      this.account = { id: me.id, username: me.username };
      this.me = me;
      this.failedSignIns = me.failedSignIns;
      const persisted = await requestPersistence();
      await setSetting(this.database, 'persisted', persisted === true);
      this.gate = 'setPin';
      return null;
    } catch (e) {
      return failureMessage(e);
    }
  }

  async setPin(pin: string, confirm: string): Promise<Message | null> {
    if (pin !== confirm) return { key: 'pin.mismatch' };
    if (!validPin(pin)) return { key: 'pin.invalid' };
    if (!appVault.isOpen) return { key: 'pin.locked' };
    const keyring = await wrapDataKey(appVault.exportKey(), pin);
    await this.database.transaction('rw', this.database.settings, async () => {
      await setSetting(this.database, 'keyring', keyring);
      await setSetting(this.database, 'pinFailures', 0);
      await this.database.settings.delete('pin');
    });
    this.gate = 'ready';
    this.afterUnlock();
    void this.escrow();
    return null;
  }

  /** Changes the PIN: the same data key, wrapped anew; nothing sealed changes. */
  async changePin(current: string, pin: string, confirm: string): Promise<Message | null> {
    const keyring = await getSetting(this.database, 'keyring');
    if (!keyring || !(await unwrapDataKey(keyring, current))) return { key: 'pin.wrong' };
    if (pin !== confirm) return { key: 'pin.mismatch' };
    if (!validPin(pin)) return { key: 'pin.invalid' };
    await setSetting(this.database, 'keyring', await wrapDataKey(appVault.exportKey(), pin));
    return null;
  }

  /**
   * The data key into the server's escrow, so that a forgotten PIN costs nothing (ADR 0018).
   * Tried after the PIN is set and again at each sync until the server has it.
   */
  async escrow(): Promise<void> {
    if (!appVault.isOpen || (await getSetting(this.database, 'escrowed')) === true) return;
    try {
      await request('/api/device/key', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key: toHex(appVault.exportKey()) }),
      });
      await setSetting(this.database, 'escrowed', true);
    } catch {
      // Offline or refused: the next sync tries again.
    }
  }

  /** How long until the next PIN may be tried, and whether the password is offered instead. */
  async pinState(now = Date.now()): Promise<{ waitMs: number; offerPassword: boolean }> {
    const failures = (await getSetting(this.database, 'pinFailures')) ?? 0;
    const at = (await getSetting(this.database, 'pinFailedAt')) ?? null;
    return pinLockout(failures, at, now);
  }

  async unlock(pin: string): Promise<Message | null> {
    const keyring = await getSetting(this.database, 'keyring');
    const legacy = await getSetting(this.database, 'pin');
    const { waitMs } = await this.pinState();
    if (waitMs > 0) return { key: 'pin.wait', params: { s: Math.ceil(waitMs / 1000) } };
    const key = keyring
      ? await unwrapDataKey(keyring, pin)
      : legacy && (await verifyPin(pin, legacy))
        ? newDataKey()
        : null;
    if (!key) {
      const failures = ((await getSetting(this.database, 'pinFailures')) ?? 0) + 1;
      await setSetting(this.database, 'pinFailures', failures);
      await setSetting(this.database, 'pinFailedAt', Date.now());
      const next = await this.pinState();
      return next.waitMs > 0
        ? { key: 'pin.wrongWait', params: { s: Math.ceil(next.waitMs / 1000) } }
        : { key: 'pin.wrong' };
    }
    appVault.open(key);
    if (!keyring) await this.sealLegacy(pin);
    await setSetting(this.database, 'pinFailures', 0);
    this.me = (await getSetting(this.database, 'me')) ?? null;
    this.gate = 'ready';
    this.afterUnlock();
    return null;
  }

  /**
   * A phone from before encryption at rest, unlocked with its old PIN: every row of the sealed
   * tables is written again (sealed on the way), the data key wrapped under the same PIN and the
   * old PIN hash removed, in one transaction.
   */
  private async sealLegacy(pin: string): Promise<void> {
    const database = this.database;
    const keyring = await wrapDataKey(appVault.exportKey(), pin);
    const me = await getSetting(database, 'me');
    await database.transaction('rw', database.tables, async () => {
      for (const table of database.tables) {
        if (!(table.name in SEALED_TABLES)) continue;
        await table.bulkPut(await table.toArray());
      }
      if (me) await setSetting(database, 'account', { id: me.id, username: me.username });
      await setSetting(database, 'keyring', keyring);
      await database.settings.delete('pin');
    });
    if (me) this.account = { id: me.id, username: me.username };
    void this.escrow();
  }

  /**
   * A forgotten PIN: the officer signs in again with the password (online), which proves who
   * they are; every record on the phone stays, and a new PIN is chosen.
   */
  async unlockWithPassword(password: string): Promise<Message | null> {
    const account = this.account;
    if (!account) return null;
    if (!navigator.onLine) return { key: 'login.needNetwork' };
    try {
      const device = await deviceId(this.database);
      const { deviceKeySchema, meSchema } = await import('$lib/sync/contract');
      const fresh = await call(meSchema, '/api/auth/login', {
        json: { username: account.username, password, deviceId: device },
      });
      if (fresh.id !== account.id) return { key: 'login.otherOfficer' };
      // The data key back from escrow (only this phone, only just after a password sign-in).
      const { key } = await call(deviceKeySchema, '/api/device/key');
      appVault.open(fromHex(key));
      if (!(await this.opens())) {
        appVault.close();
        return { key: 'pin.escrowWrong' };
      }
      await setSetting(this.database, 'me', fresh);
      await setSetting(this.database, 'pinFailures', 0);
      this.me = fresh;
      this.failedSignIns = fresh.failedSignIns;
      this.gate = 'setPin';
      return null;
    } catch (e) {
      if (e instanceof ApiFailure && e.status === 404) return { key: 'pin.noEscrow' };
      return failureMessage(e);
    }
  }

  /** Whether the vault's key opens this phone's sealed data (a key from escrow is checked). */
  private async opens(): Promise<boolean> {
    try {
      await getSetting(this.database, 'me');
      await this.database.records.limit(1).toArray();
      return true;
    } catch {
      return false;
    }
  }

  lock(): void {
    appVault.close();
    this.me = null;
    this.catalog = null;
    this.gate = 'locked';
  }

  private afterUnlock(): void {
    this.touch();
    // Keep the notice font for printing with no signal (a no-op once cached).
    void pwa.keep(FONT_URL);
    void this.loadCatalog();
    void this.sync();
    void pwa.checkForUpdate();
  }

  async loadCatalog(): Promise<void> {
    const rows = await this.database.catalogs.toArray();
    const { catalogInForce } = await import('$lib/domain/catalog');
    const inForce =
      catalogInForce(rows, shanghaiDate(new Date())) ??
      rows.sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0];
    this.catalog = inForce?.catalog ?? null;
  }

  async catalogVersion(versionId: string): Promise<Catalog | null> {
    return (await this.database.catalogs.get(versionId))?.catalog ?? null;
  }

  /**
   * Locks the draft open in `editor` as a record version (saved first, so nothing typed is lost),
   * then updates the counts and starts a sync. What stops it comes back as a message to show, in
   * the language of the moment (it is not stored).
   */
  async finish(
    editor: DraftEditor,
    me: Me,
  ): Promise<{ ok: true; recordId: string } | { ok: false; error: string }> {
    try {
      await editor.save();
      // Nothing is locked from a draft (or files) the phone could not write.
      if (editor.saveError) return { ok: false, error: i18n.say(editor.saveError) };
      const { finishDraft } = await import('./records');
      const result = await finishDraft(this.database, $state.snapshot<Draft>(editor.draft), {
        catalog: editor.catalog,
        me,
      });
      if (!result.ok) {
        return { ok: false, error: i18n.clauses(result.issues.map((i) => i18n.issue(i))) };
      }
      this.dirtyDraft = false;
      await this.refresh();
      void this.sync();
      return { ok: true, recordId: result.record.id };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }

  async refresh(): Promise<void> {
    const database = this.database;
    this.waiting = await database.outbox.where('status').equals('pending').count();
    this.held = await database.outbox.where('status').equals('held').count();
    this.lastSyncAt = (await getSetting(database, 'lastSyncAt')) ?? null;
    this.lastSyncError = (await getSetting(database, 'lastSyncError')) ?? null;
    this.storage = await storageInfo();
  }

  /** Runs a sync now; on failure retries with backoff. Safe to call at any time. */
  async sync(): Promise<void> {
    const engine = await this.syncEngine();
    if (!appVault.isOpen) return this.checkWhileLocked();
    if (!this.me) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!navigator.onLine) {
      this.online = false;
      return;
    }
    try {
      const report = await engine.run();
      if (report.wiped) {
        this.afterWipe(report.wiped);
        return;
      }
      // The sync may have brought a new ledger key or roster.
      this.me = (await getSetting(this.database, 'me')) ?? this.me;
      void this.escrow();
      this.failures = 0;
      this.online = true;
      await this.loadCatalog();
    } catch (e) {
      this.failures++;
      if (e instanceof ApiFailure && e.status === 401) this.lastSyncError = e.said;
      // Browsers often say "online" on a network that carries nothing (a captive portal, a
      // mast with no data): what the officer sees follows whether the server can be reached.
      if (e instanceof ApiFailure && e.offline) this.online = false;
    } finally {
      await this.refresh();
      const delay = this.failures > 0 ? backoffMs(this.failures) : SYNC_INTERVAL_MS;
      // Calls that overlapped each end here: one timer stands, not one per call.
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.sync(), delay);
    }
  }

  /** Logout on a shared phone: refused while records wait, unless they were exported. */
  async logout(options: { exported: boolean }): Promise<Message | null> {
    await this.refresh();
    if ((this.waiting > 0 || this.held > 0) && !options.exported) {
      return { key: 'logout.unsynced', params: { n: this.waiting + this.held } };
    }
    // An officer's word on a colleague's record is not in the export: it is sent, or kept.
    const decisions = await this.database.confirmations.filter((c) => c.local !== null).count();
    if (decisions > 0 && !options.exported)
      return { key: 'logout.decisionsUnsynced', params: { n: decisions } };
    try {
      await request('/api/auth/logout', { method: 'POST' });
    } catch {
      // Offline: the server session expires on its own; the local data is removed below.
    }
    await this.forgetEverything();
    this.me = null;
    this.account = null;
    this.gate = 'login';
    await this.refresh();
    return null;
  }

  /**
   * Locked, the phone can send nothing (its records are sealed) but still asks whether it was
   * reported lost; if so it wipes itself at once: whoever holds it cannot unlock it anyway.
   */
  private async checkWhileLocked(): Promise<void> {
    const engine = await this.syncEngine();
    if (!this.account || !navigator.onLine) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    try {
      const wiped = await engine.wipeIfLost();
      if (wiped) return this.afterWipe('lost');
    } catch {
      // No answer: asked again later.
    }
    this.timer = setTimeout(() => void this.sync(), SYNC_INTERVAL_MS);
  }

  /** Wiped on the administrator's order: back to the sign-in screen, which says why. */
  wipedFor = $state<'deactivated' | 'lost' | null>(null);
  private afterWipe(reason: 'deactivated' | 'lost'): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    appVault.close();
    this.me = null;
    this.account = null;
    this.catalog = null;
    this.wipedFor = reason;
    this.gate = 'login';
  }

  /** The other language: kept first, then shown (a page loaded meanwhile opens in it). */
  async setLocale(): Promise<void> {
    await setSetting(this.database, 'locale', i18n.locale === 'zh-CN' ? 'en' : 'zh-CN');
    await i18n.toggle();
  }
}

export const field = new FieldApp();
