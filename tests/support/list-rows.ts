import { createHash } from 'node:crypto';
import type { Insertable } from 'kysely';
import { starterCatalog } from '$lib/domain/starter-catalog';
import { uuidv7 } from '$lib/domain/uuid';
import type { SessionUser } from '$lib/server/auth/types';
import type { DbHandle } from '$lib/server/db/db';
import type { Database } from '$lib/server/db/schema';

/** An administrator reading the seeded rows (supervisors and officers are made from it). */
export const ADMIN: SessionUser = {
  id: 'admin',
  username: 'admin',
  role: 'admin',
  realName: '管理员',
  certificateNo: null,
  squadId: null,
  supervisedSquadIds: [],
};

/**
 * Summary rows for the console's list, written straight into a migrated database: 4 squads, 8
 * officers, `n` records spread over three years (UUIDv7 ids of their own time), with items,
 * branches, review states, flags and searchable text varying by row. The list bench loads a
 * million; the list tests a few dozen.
 */
export async function seedRows(handle: DbHandle, n: number): Promise<void> {
  const now = new Date().toISOString();
  const db = handle.db;
  await db
    .insertInto('bureaus')
    .values({ id: 'b', name: '六安市城市管理局', short_name: '六安市城管局', created_at: now })
    .execute();
  const squads = ['s1', 's2', 's3', 's4'];
  await db
    .insertInto('squads')
    .values(
      squads.map((id, i) => ({
        id,
        bureau_id: 'b',
        name: `第${i + 1}中队`,
        district: `区${i + 1}`,
        active: 1 as const,
        created_at: now,
      })),
    )
    .execute();
  await db
    .insertInto('users')
    .values(
      Array.from({ length: 8 }, (_, i) => ({
        id: `o${i}`,
        username: `o${i}`,
        password_hash: 'x',
        role: 'officer' as const,
        real_name: `队员${i}`,
        certificate_no: `C${i}`,
        squad_id: squads[Math.floor(i / 2)] ?? 's1',
        phone: null,
        active: 1 as const,
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
  await db
    .insertInto('catalog_versions')
    .values({
      version_id: starterCatalog.versionId,
      bureau_id: 'b',
      effective_from: starterCatalog.effectiveFrom,
      body: JSON.stringify(starterCatalog),
      published_at: now,
      published_by: null,
    })
    .execute();
  const items = ['SR-01', 'SR-02', 'SR-03', 'SR-05', 'SR-09', 'SR-11', 'SR-12', 'SR-21'];
  const branches = [
    'firstOffence',
    'mild',
    'firstOffence',
    'ineligible',
    'firstOffence',
    'pendingCorrection',
  ];
  const start = Date.parse('2023-11-27T00:00:00Z');
  const span = Date.parse('2026-11-27T00:00:00Z') - start;
  const body =
    '{"party":{"kind":"person","name":"王喆","idNumber":"340102199003071232","mobile":"13800138000"}}';
  // SQLite allows at most 32,766 parameters per statement: 1,000 rows of 23 columns.
  const chunk = 1000;
  for (let i = 0; i < n; i += chunk) {
    const rows: Insertable<Database['records']>[] = [];
    const versions: Insertable<Database['record_versions']>[] = [];
    for (let j = i; j < Math.min(n, i + chunk); j++) {
      const t = start + Math.floor((j / n) * span) + (j % 997);
      const id = uuidv7(
        t,
        new Uint8Array(createHash('md5').update(String(j)).digest().subarray(0, 16)),
      );
      const o = j % 8;
      const found = new Date(t).toISOString();
      rows.push({
        id,
        latest_version: 1,
        squad_id: squads[Math.floor(o / 2)] ?? 's1',
        officer1_id: `o${o}`,
        officer2_id: `o${o % 2 === 0 ? o + 1 : o - 1}`,
        item_code: items[j % items.length] ?? 'SR-01',
        catalog_version: 'luan-2026-01',
        branch: branches[j % branches.length] ?? null,
        review_state: j % 5 === 0 ? 'pending' : 'approved',
        follow_up: 'none',
        found_at: found,
        found_date: found.slice(0, 10),
        party_kind: 'person',
        party_name: `王喆${j % 1000}`,
        party_keys: 'id:340102199003071232',
        address: `六安市金安区梅山南路${j % 500}号`,
        search: `王喆${j % 1000} 六安市金安区梅山南路${j % 500}号`,
        flagged: j % 50 === 0 ? 1 : 0,
        reinspection_due: null,
        device_id: 'd',
        created_at: found,
        first_received_at: found,
        updated_at: found,
      });
      versions.push({
        record_id: id,
        version: 1,
        content_hash: 'h',
        body,
        device_id: 'd',
        pushed_by: `o${o}`,
        received_at: found,
        flags: '[]',
      });
    }
    await db.transaction().execute(async (tx) => {
      await tx.insertInto('records').values(rows).execute();
      await tx.insertInto('record_versions').values(versions).execute();
    });
  }
}
