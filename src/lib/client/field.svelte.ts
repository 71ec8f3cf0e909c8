import { catalogInForce, type Catalog } from '$lib/domain/catalog';
import { shanghaiDate } from '$lib/domain/time';
import { meSchema, type Me } from '$lib/sync/contract';
import { i18n } from '$lib/i18n/locale.svelte';
import { messageOf, type Message } from '$lib/i18n';
import { ApiFailure, call, request } from './api';
import { db, type Draft, type PatrolDb } from './db';
import type { DraftEditor } from './draft-editor.svelte';
import { hashPin, pinLockout, validPin, verifyPin } from './pin';
import { FONT_URL } from './print';
import { pwa } from './pwa.svelte';
import { finishDraft } from './records';
import { deviceId, getSetting, setSetting } from './settings';
import { requestPersistence, storageInfo, type StorageInfo } from './storage';
import { backoffMs, SyncEngine, type SyncPhase } from './sync/engine';

/** What a failed sign-in says: no network, or what the failure itself says. */
function failureMessage(e: unknown): Message {
  return e instanceof ApiFailure && e.offline ? { key: 'login.needNetwork' } : messageOf(e);
}

export type Gate = 'loading' | 'login' | 'setPin' | 'locked' | 'ready';

const UNLOCK_KEY = 'patrolbook.unlockedAt';
const UNLOCK_MINUTES = 30;
const SYNC_INTERVAL_MS = 3 * 60_000;

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
    if (locale && locale !== i18n.locale) i18n.toggle();
    this.engine = new SyncEngine(database, (phase) => (this.syncPhase = phase));
    window.addEventListener('online', () => {
      this.online = true;
      this.failures = 0;
      void this.sync();
    });
    window.addEventListener('offline', () => (this.online = false));
    pwa.register();
    await this.refresh();
    const me = await getSetting(database, 'me');
    const pin = await getSetting(database, 'pin');
    this.me = me ?? null;
    if (!me) this.gate = 'login';
    else if (!pin) this.gate = 'setPin';
    else if (this.recentlyUnlocked()) this.gate = 'ready';
    else this.gate = 'locked';
    if (this.gate === 'ready') this.afterUnlock();
  }

  private recentlyUnlocked(): boolean {
    const at = Number(sessionStorage.getItem(UNLOCK_KEY) ?? 0);
    return Date.now() - at < UNLOCK_MINUTES * 60_000;
  }

  /** Keeps the unlock alive while the officer is using the app. */
  touch(): void {
    if (this.gate === 'ready') sessionStorage.setItem(UNLOCK_KEY, String(Date.now()));
  }

  async login(username: string, password: string): Promise<Message | null> {
    try {
      const device = await deviceId(this.database);
      const me = await call(meSchema, '/api/auth/login', {
        json: { username, password, deviceId: device },
      });
      if (me.role !== 'officer') {
        return { key: 'login.notOfficer' };
      }
      const previous = await getSetting(this.database, 'me');
      if (previous && previous.id !== me.id) {
        // Another officer's data on a shared phone is never mixed with this one's.
        return { key: 'login.otherOfficer' };
      }
      await setSetting(this.database, 'me', me);
      this.me = me;
      this.failedSignIns = me.failedSignIns;
      const persisted = await requestPersistence();
      await setSetting(this.database, 'persisted', persisted === true);
      await this.sync();
      this.gate = (await getSetting(this.database, 'pin')) ? 'ready' : 'setPin';
      if (this.gate === 'ready') this.afterUnlock();
      return null;
    } catch (e) {
      return failureMessage(e);
    }
  }

  async setPin(pin: string, confirm: string): Promise<Message | null> {
    if (pin !== confirm) return { key: 'pin.mismatch' };
    if (!validPin(pin)) return { key: 'pin.invalid' };
    await setSetting(this.database, 'pin', await hashPin(pin));
    await setSetting(this.database, 'pinFailures', 0);
    this.gate = 'ready';
    this.afterUnlock();
    return null;
  }

  /** How long until the next PIN may be tried, and whether the password is offered instead. */
  async pinState(now = Date.now()): Promise<{ waitMs: number; offerPassword: boolean }> {
    const failures = (await getSetting(this.database, 'pinFailures')) ?? 0;
    const at = (await getSetting(this.database, 'pinFailedAt')) ?? null;
    return pinLockout(failures, at, now);
  }

  async unlock(pin: string): Promise<Message | null> {
    const stored = await getSetting(this.database, 'pin');
    if (!stored) {
      this.gate = 'setPin';
      return null;
    }
    const { waitMs } = await this.pinState();
    if (waitMs > 0) return { key: 'pin.wait', params: { s: Math.ceil(waitMs / 1000) } };
    if (!(await verifyPin(pin, stored))) {
      const failures = ((await getSetting(this.database, 'pinFailures')) ?? 0) + 1;
      await setSetting(this.database, 'pinFailures', failures);
      await setSetting(this.database, 'pinFailedAt', Date.now());
      const next = await this.pinState();
      return next.waitMs > 0
        ? { key: 'pin.wrongWait', params: { s: Math.ceil(next.waitMs / 1000) } }
        : { key: 'pin.wrong' };
    }
    await setSetting(this.database, 'pinFailures', 0);
    this.gate = 'ready';
    this.afterUnlock();
    return null;
  }

  /**
   * A forgotten PIN: the officer signs in again with the password (online), which proves who
   * they are; every record on the phone stays, and a new PIN is chosen.
   */
  async unlockWithPassword(password: string): Promise<Message | null> {
    const me = this.me;
    if (!me) return null;
    if (!navigator.onLine) return { key: 'login.needNetwork' };
    try {
      const device = await deviceId(this.database);
      const fresh = await call(meSchema, '/api/auth/login', {
        json: { username: me.username, password, deviceId: device },
      });
      if (fresh.id !== me.id) return { key: 'login.otherOfficer' };
      await setSetting(this.database, 'me', fresh);
      await setSetting(this.database, 'pinFailures', 0);
      this.me = fresh;
      this.failedSignIns = fresh.failedSignIns;
      this.gate = 'setPin';
      return null;
    } catch (e) {
      return failureMessage(e);
    }
  }

  lock(): void {
    sessionStorage.removeItem(UNLOCK_KEY);
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
    if (!this.engine || !this.me) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!navigator.onLine) {
      this.online = false;
      return;
    }
    try {
      const report = await this.engine.run();
      if (report.wiped) {
        this.afterWipe(report.wiped);
        return;
      }
      // The sync may have brought a new ledger key or roster.
      this.me = (await getSetting(this.database, 'me')) ?? this.me;
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
    const database = this.database;
    await database.transaction('rw', database.tables, async () => {
      for (const t of database.tables) {
        if (t.name !== 'settings') await t.clear();
      }
      // The device id goes too: the next officer signs in as a new device (the server never
      // hands one officer's device to another).
      await database.settings.where('key').noneOf(['locale']).delete();
    });
    sessionStorage.removeItem(UNLOCK_KEY);
    this.me = null;
    this.gate = 'login';
    await this.refresh();
    return null;
  }

  /** Wiped on the administrator's order: back to the sign-in screen, which says why. */
  wipedFor = $state<'deactivated' | 'lost' | null>(null);
  private afterWipe(reason: 'deactivated' | 'lost'): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    sessionStorage.removeItem(UNLOCK_KEY);
    this.me = null;
    this.catalog = null;
    this.wipedFor = reason;
    this.gate = 'login';
  }

  async setLocale(): Promise<void> {
    await setSetting(this.database, 'locale', i18n.toggle());
  }
}

export const field = new FieldApp();
