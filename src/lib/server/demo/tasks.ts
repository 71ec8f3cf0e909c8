import { REVIEW_CHECKS } from '$lib/domain/lifecycle';
import type { SpotCheckAnswers } from '$lib/domain/spot-check';
import { RECORD_SOURCE, type TaskSource } from '$lib/domain/tasks';
import { addMonths, shanghaiDate } from '$lib/domain/time';
import type { AppContext } from '../app';
import { HttpError } from '../http';
import { assignTask, closeUnfounded } from '../services/dispatch';
import { drawSpotCheck, reviewSpotItem } from '../services/spot-checks';
import {
  createApiSystem,
  receiveTask,
  systemForKey,
  taskByCase,
  type ApiSystem,
} from '../services/tasks';
import type { DemoCase } from './history';
import { Raster } from './png';
import { BUREAU, SUPERVISORS, supervisorOf } from './roster';

/** The demo city platform's API key (`POST /api/platform/tasks`). */
export const DEMO_PLATFORM_KEY = 'pbk_demo_luan_city_platform_12319';

const HOUR = 3_600_000;

/** Tasks as the platform sent them over the last days: every source, some overdue. */
const TASKS: {
  caseId: string;
  source: TaskSource;
  address: string;
  description: string;
  item?: string;
  /** Hours from now the task was received, and is due. */
  received: number;
  due: number;
  /** Dispatched to two officers, or closed as unfounded (hours from now it was closed). */
  then?: { assign: [string, string] } | { unfounded: string; closed: number };
}[] = [
  {
    caseId: '12319-2026-1127-0031',
    source: 'hotline',
    address: '金安区梅山南路 88 号',
    description: '市民来电：便利店在门外摆放货架经营，占用人行道。',
    item: 'SR-01',
    received: -70,
    due: -22,
  },
  {
    caseId: 'SJ-2026-1129-0412',
    source: 'citizen',
    address: '裕安区解放南路与人民路交口',
    description: '群众举报：早餐摊在路口占道经营，影响通行。',
    item: 'SR-01',
    received: -30,
    due: 18,
  },
  {
    caseId: 'SP-CAM-0087-20261130',
    source: 'camera',
    address: '金安区佛子岭路 12 号',
    description: '视频监控发现：门店外堆放建材，占用人行道约 2 平方米。',
    item: 'SR-02',
    received: -50,
    due: -2,
    then: { assign: ['u-officer1', 'u-officer2'] },
  },
  {
    caseId: 'XC-2026-1201-0007',
    source: 'platformPatrol',
    address: '裕安区鼓楼街 35 号',
    description: '平台巡查：店外设置户外广告牌未经批准。',
    received: -20,
    due: 28,
    then: { assign: ['u-officer3', 'u-officer4'] },
  },
  {
    caseId: '12319-2026-1125-0102',
    source: 'hotline',
    address: '金安区长江东路 201 号',
    description: '市民来电：夜间烧烤摊油烟扰民。',
    received: -120,
    due: -72,
    then: { unfounded: '现场核查时摊点已撤离，连续两晚复查均未发现', closed: -80 },
  },
  {
    caseId: 'SP-CAM-0112-20261201',
    source: 'camera',
    address: '裕安区皖西路 66 号',
    description: '视频监控发现：车辆在人行道停放，疑似占道洗车经营。',
    received: -6,
    due: 42,
  },
];

/** The demo platform's system, made the first time (with the key the demo prints). */
export async function demoPlatform(ctx: AppContext): Promise<ApiSystem> {
  const known = await systemForKey(ctx.db, DEMO_PLATFORM_KEY);
  if (known) return known;
  const { id } = await createApiSystem(ctx.db, {
    bureauId: BUREAU.id,
    name: '六安市城市运行管理服务平台（演示）',
    createdBy: null,
    key: DEMO_PLATFORM_KEY,
  });
  return { id, bureauId: BUREAU.id, name: '六安市城市运行管理服务平台（演示）' };
}

/**
 * The city platform's system, with a key the demo prints (a real one is shown once, to its
 * administrator), and its tasks as the platform sent them, some dispatched, one closed; made
 * for a demo database seeded before platform tasks existed too.
 */
export async function seedPlatform(ctx: AppContext, now = new Date()): Promise<void> {
  const system = await demoPlatform(ctx);
  const first = TASKS[0]?.caseId ?? '';
  if (await taskByCase(ctx.db, system.id, first)) return;
  for (const t of TASKS) {
    const at = new Date(now.getTime() + t.received * HOUR);
    const { task } = await receiveTask(
      ctx,
      system,
      {
        caseId: t.caseId,
        source: t.source,
        place: { address: `六安市${t.address}` },
        description: t.description,
        ...(t.item ? { suspectedItemCode: t.item } : {}),
        photos: [],
        reportedAt: new Date(at.getTime() - HOUR / 2).toISOString(),
        dueAt: new Date(now.getTime() + t.due * HOUR).toISOString(),
      },
      at,
    );
    if (!t.then) continue;
    const supervisor = supervisorOf(SUPERVISORS[0].supervised[0]);
    if ('assign' in t.then) await assignTask(ctx.db, supervisor, task.id, t.then.assign);
    else
      await closeUnfounded(
        ctx,
        supervisor,
        task.id,
        t.then.unfounded,
        emptyStreet(),
        null,
        new Date(now.getTime() + t.then.closed * HOUR),
      );
  }
}

/**
 * Makes one recent case of 金安中队 a case the platform sent: a citizen called 12319 four hours
 * before, the task was dispatched to the two officers who then found it, and their record names
 * it (once pushed, it closes the task as handled and queues the result for the platform).
 */
export function fromPlatform(ctx: AppContext, now: Date): (c: DemoCase) => Promise<void> {
  let done = false;
  return async (c) => {
    const age = now.getTime() - c.when.getTime();
    if (done || c.squadId !== 'sq-jinan' || age > 10 * 24 * HOUR || age < 24 * HOUR) return;
    done = true;
    const system = await demoPlatform(ctx);
    const received = new Date(c.when.getTime() - 4 * HOUR);
    const { task } = await receiveTask(
      ctx,
      system,
      {
        caseId: `12319-${shanghaiDate(received).replaceAll('-', '')}-0215`,
        source: 'hotline',
        place: { address: c.content.place.address },
        description: `市民来电反映：${c.item.name}，请核查处置。`,
        suspectedItemCode: c.item.code,
        photos: [],
        reportedAt: new Date(received.getTime() - HOUR / 4).toISOString(),
        dueAt: new Date(received.getTime() + 48 * HOUR).toISOString(),
      },
      received,
    );
    await assignTask(ctx.db, supervisorOf(c.squadId), task.id, [
      c.officers[0].userId,
      c.officers[1].userId,
    ]);
    c.content.taskId = task.id;
    c.content.source = RECORD_SOURCE.hotline;
  };
}

/**
 * Last month's spot check by the first supervisor over their squads: five approved records
 * drawn with a fixed seed (so every demo draws the same), three of them reviewed, one with a
 * finding.
 */
export async function seedSpotCheck(ctx: AppContext, now: Date): Promise<void> {
  const supervisor = supervisorOf(SUPERVISORS[0].supervised[0]);
  const month = addMonths(`${shanghaiDate(now).slice(0, 7)}-01`, -1).slice(0, 7);
  let drawn: { id: string; sample: string[] };
  try {
    drawn = await drawSpotCheck(
      ctx.db,
      supervisor,
      { month, squadId: null, itemCode: null, branch: null, size: 5 },
      { seed: '5eed0f1a2b3c4d5e', now },
    );
  } catch (e) {
    // A demo with no approved records last month (a test's small demo) has nothing to draw.
    if (e instanceof HttpError && e.status === 400) return;
    throw e;
  }
  const holds = Object.fromEntries(REVIEW_CHECKS.map((c) => [c, true])) as SpotCheckAnswers;
  const reviews: [SpotCheckAnswers, string][] = [
    [holds, ''],
    [
      { ...holds, educationRecorded: false },
      '教育内容只写“已教育”，未记录讲解的法条和当事人的表态。',
    ],
    [holds, '证据照片清晰，改正前后对比完整。'],
  ];
  for (const [position, [answers, note]] of reviews.entries())
    if (position < drawn.sample.length)
      await reviewSpotItem(ctx.db, supervisor, drawn.id, position, answers, note);
}

/** The photo of an empty pavement a supervisor attaches when closing a case as unfounded. */
function emptyStreet(): Uint8Array {
  const r = new Raster(160, 120, [196, 214, 232]);
  r.rect(0, 70, 160, 50, [150, 150, 150]);
  r.rect(0, 66, 160, 4, [230, 230, 230]);
  r.rect(20, 30, 40, 40, [180, 120, 90]);
  return r.png();
}
