import type { Db, Tx } from '../../db/db';
import { reservedNumbers } from '../numbers';

type UserRow = {
  id: string;
  certificate_no: string | null;
  squad_id: string | null;
  role: string;
  real_name: string;
  active: 0 | 1;
  deactivated_at: string | null;
};

/** Reference data read once per push, not once per record. */
export type Lookups = {
  users: (db: Db, ids: string[]) => Promise<UserRow[]>;
  squad: (
    db: Db | Tx,
    id: string,
  ) => Promise<{ id: string; district: string; name: string } | null>;
  blocks: (tx: Tx, deviceId: string) => Promise<Set<string>>;
};

export function newLookups(): Lookups {
  const users = new Map<string, UserRow | null>();
  const squads = new Map<string, { id: string; district: string; name: string } | null>();
  const blocks = new Map<string, Set<string>>();
  return {
    users: async (db, ids) => {
      const unknown = ids.filter((id) => !users.has(id));
      if (unknown.length) {
        const rows = await db
          .selectFrom('users')
          .select([
            'id',
            'certificate_no',
            'squad_id',
            'role',
            'real_name',
            'active',
            'deactivated_at',
          ])
          .where('id', 'in', unknown)
          .execute();
        for (const id of unknown) users.set(id, rows.find((r) => r.id === id) ?? null);
      }
      return ids.flatMap((id) => {
        const u = users.get(id);
        return u ? [u] : [];
      });
    },
    squad: async (db, id) => {
      if (!squads.has(id)) {
        const row = await db
          .selectFrom('squads')
          .select(['id', 'district', 'name'])
          .where('id', '=', id)
          .executeTakeFirst();
        squads.set(id, row ?? null);
      }
      return squads.get(id) ?? null;
    },
    blocks: async (tx, deviceId) => {
      let set = blocks.get(deviceId);
      if (!set) {
        set = await reservedNumbers(tx, deviceId);
        blocks.set(deviceId, set);
      }
      return set;
    },
  };
}
