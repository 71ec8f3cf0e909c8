import { shanghaiDate } from '$lib/domain/time';
import type { SessionUser } from '../auth/types';
import type { Db } from '../db/db';
import { recordsWithPeople } from '../repos/records';

/**
 * Deadline re-inspections as a supervisor follows them: due today, overdue (oldest first),
 * upcoming and done, with per-squad counts (on time: done by the deadline, Shanghai dates).
 */
export async function reinspectionBoard(db: Db, user: SessionUser, today: string) {
  const rows = await recordsWithPeople(db, user)
    .where('records.deadline', 'is not', null)
    .select([
      'records.id',
      'records.item_code',
      'records.address',
      'records.party_name',
      'records.deadline',
      'records.reinspected_at',
      'records.follow_up',
      'squads.name as squad',
      'o1.real_name as o1',
      'o2.real_name as o2',
    ])
    .orderBy('records.deadline', 'desc')
    .limit(2000)
    .execute();
  const done = rows.filter((r) => r.reinspected_at !== null);
  const open = rows.filter((r) => r.reinspected_at === null && r.follow_up === 'pending');
  return {
    today,
    dueToday: open.filter((r) => r.deadline === today),
    overdue: open
      .filter((r) => (r.deadline ?? '') < today)
      .sort((a, b) => ((a.deadline ?? '') < (b.deadline ?? '') ? -1 : 1)),
    upcoming: open
      .filter((r) => (r.deadline ?? '') > today)
      .sort((a, b) => ((a.deadline ?? '') < (b.deadline ?? '') ? -1 : 1)),
    done: done.slice(0, 200),
    perSquad: [...new Set(rows.map((r) => r.squad))].map((squad) => ({
      squad,
      open: open.filter((r) => r.squad === squad).length,
      overdue: open.filter((r) => r.squad === squad && (r.deadline ?? '') < today).length,
      done: done.filter((r) => r.squad === squad).length,
      onTime: done.filter(
        (r) =>
          r.squad === squad &&
          r.reinspected_at !== null &&
          shanghaiDate(r.reinspected_at) <= (r.deadline ?? ''),
      ).length,
    })),
  };
}
