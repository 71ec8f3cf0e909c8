import type { OfficerRef } from '$lib/domain/record';
import type { Street } from '$lib/domain/streets';
import type { AppContext } from '../app';
import type { SessionUser } from '../auth/types';
import { LUAN } from '../bootstrap';

/** Who is in the demo: the bureau, its squads and its people, and how they are printed. */

export const BUREAU = LUAN;
export const SQUADS = [
  { id: 'sq-jinan', name: '金安区中队', district: '金安区' },
  { id: 'sq-yuan', name: '裕安区中队', district: '裕安区' },
  { id: 'sq-yeji', name: '叶集区中队', district: '叶集区' },
  { id: 'sq-jingkai', name: '经开区中队', district: '经济技术开发区' },
];

/**
 * The demo squads' street names (`domain/streets.ts`). Real street names of Lu'an; the points
 * are rough, placed for the demo around the test phones' position (31.7349, 116.5078), not
 * surveyed.
 */
export const SQUAD_STREETS: Record<string, Street[]> = {
  'sq-jinan': [
    { name: '六安市金安区人民路', lat: 31.7352, lng: 116.5083 },
    { name: '六安市金安区皖西路', lat: 31.7381, lng: 116.5072 },
    { name: '六安市金安区梅山南路', lat: 31.7318, lng: 116.5121 },
    { name: '六安市金安区佛子岭路', lat: 31.7426, lng: 116.4998 },
    { name: '六安市金安区长安南路', lat: 31.7287, lng: 116.5036 },
    { name: '六安市金安区紫竹林路' },
  ],
  'sq-yuan': [
    { name: '六安市裕安区解放南路', lat: 31.7402, lng: 116.4843 },
    { name: '六安市裕安区淠河路', lat: 31.7461, lng: 116.4902 },
    { name: '六安市裕安区鼓楼街' },
  ],
  'sq-yeji': [{ name: '六安市叶集区史河路' }, { name: '六安市叶集区叶淮路' }],
  'sq-jingkai': [{ name: '六安市经开区皋城东路' }, { name: '六安市经开区寿春路' }],
};
export const OFFICER_NAMES = ['张伟', '王喆', '李堃', '刘洋', '陈静', '杨帆', '赵磊', '周敏'];

export type DemoAccount = { username: string; role: string; name: string; squads: string };

/** The two supervisors, each over two squads (written to the database and used by the seed). */
export const SUPERVISORS = [
  {
    id: 'u-supervisor1',
    username: 'supervisor1',
    name: '孙建国',
    cert: '34150101',
    squad: 'sq-jinan',
    phone: '13905640101',
    supervised: ['sq-jinan', 'sq-yuan'],
  },
  {
    id: 'u-supervisor2',
    username: 'supervisor2',
    name: '欧阳娜娜',
    cert: '34150102',
    squad: 'sq-yeji',
    phone: '13905640102',
    supervised: ['sq-yeji', 'sq-jingkai'],
  },
] as const;

/** The supervisor over a squad, as a signed-in console user. */
export function supervisorOf(squadId: string): SessionUser {
  const s = SUPERVISORS.find((x) => (x.supervised as readonly string[]).includes(squadId));
  if (!s) throw new Error(`no demo supervisor over ${squadId}`);
  return {
    id: s.id,
    username: s.username,
    role: 'supervisor',
    realName: s.name,
    certificateNo: s.cert,
    squadId: s.squad,
    supervisedSquadIds: [...s.supervised],
  };
}

export type SeedOfficer = OfficerRef & { squadId: string };

export function strip(o: SeedOfficer): OfficerRef {
  return { userId: o.userId, name: o.name, certificateNo: o.certificateNo };
}

export async function listAccounts(ctx: AppContext): Promise<DemoAccount[]> {
  const rows = await ctx.db
    .selectFrom('users')
    .leftJoin('squads', 'squads.id', 'users.squad_id')
    .select(['users.id', 'users.username', 'users.role', 'users.real_name', 'squads.name as squad'])
    .where('users.active', '=', 1)
    .orderBy('users.role')
    .orderBy('users.username')
    .execute();
  const supervised = await ctx.db
    .selectFrom('supervisor_squads')
    .innerJoin('squads', 'squads.id', 'supervisor_squads.squad_id')
    .select(['supervisor_squads.user_id', 'squads.name'])
    .execute();
  const waiting = await ctx.db
    .selectFrom('officer_confirmations')
    .select(['user_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('state', '=', 'requested')
    .groupBy('user_id')
    .execute();
  const asked = (id: string) => Number(waiting.find((w) => w.user_id === id)?.n ?? 0);
  return rows.map((r) => ({
    username: r.username,
    role: r.role,
    name: r.real_name,
    squads:
      r.role === 'admin'
        ? '全局'
        : r.role === 'supervisor'
          ? supervised
              .filter((s) => s.user_id === r.id)
              .map((s) => s.name)
              .join('、')
          : (r.squad ?? '') +
            (asked(r.id) > 0 ? `（${asked(r.id)} 条待本人确认 / awaiting confirmation）` : ''),
  }));
}

export function printAccounts(
  log: (m: string) => void,
  accounts: DemoAccount[],
  password: string,
  fresh: boolean,
) {
  const role = { admin: '管理员', supervisor: '中队长/审核', officer: '执法队员' } as Record<
    string,
    string
  >;
  log('');
  log(
    '[demo] 演示账号 Demo accounts' +
      (fresh ? '' : '（数据目录已有数据，未重新写入 / existing data kept）'),
  );
  for (const a of accounts) {
    log(
      `  ${a.username.padEnd(12)} ${(role[a.role] ?? a.role).padEnd(8)} ${a.name.padEnd(5)} ${a.squads}`,
    );
  }
  log(
    `  password / 密码: ${password}${fresh ? '' : '（若首次写入时使用了其他 DEMO_PASSWORD，以当时为准）'}`,
  );
  log('');
}
