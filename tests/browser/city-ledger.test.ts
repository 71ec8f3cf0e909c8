import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, DEMO_OFFICERS, uploadedRecord } from '../support/api';
import { dumpIndexedDb, watchPage } from '../support/browser';
import { createRecord, FieldApp, officerRig } from './pages/field';

/**
 * The first-offence check offline sees the whole bureau: a party recorded 19 days earlier by
 * another district's squad is found on a phone with no signal, and the case is not a first
 * offence before anything is printed. The other district's entry names the squad and a masked
 * name, never the party's identifiers.
 */
describe("officer app: another district's prior, offline", () => {
  let rig: Awaited<ReturnType<typeof officerRig>>;

  beforeAll(async () => {
    rig = await officerRig({ before: [800, 600], after: [600, 800] });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('finds the prior on the phone with no signal, names the squad and a masked name, and the case is not a first offence', async () => {
    const { server, profile } = rig;
    // Yu'an district records the party 19 days ago.
    const yuan = new ApiClient(server.url);
    await yuan.login('officer3');
    const { record: prior } = await uploadedRecord(yuan, {
      officers: [DEMO_OFFICERS.officer3, DEMO_OFFICERS.officer4],
      squadId: 'sq-yuan',
      now: new Date(Date.now() - 19 * 86_400_000).toISOString(),
      itemCode: 'SR-02',
      party: {
        kind: 'person',
        name: '陈小红',
        idNumber: '11010519491231002X',
        address: '六安市裕安区鼓楼街 3 号',
      },
    });
    expect((await yuan.push([prior])).body.results[0]?.status).toBe('accepted');

    // A Jin'an officer's phone syncs once, then loses the signal.
    const page = await profile.context.newPage();
    const errors = watchPage(page);
    const app = new FieldApp(page, server.url);
    await app.open();
    await app.login('officer1');
    await app.waitSynced();
    await profile.context.setOffline(true);
    await app.reload();
    await page.getByRole('button', { name: '开始巡查记录' }).waitFor();

    await app.startPatrol();
    await app.chooseItem('摆摊', '流动摊点占道经营');
    await app.fillPerson({
      name: '陈小红',
      id: '11010519491231002x',
      mobile: '13900139000',
      address: '六安市金安区梅山南路 20 号',
      facts: '当事人在人行道上摆摊销售水果。',
    });
    await app.next();
    await page.getByTestId('fo-found').waitFor();
    expect(await page.getByTestId('fo-sources').textContent()).toContain('仅本机台账');
    const line = await page.getByTestId('fo-prior').textContent();
    expect(line).toContain('裕安区中队');
    expect(await page.getByTestId('fo-prior-hint').textContent()).toBe('陈**');
    const body = (await page.locator('main').textContent()) ?? '';
    expect(body).not.toContain('鼓楼街');

    // The conditions answered as for a first offence: the prior makes it something else.
    await app.next();
    await app.answerEligible();
    await app.next();
    await app.correctOnTheSpot();
    await expect.poll(() => page.getByTestId('branch').textContent()).toBe('不适用免罚');
    expect(errors).toEqual([]);
  });

  it("keeps nothing readable in the phone's IndexedDB: no ID number, phone, name, address or photo bytes", async () => {
    const { server, profile, before, after } = rig;
    const page = await profile.context.newPage();
    const app = new FieldApp(page, server.url);
    await app.open();
    await app.waitSynced();
    // A finished record offline, next to the ineligible draft of the first test and the pulled
    // city-wide ledger.
    await profile.context.setOffline(true);
    await createRecord(app, { before, after, name: '欧阳娜娜', id: '340102199003071232' });
    await profile.context.setOffline(false);
    await app.waitSynced();
    const stores = await dumpIndexedDb(page);
    const phone = stores.filter((s) => s.database === 'patrolbook');
    // The data is there, sealed: records, photos, drafts, ledger.
    const count = (name: string) => phone.find((s) => s.store === name)?.count ?? 0;
    expect(count('records')).toBe(1);
    expect(count('drafts')).toBe(1);
    expect(count('evidence')).toBeGreaterThanOrEqual(5);
    expect(count('ledgerBuckets')).toBeGreaterThanOrEqual(2);
    const text = stores.map((s) => s.text).join('\n');
    for (const secret of [
      // The party of the finished record and of the draft, and the other district's party.
      '欧阳娜娜',
      '陈小红',
      '11010519491231002X',
      '11010519491231002x',
      '340102199003071232',
      '13800138000',
      '13900139000',
      '皖西路',
      '梅山南路',
      '佛子岭路',
      '鼓楼街',
      // Photos (JPEG/JFIF) and signatures (PNG) by their headers.
      'ffd8ffe000104a464946',
      '89504e470d0a1a0a',
    ])
      expect(text, secret).not.toContain(secret);
    // The officer's own roster and ledger key are sealed too.
    expect(text).not.toContain('王喆');
    await page.close();
  });

  it('locks itself after the chosen idle time; a new PIN opens the same data, the old one nothing', async () => {
    const { server, profile } = rig;
    const page = await profile.context.newPage();
    await page.clock.install();
    const app = new FieldApp(page, server.url);
    await app.open('/settings');
    await page.getByLabel('无操作自动锁定').selectOption('1');
    await page.getByLabel('当前 PIN').fill(app.pin);
    await page.getByLabel('新 PIN').fill('135790');
    await page.getByLabel('再次输入 PIN').fill('135790');
    await page.getByRole('button', { name: '修改 PIN' }).click();
    await page.getByText('PIN 已修改').waitFor();
    app.pin = '135790';
    // Idle for two minutes: locked, the key gone.
    await page.clock.fastForward('02:00');
    await page.getByRole('button', { name: '解锁', exact: true }).waitFor();
    await app.unlock('246810');
    await page
      .getByRole('alert')
      .getByText(/PIN 不正确/)
      .waitFor();
    await app.unlock('135790');
    await page.getByRole('button', { name: '修改 PIN' }).waitFor();
    await app.open('/');
    await page.getByRole('button', { name: '开始巡查记录' }).waitFor();
    // The data is all there under the new PIN (the draft and the record of the tests above).
    await page.getByTestId('draft-card').first().waitFor();
    await page.close();
  });
});
