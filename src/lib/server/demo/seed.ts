import { starterCatalog } from '$lib/domain/starter-catalog';
import type { AppContext } from '../app';
import { hashPassword } from '../auth/password';
import { DEMO_PLATFORM_KEY, fromPlatform, seedPlatform, seedSpotCheck } from './tasks';
import { createBureau, LUAN } from '../bootstrap';
import { seedRecords } from './history';
import {
  BUREAU,
  listAccounts,
  OFFICER_NAMES,
  printAccounts,
  SQUADS,
  SQUAD_STREETS,
  SUPERVISORS,
  type DemoAccount,
} from './roster';

/**
 * Demo data for `npm run demo`: the Lu'an bureau, four squads, an admin, two supervisors, eight
 * officers and six months of records built with the real domain code and stored through the real
 * ingest path, so every screen shows data that passed the same checks as a real push.
 */

export type { DemoAccount } from './roster';

export { DEMO_PLATFORM_KEY };

function printPlatformKey(log: (m: string) => void) {
  log(
    `[demo] 城市运行管理服务平台接口密钥 City platform API key: ${DEMO_PLATFORM_KEY}` +
      '\n       curl -H "Authorization: Bearer <key>" …/api/platform/tasks（见 /api/openapi.json）\n',
  );
}

export async function seedDemo(
  ctx: AppContext,
  options: { password: string; log: (m: string) => void; records?: number; now?: Date },
): Promise<{ seeded: boolean; accounts: DemoAccount[] }> {
  const { db } = ctx;
  const existing = await db.selectFrom('bureaus').select('id').limit(1).executeTakeFirst();
  if (existing) {
    const accounts = await listAccounts(ctx);
    printAccounts(options.log, accounts, options.password, false);
    await seedPlatform(ctx);
    printPlatformKey(options.log);
    return { seeded: false, accounts };
  }
  const started = Date.now();
  options.log('[demo] empty database: seeding demo squads, users and records…');
  const now = options.now ?? new Date();
  const at = now.toISOString();

  await db.transaction().execute(async (tx) => {
    await createBureau(tx, LUAN, at);
    await tx
      .insertInto('squads')
      .values(
        SQUADS.map((s) => ({
          id: s.id,
          bureau_id: BUREAU.id,
          name: s.name,
          district: s.district,
          active: 1 as const,
          created_at: at,
          streets: JSON.stringify(SQUAD_STREETS[s.id] ?? []),
        })),
      )
      .execute();
  });

  const users: {
    id: string;
    username: string;
    role: 'officer' | 'supervisor' | 'admin';
    name: string;
    cert: string | null;
    squad: string | null;
    phone: string;
  }[] = [
    {
      id: 'u-admin',
      username: 'admin',
      role: 'admin',
      name: '系统管理员',
      cert: null,
      squad: null,
      phone: '13905640000',
    },
    ...SUPERVISORS.map((s) => ({
      id: s.id,
      username: s.username,
      role: 'supervisor' as const,
      name: s.name,
      cert: s.cert,
      squad: s.squad,
      phone: s.phone,
    })),
    ...OFFICER_NAMES.map((name, i) => ({
      id: `u-officer${i + 1}`,
      username: `officer${i + 1}`,
      role: 'officer' as const,
      name,
      cert: `3415${String(1001 + i).padStart(4, '0')}`,
      squad: SQUADS[Math.floor(i / 2)]?.id ?? null,
      phone: `1390564${String(1001 + i).padStart(4, '0')}`,
    })),
  ];
  // Every demo account has the one password printed at start, so one hash (salt included) serves
  // them all: a shared hash tells nothing the printed password does not, and each scrypt hash
  // costs ~0.1 s of the thread pool (a dozen of them were half of a demo server's start-up).
  const hash = await hashPassword(options.password);
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('users')
      .values(
        users.map((u) => ({
          id: u.id,
          username: u.username,
          password_hash: hash,
          role: u.role,
          real_name: u.name,
          certificate_no: u.cert,
          squad_id: u.squad,
          phone: u.phone,
          active: 1 as const,
          created_at: at,
          updated_at: at,
        })),
      )
      .execute();
    await tx
      .insertInto('supervisor_squads')
      .values(
        SUPERVISORS.flatMap((s) => s.supervised.map((squad_id) => ({ user_id: s.id, squad_id }))),
      )
      .execute();
  });

  const count = await seedRecords(ctx, {
    catalog: starterCatalog,
    officers: users
      .filter((u) => u.role === 'officer')
      .map((u) => ({
        userId: u.id,
        name: u.name,
        certificateNo: u.cert ?? '',
        squadId: u.squad ?? '',
      })),
    count: options.records ?? 320,
    now,
    fromPlatform: fromPlatform(ctx, now),
  });
  options.log(`[demo] seeded ${count} records in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await seedPlatform(ctx, now);
  await seedSpotCheck(ctx, now);
  const accounts = await listAccounts(ctx);
  printAccounts(options.log, accounts, options.password, true);
  printPlatformKey(options.log);
  return { seeded: true, accounts };
}
