import { expect } from 'vitest';
import {
  klmSeconds,
  startTrace,
  summarise,
  takeTrace,
  type TraceSummary,
} from '../../support/trace';
import type { FieldApp } from './field';

/**
 * The four standard cases of issue 17, scripted as an officer would do them with the app's
 * shortcuts (drafted texts, phrases, the shop's own address as the place, the last partner
 * chosen already), recorded as an interaction trace. Used by the browser test (which holds the
 * first to its targets) and by `npm run bench -- klm` (which prints all four).
 */

export type CaseResult = {
  name: string;
  /** Parts of the case done at different times (the finding; a re-inspection days later). */
  parts: { label: string; summary: TraceSummary; seconds: number; slowSeconds: number }[];
  recordId: string;
};

export type Photos = { before: string; after: string };

function part(label: string, summary: TraceSummary) {
  return { label, summary, seconds: klmSeconds(summary), slowSeconds: klmSeconds(summary, 2) };
}

/** Answers every checklist question left open on the conditions step the eligible way. */
async function answerFacts(app: FieldApp) {
  for (const id of ['exclusions-none', 'conditions-all']) {
    const all = app.page.getByTestId(id);
    if ((await all.count()) > 0 && (await all.getAttribute('aria-pressed')) !== 'true')
      await all.click();
  }
  for (const group of await app.page.getByRole('group').all()) {
    const buttons = group.getByRole('button');
    if ((await buttons.count()) !== 2) continue;
    const pressed = await buttons.evaluateAll((b) =>
      b.some((x) => x.getAttribute('aria-pressed') === 'true'),
    );
    if (pressed) continue;
    const yes = group.getByRole('button', { name: '是', exact: true });
    const absent = group.getByRole('button', { name: '不存在', exact: true });
    if ((await yes.count()) > 0) await yes.click();
    else if ((await absent.count()) > 0) await absent.click();
  }
}

async function pickItem(app: FieldApp, initials: string, name: string) {
  await app.page.getByRole('button', { name: '开始巡查记录' }).click();
  await app.page.getByLabel('搜索事项').fill(initials);
  await app.page
    .getByRole('list', { name: '清单事项' })
    .getByRole('button', { name: new RegExp(name) })
    .first()
    .click();
  await app.page.getByRole('group', { name: '当事人类型' }).waitFor();
}

/** A person as the party, typed (the identity and the home address), and the place. */
async function fillPersonParty(
  app: FieldApp,
  person: { name: string; id: string; mobile: string; home: string },
  place: string,
) {
  const page = app.page;
  await page.getByRole('button', { name: '个人', exact: true }).click();
  await page.getByLabel('姓名').fill(person.name);
  await page.getByLabel('身份证号').fill(person.id);
  await page.getByLabel('手机号').fill(person.mobile);
  await page.getByLabel('住址', { exact: true }).fill(person.home);
  // The squad's street near the phone's position is offered: one tap, else typed.
  const offered = page
    .getByTestId('place-suggestions')
    .getByRole('button', { name: place, exact: true });
  const shown = await offered
    .waitFor({ timeout: 5_000 })
    .then(() => true)
    .catch(() => false);
  if (shown) await offered.click();
  else await page.getByLabel('违法地点').fill(place);
}

async function educateWithPhrase(app: FieldApp) {
  await app.page.getByTestId('statement-phrases').getByRole('button').first().click();
}

/** Corrected on the spot (the one tap also answers "corrected"). */
const ON_THE_SPOT = (app: FieldApp) => async () => {
  await app.page.getByRole('button', { name: '当场改正', exact: true }).click();
};

/** The trace started afresh: what is recorded from here is the case's. */
async function begin(app: FieldApp) {
  await startTrace(app.page);
  await takeTrace(app.page);
}

/**
 * From the party step to the locked record, the same for every case: the first-offence step
 * passes by itself, the checklist is affirmed, `correct` answers the correction step, the
 * party's statement is picked, the photos are taken, everyone signs (or the party refuses before
 * a witness), and the record is finished. Returns its id.
 */
async function throughToFinish(
  app: FieldApp,
  photos: Photos,
  options: {
    correct: () => Promise<void>;
    kinds?: ('before' | 'after')[];
    measures?: string;
    refusal?: { witness: string };
  },
): Promise<string> {
  await app.next();
  await app.passFirstOffence();
  await answerFacts(app);
  if (options.measures !== undefined)
    for (const input of await app.page.locator('input[type="number"]').all())
      await input.fill(options.measures);
  await app.next();
  await options.correct();
  await app.next();
  await educateWithPhrase(app);
  await app.next();
  // The in-app camera where the phone gives one (the test phone's fake camera), else the system's.
  const inApp = await app.page
    .locator('#shutter')
    .waitFor({ timeout: 10_000 })
    .then(() => true)
    .catch(() => false);
  for (const kind of options.kinds ?? ['before', 'after'])
    await (inApp ? app.shoot(kind) : app.addPhoto(kind, photos[kind]));
  await app.next();
  await app.signAll('王喆', options.refusal);
  await app.next();
  return app.finish();
}

/**
 * Case 1: a shop trading beyond its door (SR-01), a first offence, corrected on the spot, two
 * photos, three signatures, offline or online alike.
 */
export async function shopFirstOffence(
  app: FieldApp,
  photos: Photos,
  shop: { name: string; uscc: string },
): Promise<CaseResult> {
  const page = app.page;
  await begin(app);
  await pickItem(app, 'cdjy', '出店经营');
  await page.getByRole('button', { name: '商户 / 单位', exact: true }).click();
  await page.getByLabel('店招名称 / 单位名称').fill(shop.name);
  await page.getByLabel('经营地址').fill('六安市金安区人民路66号');
  await page.getByLabel('统一社会信用代码').fill(shop.uscc);
  await page.getByLabel('法定代表人（负责人）').fill('周敏');
  await page.getByLabel('手机号').fill('13800138000');
  await page.getByTestId('place-suggestions').getByRole('button').first().click();
  await expect.poll(() => page.getByLabel('违法事实').inputValue()).toContain('门前');
  const recordId = await throughToFinish(app, photos, {
    correct: async () => {
      await page.getByRole('button', { name: '当场改正', exact: true }).click();
      await page
        .getByRole('group', { name: /告知承诺书/ })
        .getByRole('button', { name: '已签署' })
        .click();
    },
  });
  const summary = summarise(await takeTrace(page), 10);
  return { name: 'first offence at a shop (SR-01)', parts: [part('finding', summary)], recordId };
}

/** Case 2: mild littering (SR-11), a person, corrected on the spot (picked up). */
export async function mildLittering(
  app: FieldApp,
  photos: Photos,
  person: { name: string; id: string },
): Promise<CaseResult> {
  const page = app.page;
  await begin(app);
  await pickItem(app, 'sdlr', '随地乱扔');
  await fillPersonParty(
    app,
    { ...person, mobile: '13900139000', home: '六安市金安区佛子岭路18号' },
    '六安市金安区人民路',
  );
  const recordId = await throughToFinish(app, photos, { correct: ON_THE_SPOT(app) });
  const summary = summarise(await takeTrace(page), 10);
  return {
    name: 'mild littering corrected on the spot (SR-11)',
    parts: [part('finding', summary)],
    recordId,
  };
}

/** Case 3: a bicycle left on the pavement (SR-21), its owner refuses to sign; a witness signs. */
export async function refusalWithWitness(
  app: FieldApp,
  photos: Photos,
  person: { name: string; id: string },
): Promise<CaseResult> {
  const page = app.page;
  await begin(app);
  await pickItem(app, '乱停', '人行道乱停乱放');
  await fillPersonParty(
    app,
    { ...person, mobile: '13700137000', home: '六安市裕安区解放南路9号' },
    '六安市金安区皖西路',
  );
  const recordId = await throughToFinish(app, photos, {
    correct: ON_THE_SPOT(app),
    refusal: { witness: '陈芳' },
  });
  const summary = summarise(await takeTrace(page), 10);
  return {
    name: 'refusal to sign, with a witness (SR-21)',
    parts: [part('finding', summary)],
    recordId,
  };
}

/**
 * Case 4: material piled on the road (SR-03), corrected by a deadline, then the re-inspection
 * (the same day here: "corrected" can be recorded before the deadline runs out).
 */
export async function deadlineAndReinspection(
  app: FieldApp,
  photos: Photos,
  person: { name: string; id: string },
): Promise<CaseResult> {
  const page = app.page;
  await begin(app);
  await pickItem(app, 'zddf', '占道堆放');
  await fillPersonParty(
    app,
    { ...person, mobile: '13600136000', home: '六安市金安区长江东路3号' },
    '六安市金安区长江东路3号门前',
  );
  const recordId = await throughToFinish(app, photos, {
    measures: '2',
    kinds: ['before'],
    correct: async () => {
      await page.getByRole('button', { name: '限期改正', exact: true }).click();
      const commitment = page.getByRole('group', { name: /告知承诺书/ });
      if ((await commitment.count()) > 0)
        await commitment.getByRole('button', { name: '已签署' }).click();
    },
  });
  const finding = summarise(await takeTrace(page), 10);

  await app.open('/');
  await takeTrace(page);
  await page.getByRole('link', { name: '复查', exact: true }).first().click();
  await page.getByRole('heading', { name: '复查', exact: true }).waitFor();
  await page.getByRole('button', { name: '已改正', exact: true }).click();
  await app.addPhoto('after', photos.after);
  await app.choosePartner('王喆');
  await app.draw('re-sig1-pad');
  await page.getByRole('button', { name: '确认签名' }).first().click();
  await page.getByText('已签名 1/2').waitFor();
  await app.draw('re-sig2-pad');
  await page.getByRole('button', { name: '确认签名' }).nth(1).click();
  await page.getByText('已签名 2/2').waitFor();
  await page.getByRole('button', { name: '完成复查' }).click();
  await page.getByText('记录已完成并锁定').waitFor({ timeout: 30_000 });
  const reinspection = summarise(await takeTrace(page), 2);
  return {
    name: 'deadline correction and its re-inspection (SR-03)',
    parts: [part('finding', finding), part('re-inspection', reinspection)],
    recordId,
  };
}
