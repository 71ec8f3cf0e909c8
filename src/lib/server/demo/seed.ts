import { createHash } from 'node:crypto';
import type { Catalog, CatalogItem } from '$lib/domain/catalog';
import { evaluate, type ChecklistAnswers, type PriorRecord } from '$lib/domain/evaluate';
import { takeNext, type NumberBlock } from '$lib/domain/numbering';
import {
  orgCodeCheckChar,
  partyKeys,
  residentIdCheckChar,
  usccCheckChar,
  type Party,
} from '$lib/domain/party';
import { followUpOf } from '$lib/domain/lifecycle';
import {
  amendmentOf,
  lockRecord,
  RECORD_SCHEMA_VERSION,
  requiredDocuments,
  signatureHashes,
  type DocType,
  type Evidence,
  type LockedRecord,
  type OfficerRef,
  type RecordContent,
  type Signature,
} from '$lib/domain/record';
import { starterCatalog } from '$lib/domain/starter-catalog';
import { TEMPLATE_VERSION } from '$lib/notices/content';
import { addDays, shanghaiDate, shanghaiIso, shanghaiYear } from '$lib/domain/time';
import { uuidv7 } from '$lib/domain/uuid';
import type { AppContext } from '../app';
import { hashPassword } from '../auth/password';
import { createBureau, LUAN } from '../bootstrap';
import type { SessionUser } from '../auth/types';
import { ingestRecords } from '../services/ingest';
import { reserveBlock } from '../services/numbers';
import { reviewRecord } from '../services/review';
import { decideConfirmation } from '../services/confirmations';
import { versionFlags } from '../repos/records';
import { recordBlob } from '../repos/blobs';
import { Raster } from './png';

/**
 * Demo data for `npm run demo`: the Lu'an bureau, four squads, an admin, two supervisors, eight
 * officers and six months of records built with the real domain code and stored through the real
 * ingest path, so every screen shows data that passed the same checks as a real push.
 */

const BUREAU = LUAN;
const SQUADS = [
  { id: 'sq-jinan', name: '金安区中队', district: '金安区' },
  { id: 'sq-yuan', name: '裕安区中队', district: '裕安区' },
  { id: 'sq-yeji', name: '叶集区中队', district: '叶集区' },
  { id: 'sq-jingkai', name: '经开区中队', district: '经济技术开发区' },
];
const OFFICER_NAMES = ['张伟', '王喆', '李堃', '刘洋', '陈静', '杨帆', '赵磊', '周敏'];

export type DemoAccount = { username: string; role: string; name: string; squads: string };

type Rng = () => number;
function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

export async function seedDemo(
  ctx: AppContext,
  options: { password: string; log: (m: string) => void; records?: number; now?: Date },
): Promise<{ seeded: boolean; accounts: DemoAccount[] }> {
  const { db } = ctx;
  const existing = await db.selectFrom('bureaus').select('id').limit(1).executeTakeFirst();
  if (existing) {
    const accounts = await listAccounts(ctx);
    printAccounts(options.log, accounts, options.password, false);
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
    {
      id: 'u-supervisor1',
      username: 'supervisor1',
      role: 'supervisor',
      name: '孙建国',
      cert: '34150101',
      squad: 'sq-jinan',
      phone: '13905640101',
    },
    {
      id: 'u-supervisor2',
      username: 'supervisor2',
      role: 'supervisor',
      name: '欧阳娜娜',
      cert: '34150102',
      squad: 'sq-yeji',
      phone: '13905640102',
    },
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
  const hashes = await Promise.all(users.map(() => hashPassword(options.password)));
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('users')
      .values(
        users.map((u, i) => ({
          id: u.id,
          username: u.username,
          password_hash: hashes[i] ?? '',
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
      .values([
        { user_id: 'u-supervisor1', squad_id: 'sq-jinan' },
        { user_id: 'u-supervisor1', squad_id: 'sq-yuan' },
        { user_id: 'u-supervisor2', squad_id: 'sq-yeji' },
        { user_id: 'u-supervisor2', squad_id: 'sq-jingkai' },
      ])
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
  });
  options.log(`[demo] seeded ${count} records in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const accounts = await listAccounts(ctx);
  printAccounts(options.log, accounts, options.password, true);
  return { seeded: true, accounts };
}

async function listAccounts(ctx: AppContext): Promise<DemoAccount[]> {
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

function printAccounts(
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

// ---------------------------------------------------------------- records

type SeedOfficer = OfficerRef & { squadId: string };

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '强',
  '磊',
  '洋',
  '艳',
  '勇',
  '军',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '喆',
  '堃',
];
const SHOPS = [
  '老王面馆',
  '好再来水果店',
  '皖西土菜馆',
  '便民超市',
  '鑫鑫五金',
  '丽人美发',
  '六安瓜片茶庄',
  '徽味小吃',
  '平价药房',
  '阳光花店',
  '大别山特产',
  '金安烟酒店',
];
const ROADS = [
  '梅山南路',
  '皖西路',
  '解放路',
  '人民路',
  '佛子岭路',
  '淠河路',
  '长江路',
  '梅山北路',
  '寿春路',
  '龙河路',
];
const DISTRICT_PREFIX: Record<string, string> = {
  'sq-jinan': '341502',
  'sq-yuan': '341503',
  'sq-yeji': '341504',
  'sq-jingkai': '341500',
};

function residentId(rng: Rng, squadId: string): string {
  const region = DISTRICT_PREFIX[squadId] ?? '341502';
  const y = 1960 + Math.floor(rng() * 45);
  const m = 1 + Math.floor(rng() * 12);
  const d = 1 + Math.floor(rng() * 28);
  const seq = String(Math.floor(rng() * 1000)).padStart(3, '0');
  const body = `${region}${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${seq}`;
  return body + residentIdCheckChar(body);
}

/** An individual business (92) registered in Lu'an (341500), with a valid organisation code. */
function uscc(rng: Rng): string {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let org = '';
  while (org.length < 8) org += chars[Math.floor(rng() * 31)];
  const body = `92341500${org}${orgCodeCheckChar(org)}`;
  return body + usccCheckChar(body);
}

function plate(rng: Rng): string {
  const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  const digits = () => String(Math.floor(rng() * 10));
  if (rng() < 0.3)
    return `皖N${pick(rng, ['D', 'F'])}${digits()}${digits()}${digits()}${digits()}${digits()}`;
  return `皖N${pick(rng, letters.split(''))}${digits()}${digits()}${digits()}${digits()}`;
}

const ITEM_PARTY: Record<string, Party['kind'][]> = {
  'SR-01': ['business'],
  'SR-02': ['person'],
  'SR-03': ['business', 'person'],
  'SR-04': ['business', 'person'],
  'SR-05': ['business'],
  'SR-06': ['business'],
  'SR-07': ['business'],
  'SR-08': ['business'],
  'SR-09': ['person'],
  'SR-10': ['person'],
  'SR-11': ['person'],
  'SR-12': ['business'],
  'SR-13': ['vehicle'],
  'SR-14': ['business', 'person'],
  'SR-15': ['business', 'person'],
  'SR-16': ['vehicle'],
  'SR-17': ['business'],
  'SR-18': ['person'],
  'SR-19': ['business'],
  'SR-20': ['business'],
  'SR-21': ['person'],
};
/** Items an officer meets most on patrol come up most. */
const ITEM_WEIGHTS: Record<string, number> = {
  'SR-01': 9,
  'SR-02': 9,
  'SR-03': 5,
  'SR-05': 5,
  'SR-09': 4,
  'SR-11': 4,
  'SR-12': 4,
  'SR-21': 5,
  'SR-13': 3,
  'SR-14': 3,
};

function newParty(rng: Rng, kind: Party['kind'], squadId: string): Party {
  const name = pick(rng, SURNAMES) + pick(rng, GIVEN) + (rng() < 0.5 ? pick(rng, GIVEN) : '');
  const mobile = `1${pick(rng, ['3', '5', '7', '8', '9'])}${String(Math.floor(rng() * 1e9)).padStart(9, '0')}`;
  const address = `六安市${SQUADS.find((s) => s.id === squadId)?.district ?? '金安区'}${pick(rng, ROADS)}${1 + Math.floor(rng() * 300)}号`;
  switch (kind) {
    case 'business':
      return {
        kind: 'business',
        name: pick(rng, SHOPS) + (rng() < 0.5 ? `（${pick(rng, ROADS)}店）` : ''),
        ...(rng() < 0.6 ? { uscc: uscc(rng) } : {}),
        operatorName: name,
        mobile,
        address,
      };
    case 'vehicle':
      return { kind: 'vehicle', plate: plate(rng), driverName: name, mobile };
    case 'person':
      return { kind: 'person', name, idNumber: residentId(rng, squadId), mobile, address };
    case 'unknown':
      return { kind: 'unknown', description: '骑三轮车离开的中年男子' };
  }
}

function answersFor(
  rng: Rng,
  item: CatalogItem,
  date: string,
  makeIneligible: boolean,
): ChecklistAnswers {
  const conditions: Record<string, boolean | number> = {};
  for (const c of item.conditions) {
    if (c.kind === 'fact')
      conditions[c.id] = makeIneligible && rng() < 0.4 ? !c.expected : c.expected;
    if (c.kind === 'threshold') {
      const over = makeIneligible && rng() < 0.5;
      conditions[c.id] =
        Math.round((over ? c.limit * (1.1 + rng()) : c.limit * (0.2 + rng() * 0.8)) * 10) / 10;
    }
  }
  if (conditions.noHarm === false && 'slightHarm' in conditions) conditions.slightHarm = true;
  const exclusions = Object.fromEntries(
    item.exclusions.map((e) => [e.id, makeIneligible && rng() < 0.15]),
  );
  const deadlineRule = item.correction.deadline;
  const useDeadline = deadlineRule !== null && (!item.correction.onTheSpot || rng() < 0.3);
  const correction: ChecklistAnswers['correction'] =
    useDeadline && deadlineRule
      ? {
          mode: 'deadline',
          setOn: date,
          deadline: addDays(date, 1 + Math.floor(rng() * deadlineRule.maxDays)),
        }
      : { mode: 'onTheSpot', corrected: !(makeIneligible && rng() < 0.3) };
  return {
    conditions,
    exclusions,
    correction,
    commitmentSigned: true,
    educationRecorded: true,
    discretionReason: pick(rng, [
      '首次违法，当场改正，态度良好',
      '系初次违法且危害后果轻微，已及时改正',
      '当事人主动配合，承诺今后守法经营',
    ]),
  };
}

type BlobPool = { photos: string[]; afterPhotos: string[]; signatures: string[] };

async function storeBlob(ctx: AppContext, bytes: Uint8Array, userId: string): Promise<string> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const r = await ctx.blobs.put(sha256, bytes, {
    maxBytes: ctx.config.maxBlobBytes,
    accept: () => true,
  });
  if (!r.ok) throw new Error(`demo blob not stored: ${r.reason}`);
  await recordBlob(ctx.db, { sha256, size: bytes.length, mime: 'image/png', userId });
  return sha256;
}

async function makeBlobs(ctx: AppContext, rng: Rng): Promise<BlobPool> {
  const pool: BlobPool = { photos: [], afterPhotos: [], signatures: [] };
  for (let i = 0; i < 16; i++) {
    for (const after of [false, true]) {
      const r = new Raster(480, 360, [
        150 + Math.floor(rng() * 60),
        190 + Math.floor(rng() * 50),
        230,
      ]);
      r.rect(0, 220, 480, 140, [120, 120, 125]); // road
      r.rect(0, 200, 480, 24, [200, 195, 185]); // sidewalk
      for (let s = 0; s < 4; s++) {
        const color: [number, number, number] = [
          80 + Math.floor(rng() * 150),
          60 + Math.floor(rng() * 120),
          50 + Math.floor(rng() * 120),
        ];
        r.rect(s * 120 + 6, 60 + Math.floor(rng() * 40), 108, 150, color); // shop fronts
        r.rect(s * 120 + 36, 150, 48, 60, [40, 40, 45]); // doors
      }
      if (!after) {
        for (let g = 0; g < 6; g++) {
          r.rect(
            40 + Math.floor(rng() * 380),
            190 + Math.floor(rng() * 40),
            30 + Math.floor(rng() * 30),
            20 + Math.floor(rng() * 20),
            [200, 90 + Math.floor(rng() * 100), 40],
          );
        }
      }
      (after ? pool.afterPhotos : pool.photos).push(await storeBlob(ctx, r.png(), 'u-admin'));
    }
  }
  for (let i = 0; i < 12; i++) {
    const r = new Raster(360, 140, [255, 255, 255]);
    let x = 30;
    let y = 70 + (rng() - 0.5) * 30;
    for (let k = 0; k < 14; k++) {
      const nx = x + 10 + rng() * 25;
      const ny = 70 + (rng() - 0.5) * 80;
      r.line(x, y, nx, ny, [20, 20, 40], 3);
      x = nx;
      y = ny;
    }
    pool.signatures.push(await storeBlob(ctx, r.png(), 'u-admin'));
  }
  return pool;
}

async function seedRecords(
  ctx: AppContext,
  options: { catalog: Catalog; officers: SeedOfficer[]; count: number; now: Date },
): Promise<number> {
  if (options.count === 0) return 0;
  const rng = mulberry32(20261127);
  const blobs = await makeBlobs(ctx, rng);
  // Every demo officer's phone took these pictures: each of them has uploaded the files, as the
  // server asks before a record may name one.
  const files = [...blobs.photos, ...blobs.afterPhotos, ...blobs.signatures];
  await ctx.db
    .insertInto('blob_uploads')
    .values(options.officers.flatMap((o) => files.map((sha256) => ({ sha256, user_id: o.userId }))))
    .onConflict((oc) => oc.columns(['sha256', 'user_id']).doNothing())
    .execute();
  // Items the list does not exempt (no branch) are not part of the demo's lenient cases.
  const weighted = options.catalog.items
    .filter((item) => item.branches.length > 0)
    .flatMap((item) => Array<CatalogItem>(ITEM_WEIGHTS[item.code] ?? 1).fill(item));
  const ledger: PriorRecord[] = [];
  const parties: { party: Party; squadId: string; itemCode: string }[] = [];
  const blocks = new Map<string, NumberBlock[]>();
  const devices = new Map<string, string>();
  const supervisors: Record<string, SessionUser> = {
    'u-supervisor1': {
      id: 'u-supervisor1',
      username: 'supervisor1',
      role: 'supervisor',
      realName: '孙建国',
      certificateNo: '34150101',
      squadId: 'sq-jinan',
      supervisedSquadIds: ['sq-jinan', 'sq-yuan'],
    },
    'u-supervisor2': {
      id: 'u-supervisor2',
      username: 'supervisor2',
      role: 'supervisor',
      realName: '欧阳娜娜',
      certificateNo: '34150102',
      squadId: 'sq-yeji',
      supervisedSquadIds: ['sq-yeji', 'sq-jingkai'],
    },
  };
  const supervisorOf = (squadId: string) =>
    Object.values(supervisors).find((s) => s.supervisedSquadIds.includes(squadId)) as SessionUser;

  const deviceOf = async (officer: SeedOfficer): Promise<string> => {
    let id = devices.get(officer.userId);
    if (!id) {
      id = uuidv7(options.now.getTime() - 200 * 86_400_000 + devices.size);
      devices.set(officer.userId, id);
      await ctx.db
        .insertInto('devices')
        .values({
          id,
          user_id: officer.userId,
          registered_at: options.now.toISOString(),
          last_seen_at: options.now.toISOString(),
          user_agent: 'demo',
        })
        .execute();
    }
    return id;
  };
  const numberFor = async (
    officer: SeedOfficer,
    deviceId: string,
    docType: DocType,
    when: Date,
  ): Promise<string> => {
    const year = shanghaiYear(when);
    const key = `${deviceId}|${docType}|${year}`;
    let list = blocks.get(key) ?? [];
    let r = takeNext(list, docType, year);
    if (!r.ok) {
      list = [
        ...list,
        await reserveBlock(ctx.db, {
          bureauId: BUREAU.id,
          deviceId,
          userId: officer.userId,
          docType,
          count: 50,
          now: when,
        }),
      ];
      r = takeNext(list, docType, year);
    }
    if (!r.ok) throw new Error('number block');
    const taken = r;
    blocks.set(
      key,
      list.map((b) => (b.id === taken.block.id ? taken.block : b)),
    );
    return r.number;
  };

  const day = 86_400_000;
  const end = options.now.getTime() - 2 * 3600_000;
  const start = end - 182 * day;
  const times = Array.from({ length: options.count }, () => start + rng() * (end - start)).sort(
    (a, b) => a - b,
  );
  let stored = 0;

  for (const t of times) {
    // Working hours in Shanghai: 08:00-18:00.
    const local = new Date(t);
    const dayStart = Date.parse(`${shanghaiDate(local)}T08:00:00+08:00`);
    const when = new Date(dayStart + Math.floor(rng() * 10 * 3600_000));
    if (when.getTime() > end) continue;
    const date = shanghaiDate(when);
    const squadIndex = Math.floor(rng() * 4);
    const [o1, o2] = options.officers.filter((o) => o.squadId === SQUADS[squadIndex]?.id) as [
      SeedOfficer,
      SeedOfficer,
    ];
    const officers: [OfficerRef, OfficerRef] =
      rng() < 0.5 ? [strip(o1), strip(o2)] : [strip(o2), strip(o1)];
    const lead = o1.userId === officers[0].userId ? o1 : o2;
    const item = pick(rng, weighted);
    const kind: Party['kind'] = pick(rng, ITEM_PARTY[item.code] ?? ['person']);
    const squadId = lead.squadId;
    const repeatable = parties.filter((p) => p.itemCode === item.code && p.party.kind === kind);
    const repeat = repeatable.length > 0 && rng() < 0.12;
    const party = repeat ? pick(rng, repeatable).party : newParty(rng, kind, squadId);
    if (!repeat) parties.push({ party, squadId, itemCode: item.code });
    const keys = partyKeys(party);
    const answers = answersFor(rng, item, date, rng() < 0.08);
    const id = uuidv7(when.getTime());
    // A few devices miss a prior (no signal, stale ledger): the server flags those.
    const history =
      rng() < 0.05 ? [] : ledger.filter((l) => l.partyKeys.some((k) => keys.includes(k)));
    // A party who refuses to sign signs no commitment letter either.
    // Documents can be left after a refusal only at a known residence or premises.
    const refused =
      rng() < 0.08 && (party.kind === 'business' || (party.kind === 'person' && !!party.address));
    if (refused) answers.commitmentSigned = false;
    const evaluation = evaluate({
      catalog: options.catalog,
      itemCode: item.code,
      answers,
      partyKeys: keys,
      history,
      recordId: id,
      foundOn: date,
      now: when,
    });
    const at = shanghaiIso(when);
    const deviceId = await deviceOf(lead);
    const correctedOnSpot =
      answers.correction?.mode === 'onTheSpot' && answers.correction.corrected;
    const evidence: Evidence[] = [
      {
        sha256: pick(rng, blobs.photos),
        kind: 'before',
        mime: 'image/png',
        bytes: 1,
        width: 480,
        height: 360,
        takenAt: at,
        lat: 31.73 + rng() * 0.05,
        lng: 116.49 + rng() * 0.06,
        accuracyM: 5 + Math.round(rng() * 20),
        capturedBy: lead.userId,
      },
      ...(correctedOnSpot
        ? [
            {
              sha256: pick(rng, blobs.afterPhotos),
              kind: 'after' as const,
              mime: 'image/png' as const,
              bytes: 1,
              width: 480,
              height: 360,
              takenAt: shanghaiIso(when.getTime() + 15 * 60_000),
              capturedBy: lead.userId,
            },
          ]
        : []),
    ];
    const sizes = await ctx.db
      .selectFrom('blobs')
      .select(['sha256', 'size'])
      .where(
        'sha256',
        'in',
        evidence.map((e) => e.sha256),
      )
      .execute();
    for (const e of evidence) e.bytes = sizes.find((s) => s.sha256 === e.sha256)?.size ?? 1;
    const partyName =
      party.kind === 'business'
        ? (party.operatorName ?? party.name)
        : party.kind === 'vehicle'
          ? (party.driverName ?? '驾驶人')
          : party.kind === 'person'
            ? party.name
            : '当事人';
    const content: RecordContent = {
      schemaVersion: RECORD_SCHEMA_VERSION,
      id,
      version: 1,
      previousVersionHash: null,
      deviceId,
      squadId,
      officers,
      createdAt: at,
      foundAt: at,
      place: {
        address:
          party.kind === 'business'
            ? party.address
            : `六安市${SQUADS[squadIndex]?.district ?? ''}${pick(rng, ROADS)}`,
        lat: 31.73 + rng() * 0.05,
        lng: 116.49 + rng() * 0.06,
        accuracyM: 5 + Math.round(rng() * 25),
        source: 'gps',
      },
      source: pick(rng, [
        'patrol',
        'patrol',
        'patrol',
        'complaint',
        'hotline12319',
        'camera',
      ] as const),
      catalogVersion: options.catalog.versionId,
      itemCode: item.code,
      party,
      partyKeys: keys,
      facts: `执法人员巡查发现，当事人${partyName}存在${item.name}行为。`,
      answers,
      firstOffenceCheck: {
        checkedAt: at,
        sources: ['local', 'server'],
        partyKeys: keys,
        priors: evaluation.firstOffence?.priors ?? [],
      },
      evaluation,
      evaluatedAt: at,
      education: {
        methods: rng() < 0.5 ? ['persuasion'] : ['persuasion', 'publicity'],
        content: item.educationTemplate,
        lawExplained: `${item.prohibitingClause.law}${item.prohibitingClause.article}；${item.penaltyClause.law}${item.penaltyClause.article}`,
        partyStatement: pick(rng, [
          '我知道了，马上改正。',
          '以后不会再这样了。',
          '不知道有这个规定，现在清楚了。',
          '',
        ]),
      },
      procedure: {
        certificatesShown: true,
        recusalNotified: true,
        recorder: Number.parseInt(id.slice(-1), 16) % 2 === 0 ? 0 : 1,
        ...(refused && (party.kind === 'business' || party.kind === 'person') && party.address
          ? {
              leftAt: {
                kind: party.kind === 'business' ? ('premises' as const) : ('residence' as const),
                address: party.address,
              },
            }
          : {}),
      },
      evidence,
      signatures: {
        party: refused
          ? {
              kind: 'refused',
              reason: '当事人拒绝签字',
              witness: {
                name: pick(rng, SURNAMES) + pick(rng, GIVEN),
                role: '社区居委会工作人员',
                signature: {
                  sha256: pick(rng, blobs.signatures),
                  signerName: '见证人',
                  signedAt: at,
                },
              },
            }
          : {
              kind: 'signed',
              signature: {
                sha256: pick(rng, blobs.signatures),
                signerName: partyName,
                signedAt: at,
              },
            },
        officers: [
          { sha256: pick(rng, blobs.signatures), signerName: officers[0].name, signedAt: at },
          { sha256: pick(rng, blobs.signatures), signerName: officers[1].name, signedAt: at },
        ],
      },
      documents: [],
      followUp: followUpOf({ answers, reinspection: null }),
      reinspection:
        answers.correction?.mode === 'deadline' ? { dueDate: answers.correction.deadline } : null,
      amendmentNote: null,
      completedAt: shanghaiIso(when.getTime() + 20 * 60_000),
    };
    content.documents = await documentsFor(content, lead, deviceId, when, numberFor);
    if (!content.evaluation.complete) continue;
    let record = await lockRecord(content);
    const [result] = await ingestRecords(ctx.db, [record], {
      deviceId,
      pusher: { id: lead.userId, role: 'officer' },
      now: new Date(when.getTime() + 3600_000).toISOString(),
    });
    if (result?.status !== 'accepted')
      throw new Error(`demo record not accepted: ${JSON.stringify(result)}`);
    stored++;
    // The second officer confirms on their own phone within hours; the last three days' records
    // still wait, so officers' phones have requests to show.
    const ageDays = (options.now.getTime() - when.getTime()) / day;
    if (ageDays > 3)
      await confirmOthers(ctx, id, new Date(when.getTime() + 3 * 3600_000).toISOString());
    for (const k of [record]) {
      ledger.push({
        recordId: k.id,
        itemCode: k.itemCode,
        partyKeys: k.partyKeys,
        date,
        squadId,
        branch: k.evaluation.branch,
        source: 'server',
      });
    }

    // Re-inspection of deadline cases whose deadline has passed (a few left overdue on purpose).
    const correction = answers.correction;
    const today = shanghaiDate(options.now);
    if (correction?.mode === 'deadline' && correction.deadline < today && rng() < 0.85) {
      const corrected = rng() < 0.85;
      const onDate = corrected
        ? addDays(
            correction.setOn,
            Math.floor(
              rng() *
                (1 +
                  Math.max(
                    0,
                    (Date.parse(correction.deadline) - Date.parse(correction.setOn)) / day,
                  )),
            ),
          )
        : // Not corrected can only be found once the deadline day is over.
          addDays(correction.deadline, 1);
      const doneAt = new Date(
        Math.max(
          when.getTime() + 3600_000,
          Date.parse(`${onDate}T00:00:00+08:00`),
          Math.min(
            options.now.getTime() - 60_000,
            Date.parse(`${onDate}T10:00:00+08:00`) + Math.floor(rng() * 6 * 3600_000),
          ),
        ),
      );
      const next = amendmentOf(
        record,
        corrected ? '复查：当事人已按期改正' : '复查：当事人逾期未改正',
      );
      next.answers = {
        ...next.answers,
        correction: {
          ...correction,
          reinspection: { result: corrected ? 'corrected' : 'notCorrected', on: onDate },
        },
      };
      next.evaluation = evaluate({
        catalog: options.catalog,
        itemCode: item.code,
        answers: next.answers,
        partyKeys: keys,
        history,
        recordId: id,
        foundOn: date,
        now: doneAt,
      });
      next.evaluatedAt = shanghaiIso(doneAt);
      next.reinspection = {
        dueDate: correction.deadline,
        doneAt: shanghaiIso(doneAt),
        officers,
        signatures: [
          {
            sha256: pick(rng, blobs.signatures),
            signerName: officers[0].name,
            signedAt: shanghaiIso(doneAt),
          },
          {
            sha256: pick(rng, blobs.signatures),
            signerName: officers[1].name,
            signedAt: shanghaiIso(doneAt),
          },
        ],
        result: corrected ? 'corrected' : 'notCorrected',
        note: corrected ? '现场复查，已改正' : '现场复查，未改正，转一般程序',
      };
      next.followUp = followUpOf(next);
      if (corrected)
        next.evidence = [
          ...next.evidence,
          {
            sha256: pick(rng, blobs.afterPhotos),
            kind: 'after',
            mime: 'image/png',
            bytes: 1,
            takenAt: shanghaiIso(doneAt),
            capturedBy: lead.userId,
          },
        ];
      for (const e of next.evidence)
        e.bytes =
          (
            await ctx.db
              .selectFrom('blobs')
              .select('size')
              .where('sha256', '=', e.sha256)
              .executeTakeFirst()
          )?.size ?? 1;
      next.completedAt = shanghaiIso(doneAt.getTime() + 10 * 60_000);
      const have = new Set(next.documents.map((d) => d.docType));
      next.documents.push(...(await documentsFor(next, lead, deviceId, doneAt, numberFor, have)));
      if (next.evaluation.complete) {
        record = await lockRecord(next);
        const [r2] = await ingestRecords(ctx.db, [record], {
          deviceId,
          pusher: { id: lead.userId, role: 'officer' },
          now: new Date(doneAt.getTime() + 3600_000).toISOString(),
        });
        if (r2?.status !== 'accepted')
          throw new Error(`demo re-inspection not accepted: ${JSON.stringify(r2)}`);
        await confirmOthers(ctx, id, new Date(doneAt.getTime() + 3 * 3600_000).toISOString());
      }
    }

    // Supervisors review what is more than a few days old.
    const age = (options.now.getTime() - when.getTime()) / day;
    if (age > 4) {
      const reviewer = supervisorOf(squadId);
      const roll = rng();
      const reviewAt = new Date(when.getTime() + (1 + rng() * 3) * day).toISOString();
      const checklist = {
        twoOfficers: true,
        factsAndEvidence: true,
        lawApplied: true,
        procedure: true,
        educationRecorded: true,
        commitmentSigned: true,
        reinspectionOnTime: true,
      };
      if (roll < 0.1) {
        await reviewRecord(
          ctx.db,
          reviewer,
          {
            recordId: id,
            action: 'return',
            comment: pick(rng, [
              '当事人陈述记录不完整，请补充。',
              '现场照片未能反映占道面积，请补充说明。',
              '教育内容过于简单，请补充讲解的法律条款。',
            ]),
            checklist: { ...checklist, factsAndEvidence: false },
          },
          { now: reviewAt },
        );
        if (rng() < 0.6) {
          const amended = amendmentOf(record, '按审核意见补充');
          amended.education = {
            ...amended.education!,
            partyStatement: `${amended.education?.partyStatement ?? ''}（补充：当事人表示已知晓相关规定，承诺今后遵守。）`,
          };
          // The party's statement changed: the signatures of version 1 no longer attest it, so the
          // officers went back to the party and everyone signed again.
          amended.signatures = resigned(amended.signatures, amendAtIso(reviewAt), () =>
            pick(rng, freshSignatures(blobs, record)),
          );
          record = await lockRecord(amended);
          const amendAt = new Date(Date.parse(reviewAt) + day);
          await ingestRecords(ctx.db, [record], {
            deviceId,
            pusher: { id: lead.userId, role: 'officer' },
            now: amendAt.toISOString(),
          });
          if (rng() < 0.7)
            await reviewRecord(
              ctx.db,
              reviewer,
              { recordId: id, action: 'approve', comment: await approval(ctx, record), checklist },
              { now: new Date(amendAt.getTime() + day).toISOString() },
            );
        }
      } else if (roll < 0.14 && record.evaluation.branch === 'ineligible') {
        await reviewRecord(
          ctx.db,
          reviewer,
          {
            recordId: id,
            action: 'escalate',
            comment: '不符合免罚条件，转一般程序办理。',
            checklist,
          },
          { now: reviewAt },
        );
      } else if (roll < 0.85) {
        await reviewRecord(
          ctx.db,
          reviewer,
          { recordId: id, action: 'approve', comment: await approval(ctx, record), checklist },
          { now: reviewAt },
        );
      }
    }
  }
  return stored;
}

/** Every officer still asked to confirm a record confirms it, on their own account. */
async function confirmOthers(ctx: AppContext, recordId: string, at: string): Promise<void> {
  const waiting = await ctx.db
    .selectFrom('officer_confirmations')
    .select(['part', 'user_id'])
    .where('record_id', '=', recordId)
    .where('state', '=', 'requested')
    .execute();
  for (const w of waiting) {
    await decideConfirmation(
      ctx.db,
      { id: w.user_id },
      recordId,
      { part: w.part, decision: 'confirm', reason: '' },
      { now: at },
    );
  }
}

/** A supervisor approving a flagged version says how each flag was handled (as the rules ask). */
async function approval(ctx: AppContext, record: LockedRecord): Promise<string> {
  const flags = await versionFlags(ctx.db, record.id, record.version);
  return flags.length > 0 ? '已逐项核实系统标记，情况属实，同意不予处罚。' : '';
}

/** Signature images not used by the version being amended. */
function freshSignatures(blobs: BlobPool, previous: LockedRecord): string[] {
  const used = signatureHashes(previous.signatures);
  return blobs.signatures.filter((h) => !used.has(h));
}

function resigned(
  signatures: LockedRecord['signatures'],
  at: string,
  image: () => string,
): LockedRecord['signatures'] {
  const again = (s: Signature): Signature => ({ ...s, sha256: image(), signedAt: at });
  const p = signatures.party;
  return {
    party:
      p.kind === 'signed'
        ? { kind: 'signed', signature: again(p.signature) }
        : p.kind === 'refused'
          ? { ...p, witness: { ...p.witness, signature: again(p.witness.signature) } }
          : p,
    officers: [again(signatures.officers[0]), again(signatures.officers[1])],
  };
}

function amendAtIso(reviewAt: string): string {
  return shanghaiIso(Date.parse(reviewAt) + 20 * 3600_000);
}

function strip(o: SeedOfficer): OfficerRef {
  return { userId: o.userId, name: o.name, certificateNo: o.certificateNo };
}

async function documentsFor(
  content: RecordContent,
  officer: SeedOfficer,
  deviceId: string,
  when: Date,
  numberFor: (o: SeedOfficer, d: string, t: DocType, w: Date) => Promise<string>,
  skip: Set<DocType> = new Set(),
): Promise<LockedRecord['documents']> {
  const out: LockedRecord['documents'] = [];
  for (const [i, docType] of requiredDocuments(content).entries()) {
    if (skip.has(docType)) continue;
    out.push({
      id: uuidv7(when.getTime() + i),
      docType,
      number: await numberFor(officer, deviceId, docType, when),
      provisional: false,
      templateVersion: TEMPLATE_VERSION,
    });
  }
  return out;
}
