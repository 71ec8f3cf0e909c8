import type { Db } from '../db/db';
import { audit } from '../repos/audit';
import { resolveQuarantine } from '../repos/quarantine';

/**
 * An administrator closes a refused record with a note, with its audit entry in the same
 * transaction. False when it was already closed or has been superseded by a later version.
 */
export async function closeQuarantineEntry(
  db: Db,
  id: string,
  note: string,
  by: { adminId: string; ip: string | null },
): Promise<boolean> {
  const at = new Date().toISOString();
  return db.transaction().execute(async (tx) => {
    const ok = await resolveQuarantine(tx, id, by.adminId, note, at);
    if (ok) {
      await audit(tx, {
        userId: by.adminId,
        action: 'quarantine.resolve',
        target: id,
        detail: { note },
        ip: by.ip,
      });
    }
    return ok;
  });
}
