import { catalogSchema } from '$lib/domain/catalog';
import { IllegalTransitionError, nextLocalState, type ReviewAction } from '$lib/domain/lifecycle';
import type { Change } from '$lib/sync/contract';
import { applyConfirmation } from '../confirmations';
import { putLedgerEntries } from '../ledger';
import type { LocalRecord, PatrolDb } from '../db';
import { deviceId } from '../settings';

/**
 * A page of the pull feed applied (inside the caller's transaction): ledger entries together,
 * the last one per record (the server makes each from the record's rows at pull time, so a
 * record named twice in a page is named the same way), every other change in order.
 */
export async function applyPage(db: PatrolDb, changes: readonly Change[]): Promise<void> {
  const ledger = new Map<string, Extract<Change, { kind: 'ledger' }>['entry']>();
  for (const change of changes) {
    if (change.kind === 'ledger') ledger.set(change.entry.recordId, change.entry);
    else await applyChange(db, change);
  }
  await putLedgerEntries(db, [...ledger.values()]);
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
