import { RESERVE_COUNT, LOW_WATER_MARK, remainingFor } from '$lib/domain/numbering';
import { nextLocalState, nextSyncStatus } from '$lib/domain/lifecycle';
import { DOC_TYPES, referencedBlobs, type LockedRecord } from '$lib/domain/record';
import { shanghaiYear } from '$lib/domain/time';
import {
  MAX_NEEDED_QUERY,
  MAX_PUSH_RECORDS,
  blobsNeededResponseSchema,
  deviceStatusSchema,
  meSchema,
  wipedResponseSchema,
  pullResponseSchema,
  pushResponseSchema,
  reserveResponseSchema,
  type PushResult,
} from '$lib/sync/contract';
import { ApiFailure, call, httpTransport, request, type Transport } from '../api';
import type { LocalRecord, PatrolDb } from '../db';
import { sendDecisions } from '../confirmations';
import { pruneLedger, rebuildOwnLedger } from '../ledger';
import { HeldPages } from './apply-change';
import { deviceId, getSetting, setSetting } from '../settings';
import { messageOf } from '$lib/i18n';
import { backoffMs } from './backoff';
export { backoffMs };

/**
 * The sync engine: evidence first (HEAD, then PUT only what is missing), then records in
 * batches, then pull. Every step can be repeated safely: the server deduplicates by content hash
 * and (id, version), and an outbox row is removed only after `accepted` or `duplicate`.
 */

export type SyncPhase = 'idle' | 'uploading' | 'pushing' | 'confirming' | 'pulling' | 'reserving';
export type SyncReport = {
  uploaded: number;
  accepted: number;
  duplicates: number;
  held: number;
  /** Records the server failed on this time; each waits for its own next attempt. */
  failed: number;
  /** The officer's confirmations of records naming them, sent (ADR 0012). */
  confirmed: number;
  pulled: number;
  /** The administrator ordered this phone wiped: it sent what it held and emptied itself. */
  wiped?: 'deactivated' | 'lost';
};

function stopsTheRun(e: unknown): boolean {
  return e instanceof ApiFailure && e.endsSync;
}

/** What is kept on the outbox row about a failed attempt: a code, worded when shown. */
function errorCode(e: unknown): string {
  return e instanceof ApiFailure ? `${e.code}:${e.status}` : 'error';
}

const MAX_BATCH_BYTES = 1_500_000;

/** Ledger records a pull holds in memory before writing them (about 30 MB; see `pull`). */
const HOLD_RECORDS = 250_000;
/** Pages one pull takes at most (a sync run then goes on; the next run pulls the rest). */
const MAX_PULL_PAGES = 500;

const noop = () => undefined;

const EMPTY_REPORT: SyncReport = {
  uploaded: 0,
  accepted: 0,
  duplicates: 0,
  held: 0,
  failed: 0,
  confirmed: 0,
  pulled: 0,
};

export class SyncEngine {
  phase: SyncPhase = 'idle';
  private running: Promise<SyncReport> | null = null;
  /**
   * Whether the run in progress has taken what it sends: a record locked (or a decision made)
   * since then is not in it, so a call from now on gets the run that follows (`next`).
   */
  private taken = false;
  /** The run that follows the one in progress, shared by every call made after it took its work. */
  private next: Promise<SyncReport> | null = null;
  /** A quick pull in progress (`pullSoon`); a full run starts after it. */
  private quick: Promise<number> | null = null;

  constructor(
    private db: PatrolDb,
    private onPhase: (phase: SyncPhase) => void = () => undefined,
    private transport: Transport = httpTransport,
  ) {}

  /**
   * One full sync. A call while a run is in progress shares it if that run has not yet taken the
   * records it sends; otherwise (a record was just locked, and the run is already past its upload)
   * it gets one more run right after, which every such call shares: nothing locked waits for the
   * next timed sync.
   */
  run(): Promise<SyncReport> {
    const running = this.running;
    if (running && this.taken) {
      this.next ??= running.then(noop, noop).then(() => {
        this.next = null;
        return this.run();
      });
      return this.next;
    }
    const quick = this.quick;
    this.running ??= (
      quick ? quick.then(noop, noop).then(() => this.runOnce()) : this.runOnce()
    ).finally(() => {
      this.running = null;
      this.taken = false;
      this.setPhase('idle');
    });
    return this.running;
  }

  /**
   * A quick look for what the server has for this phone (returned records, review comments,
   * confirmations asked): the pull alone, never at the same time as a full run (it waits for the
   * run in progress instead, which pulls too). The app calls it often while it is open.
   */
  async pullSoon(): Promise<number> {
    if (this.running) return (await this.running).pulled;
    this.quick ??= this.pull().finally(() => {
      this.quick = null;
    });
    return this.quick;
  }

  private setPhase(phase: SyncPhase) {
    this.phase = phase;
    this.onPhase(phase);
  }

  private async runOnce(): Promise<SyncReport> {
    const report: SyncReport = { ...EMPTY_REPORT };
    // Each phase runs even when an earlier one failed (a record the server cannot store must not
    // stop reviews, catalogs and numbers from arriving); only a lost network or session stops the
    // run, as nothing else could succeed.
    const errors: Error[] = [];
    const phase = async (name: SyncPhase, work: () => Promise<void>) => {
      this.setPhase(name);
      try {
        await work();
      } catch (e) {
        if (stopsTheRun(e)) throw e;
        errors.push(asError(e));
      }
    };
    try {
      // An order to wipe comes first: nothing else is done with this phone's session.
      const status = await call(deviceStatusSchema, '/api/device/status', {
        transport: this.transport,
      });
      if (status.wipe) return await this.farewell(status.wipe.reason, report);
      this.taken = true;
      const records = await this.due();
      await phase('uploading', async () => {
        report.uploaded = await this.uploadEvidence(records.map((r) => r.record));
      });
      await phase('pushing', () => this.push(records, report));
      await phase('confirming', async () => {
        report.confirmed = await sendDecisions(this.db, this.transport);
      });
      await phase('pulling', async () => {
        report.pulled = await this.pull();
      });
      await phase('reserving', async () => {
        await this.topUpNumbers();
        await this.refreshMe();
      });
    } catch (e) {
      errors.push(asError(e));
    }
    const [first] = errors;
    if (first === undefined) {
      await setSetting(this.db, 'lastSyncAt', new Date().toISOString());
      await setSetting(this.db, 'lastSyncError', null);
      return report;
    }
    await setSetting(this.db, 'lastSyncError', messageOf(first));
    throw first;
  }

  /**
   * The administrator's order to wipe (ADR 0018): every record not yet sent goes now, whatever its
   * backoff; once the server has answered for each (accepted, or kept in its quarantine), the
   * phone reports the wipe and deletes its database. A record the server could not take (no
   * network, a failed request) keeps the phone as it is until the next contact.
   */
  private async farewell(reason: 'deactivated' | 'lost', report: SyncReport): Promise<SyncReport> {
    const records = await this.due(Number.POSITIVE_INFINITY);
    this.setPhase('uploading');
    report.uploaded = await this.uploadEvidence(records.map((r) => r.record));
    this.setPhase('pushing');
    await this.push(records, report);
    if (report.failed > 0) throw new Error(`wipe waits: ${report.failed} record(s) not taken`);
    await this.reportAndWipe(report.accepted + report.duplicates + report.held);
    return { ...report, wiped: reason };
  }

  /**
   * For a locked phone: a phone reported lost wipes itself without sending (its records are
   * sealed and whoever holds it cannot unlock it). True when it did.
   */
  async wipeIfLost(): Promise<boolean> {
    const status = await call(deviceStatusSchema, '/api/device/status', {
      transport: this.transport,
    });
    if (status.wipe?.reason !== 'lost') return false;
    await this.reportAndWipe(0);
    return true;
  }

  /** Tells the server the phone wiped itself, then deletes the database (an empty one reopens). */
  private async reportAndWipe(recordsSent: number): Promise<void> {
    await call(wipedResponseSchema, '/api/device/wiped', {
      json: { recordsSent },
      transport: this.transport,
    });
    await this.db.delete();
    await this.db.open();
  }

  /** Locked versions waiting to be sent whose next attempt is due, oldest first. */
  private async due(now = Date.now()): Promise<LocalRecord[]> {
    const outbox = await this.db.outbox.where('status').equals('pending').sortBy('seq');
    const records: LocalRecord[] = [];
    for (const row of outbox) {
      if ((row.nextAttemptAt ?? 0) > now) continue;
      const r = await this.db.records.get([row.recordId, row.version]);
      if (r) records.push(r);
    }
    return records;
  }

  /**
   * Evidence first. The server says which of the phone's files it must upload (by the push's own
   * rule: a file the server holds but this officer never uploaded, such as one of a colleague's
   * record, must still be uploaded); the others are marked as sent. A file the server will not
   * take does not stop the others.
   */
  private async uploadEvidence(records: LockedRecord[]): Promise<number> {
    const hashes = new Set<string>();
    for (const r of records) for (const h of referencedBlobs(r)) hashes.add(h);
    // The keys alone, from the index: no file is read (and unsealed) before it is sent.
    const unsent = new Set(await this.db.evidence.where('uploaded').equals(0).primaryKeys());
    const waiting = [...hashes].filter((h) => unsent.has(h));
    let uploaded = 0;
    let failure: Error | null = null;
    for (let i = 0; i < waiting.length; i += MAX_NEEDED_QUERY) {
      const asked = waiting.slice(i, i + MAX_NEEDED_QUERY);
      const { needed } = await call(blobsNeededResponseSchema, '/api/blobs/needed', {
        json: { sha256: asked },
        transport: this.transport,
      });
      const must = new Set(needed);
      for (const sha256 of asked) {
        try {
          if (must.has(sha256)) {
            const blob = await this.db.evidence.get(sha256);
            if (!blob) continue;
            await request(
              `/api/blobs/${sha256}`,
              { method: 'PUT', headers: { 'content-type': blob.mime }, body: blob.bytes },
              120_000,
              this.transport,
            );
            uploaded++;
          }
          await this.db.evidence.update(sha256, { uploaded: 1 });
        } catch (e) {
          if (stopsTheRun(e)) throw e;
          // The records naming this file come back as missingBlobs and wait for it.
          failure ??= asError(e);
        }
      }
    }
    if (failure !== null) throw failure;
    return uploaded;
  }

  /**
   * Records in batches. A batch the server fails on is split in halves and each sent again, down
   * to the single record; a record that alone still fails waits for a later attempt (backoff per
   * record) while every other record goes through.
   */
  private async push(records: LocalRecord[], report: SyncReport): Promise<void> {
    const device = await deviceId(this.db);
    const send = async (sent: LocalRecord[]): Promise<void> => {
      if (sent.length === 0) return;
      try {
        const res = await call(pushResponseSchema, '/api/sync/push', {
          json: { deviceId: device, records: sent.map((r) => r.record) },
          timeoutMs: 60_000,
          transport: this.transport,
        });
        for (const result of res.results) await this.apply(result, report);
      } catch (e) {
        if (stopsTheRun(e)) throw e;
        if (sent.length > 1) {
          const half = Math.ceil(sent.length / 2);
          await send(sent.slice(0, half));
          await send(sent.slice(half));
          return;
        }
        const [only] = sent;
        if (only) await this.retryLater(only.id, only.version, errorCode(e), report);
      }
    };
    let batch: LocalRecord[] = [];
    let bytes = 0;
    for (const r of records) {
      const size = JSON.stringify(r.record).length * 3;
      if (batch.length >= MAX_PUSH_RECORDS || bytes + size > MAX_BATCH_BYTES) {
        await send(batch);
        batch = [];
        bytes = 0;
      }
      batch.push(r);
      bytes += size;
    }
    await send(batch);
  }

  /** A record the server could not take this time: it waits, with growing pauses, and says why. */
  private async retryLater(
    recordId: string,
    version: number,
    lastError: string,
    report: SyncReport,
  ): Promise<void> {
    const row = await this.db.outbox.where({ recordId, version }).first();
    if (row?.seq === undefined) return;
    const attempts = row.attempts + 1;
    await this.db.outbox.update(row.seq, {
      attempts,
      lastError,
      nextAttemptAt: Date.now() + backoffMs(attempts),
    });
    report.failed++;
  }

  /** Applies one push result; the record's state and its outbox row change together. */
  private async apply(result: PushResult, report: SyncReport): Promise<void> {
    if (result.id === null || result.version === null) return;
    const key: [string, number] = [result.id, result.version];
    await this.db.transaction(
      'rw',
      [this.db.records, this.db.outbox, this.db.evidence],
      async () => {
        const row = await this.db.outbox
          .where({ recordId: result.id, version: result.version })
          .first();
        const current = await this.db.records.get(key);
        if (!current) return;
        const syncStatus = nextSyncStatus(current.syncStatus, result.status);
        switch (result.status) {
          case 'accepted':
          case 'duplicate': {
            const patch: Partial<LocalRecord> = {
              syncStatus,
              syncMessage: null,
              syncIssues: [],
              state: nextLocalState(current.state, 'acknowledged'),
            };
            if (result.status === 'accepted') {
              patch.flags = result.flags;
              patch.assignedNumbers = result.assignedNumbers.map((a) => ({
                documentId: a.documentId,
                assigned: a.assigned,
              }));
              report.accepted++;
            } else report.duplicates++;
            await this.db.records.update(key, patch);
            if (row?.seq !== undefined) await this.db.outbox.delete(row.seq);
            break;
          }
          case 'error':
            if (row?.seq !== undefined)
              await this.db.outbox.update(row.seq, {
                attempts: row.attempts + 1,
                lastError: result.code ?? 'serverError',
                nextAttemptAt: Date.now() + backoffMs(row.attempts + 1),
              });
            report.failed++;
            break;
          case 'missingBlobs':
            // The server lost or never got these: upload again on the next run.
            for (const h of result.missing) await this.db.evidence.update(h, { uploaded: 0 });
            if (row?.seq !== undefined)
              await this.db.outbox.update(row.seq, {
                attempts: row.attempts + 1,
                lastError: 'missingBlobs',
              });
            break;
          case 'conflict':
          case 'rejected': {
            const issues =
              result.status === 'rejected'
                ? result.issues
                : [
                    {
                      path: [],
                      message: result.message,
                      ...(result.code ? { code: result.code } : {}),
                    },
                  ];
            await this.db.records.update(key, {
              syncStatus,
              syncMessage: result.message,
              syncIssues: issues,
            });
            if (row?.seq !== undefined)
              await this.db.outbox.update(row.seq, {
                status: 'held',
                attempts: row.attempts + 1,
                lastError: result.message,
              });
            report.held++;
            break;
          }
        }
      },
    );
  }

  /**
   * The feed since this phone's cursor, 500 changes a page, held in memory and written together
   * with the cursor when the feed ends (or `HOLD_RECORDS` ledger records are held): a phone's
   * first pull of the city-wide ledger (200,000 entries) then writes each ledger bucket once,
   * where writing page by page wrote most of them three times and left the superseded values on
   * disk until the storage engine compacted (ADR 0018). A failed request writes what arrived
   * before it; only a phone killed in between pulls those pages again (every change can be
   * applied twice).
   */
  async pull(): Promise<number> {
    // Old entries go first, by the previous pull's window: a walk of every bucket, done before
    // this pull writes (on a phone's first pull the ledger is still empty).
    const since = await getSetting(this.db, 'ledgerSince');
    if (since) await this.pruneOnceADay(since);
    let cursor = (await getSetting(this.db, 'pullCursor')) ?? 0;
    let total = 0;
    const held = new HeldPages();
    const write = async (to: number) => {
      total += held.count;
      await held.write(
        this.db,
        [
          this.db.records,
          this.db.catalogs,
          this.db.ledgerBuckets,
          this.db.numberBlocks,
          this.db.confirmations,
          this.db.tasks,
          this.db.settings,
        ],
        () => setSetting(this.db, 'pullCursor', to),
      );
    };
    for (let page = 0; page < MAX_PULL_PAGES; page++) {
      let res;
      try {
        res = await call(pullResponseSchema, `/api/sync/pull?cursor=${cursor}&limit=500`, {
          transport: this.transport,
        });
      } catch (e) {
        // The network went: what arrived is kept, and the next pull goes on from there.
        if (held.count) await write(cursor);
        throw e;
      }
      if (res.ledgerKeyId && (await this.ledgerKeyChanged(res.ledgerKeyId, cursor))) {
        // This page's digests are under a key the phone's ledger was not built with: start
        // again from the beginning with the new key (rare: the administrator rotated it, or
        // the phone's ledger predates the city-wide feed). Pages held were under the old key.
        held.drop();
        cursor = 0;
        continue;
      }
      held.add(res.changes);
      cursor = res.cursor;
      if (!res.more) {
        await write(cursor);
        if (res.ledgerSince && res.ledgerSince !== since)
          await setSetting(this.db, 'ledgerSince', res.ledgerSince);
        return total;
      }
      if (held.ledgerRecords >= HOLD_RECORDS) await write(cursor);
    }
    await write(cursor);
    return total;
  }

  /**
   * Whether the feed's ledger key differs from the one this phone's ledger was built under; if it
   * does, the ledger is emptied, the new key fetched, the phone's own rows made again under it,
   * and the cursor set back to the start, all before anything under the new key is applied.
   */
  private async ledgerKeyChanged(keyId: string, cursor: number): Promise<boolean> {
    const known = await getSetting(this.db, 'ledgerKeyId');
    if (known === keyId) return false;
    if (known === undefined && cursor === 0) {
      await setSetting(this.db, 'ledgerKeyId', keyId);
      return false;
    }
    const me = await call(meSchema, '/api/auth/me', { transport: this.transport });
    if (!me.ledgerKey || me.ledgerKeyId !== keyId)
      throw new Error('ledger key changed during sync');
    await this.db.transaction('rw', [this.db.ledgerBuckets, this.db.settings], async () => {
      await this.db.ledgerBuckets.clear();
      await setSetting(this.db, 'me', me);
      await setSetting(this.db, 'ledgerDigests', false);
      await setSetting(this.db, 'pullCursor', 0);
      await setSetting(this.db, 'ledgerKeyId', keyId);
    });
    await rebuildOwnLedger(this.db, me.ledgerKey);
    return true;
  }

  /** Drops entries older than any lookback window, once a day (a walk of the whole ledger). */
  private async pruneOnceADay(since: string): Promise<void> {
    if ((await getSetting(this.db, 'ledgerPrunedFor')) === since) return;
    await this.db.transaction('rw', [this.db.ledgerBuckets, this.db.settings], async () => {
      await pruneLedger(this.db, since);
      await setSetting(this.db, 'ledgerPrunedFor', since);
    });
  }

  /** Keeps enough numbers of every type for a few days of work. */
  async topUpNumbers(now = new Date()): Promise<void> {
    const me = await getSetting(this.db, 'me');
    if (me?.role !== 'officer') return;
    const device = await deviceId(this.db);
    const year = shanghaiYear(now);
    const blocks = await this.db.numberBlocks.toArray();
    for (const docType of DOC_TYPES) {
      if (remainingFor(blocks, docType, year) >= LOW_WATER_MARK) continue;
      const res = await call(reserveResponseSchema, '/api/numbers/reserve', {
        json: { deviceId: device, docType, count: RESERVE_COUNT },
        transport: this.transport,
      });
      await this.db.numberBlocks.put({ ...res.block, deviceId: device });
    }
  }

  private async refreshMe(): Promise<void> {
    try {
      const me = await call(meSchema, '/api/auth/me', { transport: this.transport });
      await setSetting(this.db, 'me', me);
      if (me.ledgerKey) await rebuildOwnLedger(this.db, me.ledgerKey);
    } catch (e) {
      if (e instanceof ApiFailure && e.status === 401)
        throw new ApiFailure(401, 'unauthenticated', { key: 'err.sessionExpired' });
    }
  }
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
