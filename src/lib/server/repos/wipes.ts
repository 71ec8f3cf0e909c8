import type { Db, Tx } from '../db/db';

/**
 * Remote wipe orders (ADR 0018). An order names a phone (a device id); the phone learns of it at
 * its next contact, sends what it has not sent, empties itself and says so. Orders are kept with
 * the time of the wipe: the console shows when it happened.
 */
export type WipeReason = 'deactivated' | 'lost';

/** Orders every phone registered to a user to wipe itself (the user was deactivated). */
export async function orderUserWipes(
  tx: Tx,
  userId: string,
  by: string | null,
  at: string,
): Promise<void> {
  const devices = await tx
    .selectFrom('devices')
    .select('id')
    .where('user_id', '=', userId)
    .execute();
  if (devices.length === 0) return;
  await tx
    .insertInto('device_wipes')
    .values(
      devices.map((d) => ({
        device_id: d.id,
        user_id: userId,
        reason: 'deactivated' as const,
        ordered_at: at,
        ordered_by: by,
        wiped_at: null,
        records_sent: null,
      })),
    )
    .onConflict((oc) => oc.column('device_id').doNothing())
    .execute();
}

/** Orders one phone to wipe itself (reported lost); false when no such phone is registered. */
export async function orderDeviceWipe(
  tx: Tx,
  deviceId: string,
  by: string | null,
  at: string,
): Promise<{ userId: string } | null> {
  const device = await tx
    .selectFrom('devices')
    .select(['id', 'user_id'])
    .where('id', '=', deviceId)
    .executeTakeFirst();
  if (!device) return null;
  await tx
    .insertInto('device_wipes')
    .values({
      device_id: deviceId,
      user_id: device.user_id,
      reason: 'lost',
      ordered_at: at,
      ordered_by: by,
      wiped_at: null,
      records_sent: null,
    })
    // A phone already told to wipe because its user left is now also lost: the stronger order.
    .onConflict((oc) => oc.column('device_id').doUpdateSet({ reason: 'lost' }))
    .execute();
  await revokeDeviceSessions(tx, deviceId, at);
  return { userId: device.user_id };
}

async function revokeDeviceSessions(tx: Tx, deviceId: string, at: string): Promise<void> {
  await tx
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('device_id', '=', deviceId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** A reactivated user's phones are not wiped after all (orders not yet carried out). */
export async function cancelUserWipes(tx: Tx, userId: string): Promise<void> {
  await tx
    .deleteFrom('device_wipes')
    .where('user_id', '=', userId)
    .where('reason', '=', 'deactivated')
    .where('wiped_at', 'is', null)
    .execute();
}

export async function pendingWipe(
  db: Db | Tx,
  deviceId: string,
): Promise<{ reason: WipeReason; orderedAt: string } | null> {
  const row = await db
    .selectFrom('device_wipes')
    .select(['reason', 'ordered_at'])
    .where('device_id', '=', deviceId)
    .where('wiped_at', 'is', null)
    .executeTakeFirst();
  return row ? { reason: row.reason, orderedAt: row.ordered_at } : null;
}

/** The phone says it wiped itself: recorded once (a repeated report changes nothing). */
export async function markWiped(
  tx: Tx,
  deviceId: string,
  recordsSent: number,
  at: string,
): Promise<boolean> {
  const r = await tx
    .updateTable('device_wipes')
    .set({ wiped_at: at, records_sent: recordsSent })
    .where('device_id', '=', deviceId)
    .where('wiped_at', 'is', null)
    .executeTakeFirst();
  await revokeDeviceSessions(tx, deviceId, at);
  return Number(r.numUpdatedRows) === 1;
}

/** Registered phones with their wipe state, newest contact first (the administrator's page). */
export async function listDevices(db: Db) {
  return db
    .selectFrom('devices')
    .innerJoin('users', 'users.id', 'devices.user_id')
    .leftJoin('device_wipes', 'device_wipes.device_id', 'devices.id')
    .select([
      'devices.id',
      'devices.last_seen_at',
      'devices.user_agent',
      'users.username',
      'users.real_name',
      'device_wipes.reason as wipe_reason',
      'device_wipes.ordered_at as wipe_ordered_at',
      'device_wipes.wiped_at',
      'device_wipes.records_sent',
    ])
    .orderBy('devices.last_seen_at', 'desc')
    .limit(500)
    .execute();
}
