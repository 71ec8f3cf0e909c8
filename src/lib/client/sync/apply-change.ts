import { catalogSchema } from '$lib/domain/catalog';
import { IllegalTransitionError, nextLocalState, type ReviewAction } from '$lib/domain/lifecycle';
import type { Change, LedgerEntry } from '$lib/sync/contract';
import { applyConfirmation } from '../confirmations';
import type { Table } from 'dexie';
import { holdEntries, putLedgerEntries, writeHeld } from '../ledger';
import { HeldLedger } from '../ledger-pack';
import type { LocalRecord, PatrolDb } from '../db';
import { deviceId } from '../settings';

/**
 * Pages of the pull feed held until they are written together (`write`): ledger entries packed
 * as they arrive (`HeldLedger`: the last entry per record, withdrawals kept), every other change
 * in order. The server makes each entry from the record's rows when the page is served, so the
 * last is the record's current word.
 */
export class HeldPages {
  private ledger = new HeldLedger();
  private others: Change[] = [];
  /** Changes held. */
  count = 0;

  get ledgerRecords(): number {
    return this.ledger.size;
  }

  add(changes: readonly Change[]): void {
    const entries: LedgerEntry[] = [];
    for (const change of changes)
      if (change.kind === 'ledger') entries.push(change.entry);
      else this.others.push(change);
    holdEntries(entries, this.ledger);
    this.count += changes.length;
  }

  /** Everything held forgotten. */
  drop(): void {
    this.ledger = new HeldLedger();
    this.others = [];
    this.count = 0;
  }

  /**
   * Everything held written: the ledger a few thousand buckets a transaction, the last of them
   * with the other changes and `then` (the cursor) over `tables`. Emptied whatever happens.
   */
  async write(db: PatrolDb, tables: Table[], then: () => Promise<void>): Promise<void> {
    const { ledger, others } = this;
    this.drop();
    await writeHeld(db, ledger, {
      tables,
      last: async () => {
        for (const change of others) await applyChange(db, change);
        await then();
      },
    });
  }
}

/**
 * One change of the pull feed applied to the phone's database. Every change can be applied again
 * (a page may be pulled twice): reviews by id, ledger rows by record, blocks and numbers by id.
 */
export async function applyChange(db: PatrolDb, change: Change): Promise<void> {
  switch (change.kind) {
    case 'review': {
      // Applied once per review (a page may be pulled again), to the version it is about.
      const rows = await db.records.where('id').equals(change.review.recordId).toArray();
      for (const r of rows) {
        if (r.reviews.some((x) => x.id === change.review.id)) continue;
        const review = {
          id: change.review.id,
          version: change.review.version,
          action: change.review.action,
          comment: change.review.comment,
          reviewerId: '',
          reviewerName: change.review.reviewerName,
          checklist: {},
          createdAt: change.at,
        };
        await db.records.put({
          ...r,
          reviews: [...r.reviews, review],
          state: r.version === change.review.version ? reviewed(r, change.review.action) : r.state,
        });
      }
      break;
    }
    case 'catalog': {
      const catalog = catalogSchema.parse(change.catalog);
      await db.catalogs.put({
        versionId: catalog.versionId,
        effectiveFrom: catalog.effectiveFrom,
        catalog,
      });
      break;
    }
    case 'ledger': {
      // Digests of the party's keys only (the contract refuses anything else).
      await putLedgerEntries(db, [change.entry]);
      break;
    }
    case 'confirmation':
      await applyConfirmation(db, change.confirmation);
      break;
    case 'numberBlock': {
      const device = await deviceId(db);
      if (change.deviceId !== device) break;
      // Keep the local `next`: this phone may already have used numbers of the block.
      const existing = await db.numberBlocks.get(change.block.id);
      if (!existing) await db.numberBlocks.put({ ...change.block, deviceId: device });
      break;
    }
    case 'flags': {
      // The server's word on a version already sent changed (a prior synced later).
      const r = await db.records.get([change.recordId, change.version]);
      if (r) await db.records.put({ ...r, flags: change.flags });
      break;
    }
    case 'task':
      if (change.task) await db.tasks.put(change.task);
      else await db.tasks.delete(change.taskId);
      break;
    case 'numberAssigned': {
      const rows = await db.records.where('id').equals(change.recordId).toArray();
      for (const r of rows) {
        if (r.assignedNumbers.some((a) => a.documentId === change.number.documentId)) continue;
        await db.records.put({
          ...r,
          assignedNumbers: [
            ...r.assignedNumbers,
            { documentId: change.number.documentId, assigned: change.number.assigned },
          ],
        });
      }
      break;
    }
  }
}

/**
 * The local state after a review. The server reviews a version once, so an illegal step can only
 * come from a feed replayed out of order: the review is kept and the state left as it is, never
 * an error that would stop every later pull.
 */
function reviewed(r: LocalRecord, action: ReviewAction): LocalRecord['state'] {
  try {
    return nextLocalState(r.state, action);
  } catch (e) {
    if (e instanceof IllegalTransitionError) return r.state;
    throw e;
  }
}
