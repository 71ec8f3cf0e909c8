import type { Db } from '../db/db';
import { audit } from '../repos/audit';
import { forgetLedgerKey, rotateLedgerKey, type LedgerKey } from '../repos/secrets';
import { markWiped } from '../repos/wipes';

/** The administrator rotates the ledger key (ADR 0018), audited in the same transaction. */
export async function rotateLedgerKeyAudited(
  db: Db,
  by: { adminId: string; ip: string | null },
): Promise<LedgerKey> {
  const key = await db.transaction().execute(async (tx) => {
    const k = await rotateLedgerKey(tx);
    await audit(tx, {
      userId: by.adminId,
      action: 'ledgerKey.rotate',
      detail: { keyId: k.id },
      ip: by.ip,
    });
    return k;
  });
  forgetLedgerKey();
  return key;
}

/**
 * A phone reports that it sent what it held and wiped itself: the order is marked done and the
 * session ends, audited once (a repeated report changes nothing).
 */
export async function reportWiped(
  db: Db,
  options: { deviceId: string; userId: string; recordsSent: number; ip: string | null },
): Promise<boolean> {
  const at = new Date().toISOString();
  return db.transaction().execute(async (tx) => {
    const done = await markWiped(tx, options.deviceId, options.recordsSent, at);
    if (done)
      await audit(tx, {
        userId: options.userId,
        action: 'device.wiped',
        target: options.deviceId,
        detail: { recordsSent: options.recordsSent },
        ip: options.ip,
      });
    return done;
  });
}
