import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { dumpIndexedDb, launchProfile } from '../../support/browser';
import { startServer, type TestServer } from '../../support/server';

/** Page model of the officer app: what an officer does, in their words, not in selectors. */
export class FieldApp {
  /** The PIN this phone was given (the tests that change it say so here). */
  pin = '246810';
  /** Console errors, page errors and navigations, printed when a step fails. */
  readonly log: string[] = [];
  /** The app's API calls with their answers, the last of which are printed when a sync stalls. */
  readonly net: string[] = [];
  /** Anything the Content-Security-Policy blocked: must stay empty. */
  readonly blocked: string[] = [];

  constructor(
    readonly page: Page,
    readonly base: string,
  ) {
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning')
        this.log.push(`console.${m.type()}: ${m.text()}`);
      if (m.text().includes('Content Security Policy')) this.blocked.push(m.text());
    });
    page.on('pageerror', (e) => this.log.push(`pageerror: ${e.message}`));
    const stamp = () => new Date().toISOString().slice(11, 23);
    page.on('response', (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/api/'))
        this.net.push(`${stamp()} ${r.request().method()} ${url.pathname} ${r.status()}`);
    });
    page.on('requestfailed', (r) =>
      this.net.push(`${stamp()} ${r.method()} ${r.url()} failed: ${r.failure()?.errorText ?? ''}`),
    );
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) this.log.push(`navigated: ${f.url()}`);
    });
  }

  /**
   * Opens a page of the app. A full page load drops the data key (ADR 0018): a signed-in
   * officer meets the PIN screen and unlocks, as on the phone.
   */
  async open(path = '/') {
    await this.page.goto(this.base + path);
    await this.unlockIfLocked();
  }

  async reload() {
    await this.page.reload();
    await this.unlockIfLocked();
  }

  /** Once the app has decided what to show: the PIN screen is answered, anything else left. */
  async unlockIfLocked(pin = this.pin) {
    // A gate screen counts once it has decided what it asks for (the PIN, or the password after
    // too many wrong PINs).
    const shown = this.page
      .getByTestId('app-shell')
      .locator('> main:not(.gate), > main.gate[data-ready="true"]');
    await shown.first().waitFor({ timeout: 30_000 });
    // The PIN screen in either language: one PIN field, no confirmation field.
    const field = this.page.locator('main.gate input#pin');
    if ((await field.isVisible()) && (await this.page.locator('#pin2').count()) === 0) {
      await field.fill(pin);
      await field.press('Enter');
      await this.page
        .getByTestId('app-shell')
        .locator('> main:not(.gate)')
        .waitFor({ timeout: 30_000 });
    }
  }

  async login(username: string, password = 'demo1234', pin = '246810') {
    await this.page.getByLabel('用户名').fill(username);
    await this.page.getByLabel('密码').fill(password);
    await this.page.getByRole('button', { name: '登录' }).click();
    const pinField = this.page.getByLabel('6 位数字 PIN');
    const failure = this.page.getByRole('alert');
    await pinField
      .or(failure)
      .first()
      .waitFor()
      .catch(async (e: unknown) => {
        await this.page.screenshot({ path: '/tmp/login-failure.png' });
        throw e;
      });
    if (await failure.isVisible()) throw new Error(`login failed: ${await failure.textContent()}`);
    await pinField.fill(pin);
    await this.page.getByLabel('再次输入 PIN').fill(pin);
    await this.page.getByRole('button', { name: '设置 PIN' }).click();
    await this.page.getByRole('button', { name: '开始巡查记录' }).waitFor();
    await this.waitOfflineReady();
  }

  /**
   * Waits until the service worker has precached the app and controls the page: from then on
   * the officer can lose the signal. (A phone that goes offline earlier has no app to start.)
   */
  async waitOfflineReady(timeout = 60_000) {
    await expect
      .poll(() => this.page.evaluate(() => navigator.serviceWorker.controller?.state ?? null), {
        timeout,
      })
      .toBe('activated');
  }

  async unlock(pin = this.pin) {
    await this.page.getByLabel('6 位数字 PIN').fill(pin);
    await this.page.getByRole('button', { name: '解锁', exact: true }).click();
  }

  /**
   * The record on screen reaches "synced"; if it does not, the failure says why: the phone's
   * outbox rows (not sealed), the screen, and the app's last API calls.
   */
  async recordSynced(timeout = 60_000) {
    try {
      await expect
        .poll(() => this.page.getByTestId('record-state').textContent(), { timeout })
        .toBe('已同步');
    } catch (e) {
      const outbox = (await dumpIndexedDb(this.page)).find(
        (s) => s.database === 'patrolbook' && s.store === 'outbox',
      )?.text;
      throw new Error(
        `the record did not sync: outbox ${outbox ?? '(none)'}\n` +
          `screen: ${(await this.mainText()).slice(0, 400)}\n` +
          `log: ${this.log.slice(-10).join(' | ')}\napi:\n${this.net.slice(-40).join('\n')}`,
        { cause: e },
      );
    }
  }

  /** Waits until the sync banner says everything is synced. */
  async waitSynced(timeout = 60_000) {
    await this.page.getByTestId('sync-banner').getByText('全部已同步').waitFor({ timeout });
  }

  /**
   * From the party to the conditions: the first-offence step passes by itself when it finds
   * nothing (and says so on the next step); where it found a prior it stays for the officer.
   */
  async passFirstOffence() {
    await this.page
      .getByTestId('fo-skipped')
      .waitFor({ timeout: 30_000 })
      .catch(async (e: unknown) => {
        const text = await this.mainText();
        throw new Error(`the first-offence step did not pass: ${text.slice(0, 400)}`, { cause: e });
      });
  }

  /** What the screen says, for a failure's message. */
  private async mainText(): Promise<string> {
    return (
      (await this.page
        .locator('main')
        .textContent()
        .catch(() => '')) ?? ''
    );
  }

  async startPatrol() {
    await this.page.getByRole('button', { name: '开始巡查记录' }).click();
    await this.page
      .getByLabel('搜索事项')
      .waitFor()
      .catch(async (e: unknown) => {
        const shown = (await this.page.locator('main').textContent()) ?? '';
        throw new Error(`no wizard: ${shown.slice(0, 400)}; ${this.log.join(' | ')}`, {
          cause: e,
        });
      });
  }

  /** Starts a record from a task of the city platform on the home screen (by its case id). */
  async startTask(caseId: string) {
    await this.page
      .getByTestId('task-card')
      .filter({ hasText: caseId })
      .getByRole('button', { name: '开始处理' })
      .click();
    await this.page.getByLabel('搜索事项').waitFor();
  }

  async next() {
    await this.page.getByRole('button', { name: '下一步' }).click();
  }

  async chooseItem(search: string, name: string) {
    await this.page.getByLabel('搜索事项').fill(search);
    await this.page
      .getByRole('list', { name: '清单事项' })
      .getByRole('button', { name: new RegExp(name) })
      .first()
      .click();
    // Picking an item moves on to the party.
    await this.page
      .getByRole('group', { name: '当事人类型' })
      .waitFor()
      .catch(async (e: unknown) => {
        await this.page.screenshot({ path: '/tmp/choose-failure.png', fullPage: true });
        console.log(this.log.join('\n'));
        throw e;
      });
  }

  async fillPerson(p: {
    name: string;
    id: string;
    mobile: string;
    address: string;
    facts: string;
    home?: string;
  }) {
    await this.page.getByRole('button', { name: '个人', exact: true }).click();
    await this.page.getByLabel('姓名').fill(p.name);
    await this.page.getByLabel('身份证号').fill(p.id);
    await this.page.getByLabel('手机号').fill(p.mobile);
    // The decision of no penalty states the party's address (REFERENCE §5).
    await this.page
      .getByLabel('住址', { exact: true })
      .fill(p.home ?? '六安市金安区佛子岭路 18 号');
    await this.page.getByLabel('违法地点').fill(p.address);
    await this.page.getByLabel('违法事实').fill(p.facts);
  }

  /** A shop or company: its name, premises, credit code and who represents it. */
  async fillBusiness(b: {
    name: string;
    uscc: string;
    representative: string;
    mobile: string;
    premises: string;
    address: string;
    facts: string;
  }) {
    await this.page.getByRole('button', { name: '商户 / 单位', exact: true }).click();
    await this.page.getByLabel('店招名称 / 单位名称').fill(b.name);
    await this.page.getByLabel('经营地址').fill(b.premises);
    await this.page.getByLabel('统一社会信用代码').fill(b.uscc);
    await this.page.getByLabel('法定代表人（负责人）').fill(b.representative);
    await this.page.getByLabel('手机号').fill(b.mobile);
    await this.page.getByLabel('违法地点').fill(b.address);
    await this.page.getByLabel('违法事实').fill(b.facts);
  }

  /** Answers every yes/no question of the conditions step the way that keeps the item eligible. */
  async answerEligible() {
    for (const group of await this.page.getByRole('group').all()) {
      const absent = group.getByRole('button', { name: '不存在', exact: true });
      if ((await absent.count()) > 0) {
        await absent.click();
        continue;
      }
      const yes = group.getByRole('button', { name: '是', exact: true });
      if ((await yes.count()) > 0) await yes.click();
    }
  }

  async correctOnTheSpot() {
    await this.page.getByRole('button', { name: '当场改正', exact: true }).click();
    await this.page
      .getByRole('group', { name: /当事人是否已当场改正/ })
      .getByRole('button', { name: '已当场改正' })
      .click();
    const commitment = this.page.getByRole('group', { name: /告知承诺书/ });
    if ((await commitment.count()) > 0)
      await commitment.getByRole('button', { name: '已签署' }).click();
  }

  async educate() {
    // Persuasion is chosen with the drafted text; chosen here if the officer had cleared it.
    const persuasion = this.page.getByRole('button', { name: '说服教育' });
    if ((await persuasion.getAttribute('aria-pressed')) !== 'true') await persuasion.click();
    await this.page.getByLabel('当事人陈述').fill('知道了，马上收摊。');
  }

  /** Takes a photo and waits for its thumbnail: shown once the photo is saved with the draft. */
  async addPhoto(kind: 'before' | 'after', file: string) {
    const count = await this.page.getByTestId('photos').locator('li').count();
    await this.page.getByTestId(`photo-input-${kind}`).setInputFiles(file);
    await expect
      .poll(() => this.page.getByTestId('photos').locator('li img').count(), { timeout: 30_000 })
      .toBe(count + 1);
  }

  /**
   * Takes a photo with the in-app camera (the kind chosen first if the camera would take the
   * other) and waits for its thumbnail.
   */
  async shoot(kind: 'before' | 'after') {
    const count = await this.page.getByTestId('photos').locator('li').count();
    const toggle = this.page.getByTestId(`camera-kind-${kind}`);
    if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
    await this.page.locator('#shutter').click({ timeout: 15_000 });
    await expect
      .poll(() => this.page.getByTestId('photos').locator('li img').count(), { timeout: 30_000 })
      .toBe(count + 1);
  }

  /**
   * A zigzag on a signature pad. `variant` changes its shape: a signature drawn again (after an
   * amendment) must not come out with the same bytes as the one it replaces, which the app
   * rightly takes for the old signature (the pad's line width follows the pen's speed, so the same
   * zigzag gives the same bytes only when the timing repeats, as it sometimes did under load).
   */
  async draw(padTestId: string, variant = 0) {
    const pad = this.page.getByTestId(padTestId);
    await pad.scrollIntoViewIfNeeded();
    const box = await pad.boundingBox();
    if (!box) throw new Error(`no pad ${padTestId}`);
    const swing = 25 - variant * 8;
    await this.page.mouse.move(box.x + 20, box.y + box.height / 2);
    await this.page.mouse.down();
    for (let i = 1; i <= 12; i++) {
      await this.page.mouse.move(
        box.x + 20 + i * (18 - variant * 2),
        box.y + box.height / 2 + (i % 2 ? -swing : swing),
        { steps: 3 },
      );
    }
    await this.page.mouse.up();
  }

  /** The second officer chosen (left as it is when already chosen), the procedure confirmed. */
  async choosePartner(secondOfficer: string) {
    const select = this.page.getByLabel('第二名执法人员');
    const value = await select.evaluate(
      (el, name) =>
        [...(el as HTMLSelectElement).options].find((o) => o.text.includes(name))?.value ?? '',
      secondOfficer,
    );
    if ((await select.inputValue()) !== value) await select.selectOption(value);
  }

  /**
   * The signer the hand-off screen asks for signs on its pad (`pad`: that signer's pad, which
   * must be the one shown) and confirms; waits for the signer's status.
   */
  async sign(pad: string, status: string) {
    await this.draw(pad);
    await this.page.getByTestId('handoff').getByRole('button', { name: '确认签名' }).click();
    await this.page.getByTestId(status).waitFor();
  }

  /**
   * Partner, procedure, and the three signatures: the party's (or, with `refusal`, the
   * witnessed refusal: a reason picked from the phrases and the witness's name) and both
   * officers'.
   */
  async signAll(secondOfficer: string, refusal?: { witness: string }) {
    await this.choosePartner(secondOfficer);
    await this.procedure();
    if (refusal) {
      await this.page.getByRole('button', { name: '当事人拒签', exact: true }).click();
      await this.page.getByTestId('refusal-phrases').getByRole('button').first().click();
      await this.page.getByLabel('见证人姓名').fill(refusal.witness);
      await this.sign('sig-witness-pad', 'party-signature-status');
    } else {
      await this.sign('sig-party-pad', 'party-signature-status');
    }
    await this.sign('sig-officer1-pad', 'officer1-signature-status');
    await this.sign('sig-officer2-pad', 'officer2-signature-status');
  }

  /** Certificates shown and the right to ask for recusal told, before anyone signs. */
  async procedure() {
    await this.page.getByLabel(/出示执法证件/).check();
    await this.page.getByLabel(/申请执法人员回避/).check();
  }

  /** An amendment whose facts changed: the party and both officers sign again. */
  async resignAll() {
    await this.page.getByTestId('signatures-stale').waitFor();
    const sign = async (pad: string, status: string, done: RegExp) => {
      await this.draw(pad, 1);
      await this.page.getByTestId('handoff').getByRole('button', { name: '确认签名' }).click();
      await expect.poll(() => this.page.getByTestId(status).textContent()).toMatch(done);
    };
    await sign('sig-party-pad', 'party-signature-status', /当事人已签名/);
    await sign('sig-officer1-pad', 'officer1-signature-status', /已签名/);
    await sign('sig-officer2-pad', 'officer2-signature-status', /已签名/);
    await this.page.getByTestId('signatures-stale').waitFor({ state: 'detached' });
  }

  async finish() {
    await this.page
      .getByRole('button', { name: '完成并锁定记录' })
      .click()
      .catch(async (e: unknown) => {
        const text = await this.mainText();
        throw new Error(`cannot finish the record: ${text.slice(0, 600)}`, { cause: e });
      });
    await this.page.getByText('记录已完成并锁定').waitFor({ timeout: 30_000 });
    return this.page.url().split('/records/')[1]?.split('?')[0] ?? '';
  }
}

/** Everything of one eligible first-offence record, from the home screen to the finished record. */
export async function createRecord(
  app: FieldApp,
  options: {
    before: string;
    after: string;
    name?: string;
    id?: string;
    partner?: string;
    /** Search text and name of the catalog item; the mobile stall (SR-02) by default. */
    item?: [string, string];
    /** A business party instead of a person (`name` is then the shop's, `id` its credit code). */
    business?: boolean;
    /** Measured quantities the item's checklist asks for, by (part of) their label. */
    measures?: Record<string, string>;
    /** Started from the city platform's task with this case id, on the home screen. */
    fromTask?: string;
  },
): Promise<string> {
  if (options.fromTask) await app.startTask(options.fromTask);
  else await app.startPatrol();
  await app.chooseItem(...(options.item ?? ['摆摊', '流动摊点占道经营']));
  if (options.business) {
    await app.fillBusiness({
      name: options.name ?? '六安市金安区好运来便利店',
      uscc: options.id ?? '',
      representative: '周敏',
      mobile: '13800138000',
      premises: '六安市金安区人民路66号',
      address: '六安市金安区人民路66号门前',
      facts: '当事人在店门外人行道摆放货架经营。',
    });
  } else {
    await app.fillPerson({
      name: options.name ?? '李堃',
      id: options.id ?? '340102199003071232',
      mobile: '13800138000',
      address: '六安市金安区皖西路8号',
      facts: '当事人推车在人行道上销售水果。',
    });
  }
  await app.next();
  await app.passFirstOffence();
  await app.answerEligible();
  for (const [label, value] of Object.entries(options.measures ?? {}))
    await app.page.getByLabel(new RegExp(label)).fill(value);
  await app.next();
  await app.correctOnTheSpot();
  // Asked where the case is exempt by discretion (a first offence), not for a mild one.
  const reason = app.page.getByLabel(/不予处罚的裁量理由/);
  if (
    await reason.waitFor({ timeout: 3_000 }).then(
      () => true,
      () => false,
    )
  )
    await reason.fill('首次违法，当场改正');
  await app.next();
  await app.educate();
  await app.next();
  await app.addPhoto('before', options.before);
  await app.addPhoto('after', options.after);
  await app.next();
  await app.signAll(options.partner ?? '王喆');
  await app.next();
  return app.finish();
}

/** A real JPEG made by Chromium's own encoder (a camera photo stand-in), written to `path`. */
export async function makeJpeg(
  context: BrowserContext,
  path: string,
  width = 4000,
  height = 3000,
  seed = 1,
) {
  const page = await context.newPage();
  const b64 = await page.evaluate(
    async ({ width, height, seed }) => {
      const c = new OffscreenCanvas(width, height);
      const g = c.getContext('2d');
      if (!g) throw new Error('2d');
      const grad = g.createLinearGradient(0, 0, width, height);
      grad.addColorStop(0, `hsl(${seed * 47}, 60%, 60%)`);
      grad.addColorStop(1, `hsl(${seed * 47 + 120}, 60%, 40%)`);
      g.fillStyle = grad;
      g.fillRect(0, 0, width, height);
      for (let i = 0; i < 200; i++) {
        g.fillStyle = `hsl(${(i * 37 + seed * 11) % 360}, 70%, 50%)`;
        g.fillRect((i * 97) % width, (i * 131) % height, 120, 80);
      }
      const blob = await c.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000)
        s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(s);
    },
    { width, height, seed },
  );
  await page.close();
  const { writeFileSync } = await import('node:fs');
  writeFileSync(path, Buffer.from(b64, 'base64'));
}

/**
 * What an officer-app test needs: a server with the demo users and no records, a phone (a
 * persistent Chromium profile) and two camera photos of the given sizes.
 */
export async function officerRig(
  photos: { before: [number, number]; after: [number, number] },
  seeds: [number, number] = [1, 2],
  profileArgs: string[] = [],
): Promise<{
  server: TestServer;
  profile: Awaited<ReturnType<typeof launchProfile>>;
  before: string;
  after: string;
  close: () => Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'pb-photos-'));
  const before = join(dir, 'before.jpg');
  const after = join(dir, 'after.jpg');
  const server = await startServer({ env: { DEMO_SEED: '1', DEMO_RECORDS: '0' } });
  const profile = await launchProfile({ args: profileArgs });
  await makeJpeg(profile.context, before, ...photos.before, seeds[0]);
  await makeJpeg(profile.context, after, ...photos.after, seeds[1]);
  return {
    server,
    profile,
    before,
    after,
    close: async () => {
      await profile.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
