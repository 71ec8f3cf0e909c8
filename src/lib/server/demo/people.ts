import type { CatalogItem } from '$lib/domain/catalog';
import type { ChecklistAnswers } from '$lib/domain/evaluate';
import {
  orgCodeCheckChar,
  residentIdCheckChar,
  usccCheckChar,
  type Party,
} from '$lib/domain/party';
import { addDays } from '$lib/domain/time';
import { pick, type Rng } from './random';
import { SQUADS } from './roster';

/** Made-up parties of Lu'an with valid identifiers, and the answers officers give about them. */

export const SURNAMES = [
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
export const GIVEN = [
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
export const SHOPS = [
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
export const ROADS = [
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
export const DISTRICT_PREFIX: Record<string, string> = {
  'sq-jinan': '341502',
  'sq-yuan': '341503',
  'sq-yeji': '341504',
  'sq-jingkai': '341500',
};

export function residentId(rng: Rng, squadId: string): string {
  const region = DISTRICT_PREFIX[squadId] ?? '341502';
  const y = 1960 + Math.floor(rng() * 45);
  const m = 1 + Math.floor(rng() * 12);
  const d = 1 + Math.floor(rng() * 28);
  const seq = String(Math.floor(rng() * 1000)).padStart(3, '0');
  const body = `${region}${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${seq}`;
  return body + residentIdCheckChar(body);
}

/** An individual business (92) registered in Lu'an (341500), with a valid organisation code. */
export function uscc(rng: Rng): string {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let org = '';
  while (org.length < 8) org += chars[Math.floor(rng() * 31)];
  const body = `92341500${org}${orgCodeCheckChar(org)}`;
  return body + usccCheckChar(body);
}

export function plate(rng: Rng): string {
  const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  const digits = () => String(Math.floor(rng() * 10));
  if (rng() < 0.3)
    return `皖N${pick(rng, ['D', 'F'])}${digits()}${digits()}${digits()}${digits()}${digits()}`;
  return `皖N${pick(rng, letters.split(''))}${digits()}${digits()}${digits()}${digits()}`;
}

export const ITEM_PARTY: Record<string, Party['kind'][]> = {
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
export const ITEM_WEIGHTS: Record<string, number> = {
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

export function newParty(rng: Rng, kind: Party['kind'], squadId: string): Party {
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

export function answersFor(
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
