import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Page } from 'playwright-core';
import type { Catalog } from '$lib/domain/catalog';
import { residentIdCheckChar } from '$lib/domain/party';
import type { LockedRecord } from '$lib/domain/record';
import { printJob } from '$lib/notices/content';
import { consoleForm, consoleSession } from '../support/api';
import { query } from '../support/db';
import { createRecord, FieldApp, officerRig } from './pages/field';

/** The phone's IndexedDB, read and written behind the app's back (test-only). */
async function idb<T>(page: Page, store: string, fn: 'all' | 'put', value?: unknown): Promise<T> {
  return page.evaluate(
    ({ store, fn, value }) =>
      new Promise<T>((resolve, reject) => {
        const open = indexedDB.open('patrolbook');
        open.onerror = () => reject(new Error(String(open.error)));
        open.onsuccess = () => {
          const tx = open.result.transaction(store, fn === 'all' ? 'readonly' : 'readwrite');
          const req =
            fn === 'all' ? tx.objectStore(store).getAll() : tx.objectStore(store).put(value);
          req.onsuccess = () => resolve(req.result as T);
          req.onerror = () => reject(new Error(String(req.error)));
          tx.oncomplete = () => open.result.close();
        };
      }),
    { store, fn, value },
  );
}

describe('officer app: one rulebook with the server', () => {
  let rig: Awaited<ReturnType<typeof officerRig>>;

  beforeAll(async () => {
    rig = await officerRig({ before: [1600, 1200], after: [1200, 1600] }, [11, 12]);
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('stops a 5,000-character statement before locking, with the limit shown while typing', async () => {
    const { server, profile, before, after } = rig;
    const page = await profile.context.newPage();
    const app = new FieldApp(page, server.url);
    await app.open();
    await app.login('officer1');
    await app.waitSynced();

    await app.startPatrol();
    await app.chooseItem('摆摊', '流动摊点占道经营');
    await app.fillPerson({
      name: '李堃',
      id: '340102199003071232',
      mobile: '13800138000',
      address: '六安市金安区皖西路8号',
      facts: '当事人推车在人行道上销售水果。',
    });
    await app.next();
    await app.passFirstOffence();
    await app.answerEligible();
    await app.next();
    await app.correctOnTheSpot();
    await page.getByLabel(/不予处罚的裁量理由/).fill('首次违法，当场改正');
    await app.next();
    await app.educate();
    const statement = page.getByLabel('当事人陈述');
    // Far below the limit: no counter. Near it: a counter. Past it: how much is over, in red.
    expect((await page.getByTestId('limit-partyStatement').textContent())?.trim()).toBe('');
    await statement.fill('我'.repeat(1700));
    await expect
      .poll(() => page.getByTestId('limit-partyStatement').textContent())
      .toContain('1700 / 2000');
    await statement.fill('我'.repeat(5000));
    await expect
      .poll(() => page.getByTestId('limit-partyStatement').textContent())
      .toMatch(/5000 \/ 2000.*超出 3000 字/);
    await app.next();
    await app.addPhoto('before', before);
    await app.addPhoto('after', after);
    await app.next();
    await app.signAll('王喆');
    await app.next();

    // The review names the field and the limit, and the record cannot be locked.
    const issue = page.getByTestId('issues').locator('[data-field="education.partyStatement"]');
    await expect
      .poll(() => issue.textContent())
      .toContain('当事人陈述：超过 2000 字的上限（现为 5000 字）');
    expect(await page.getByRole('button', { name: '完成并锁定记录' }).isDisabled()).toBe(true);
    expect(await idb<unknown[]>(page, 'records', 'all')).toHaveLength(0);

    // Shortened, it locks, and the server takes it as it is.
    await issue.getByRole('button', { name: '去修改' }).click();
    await statement.fill('我知道了，马上收摊。');
    await page.getByRole('button', { name: '核对并完成' }).click();
    const id = await app.finish();
    await expect
      .poll(() => page.getByTestId('record-state').textContent(), { timeout: 60_000 })
      .toBe('已同步');
    const [row] = await query(server, (run) =>
      run('select count(*) as n from record_versions where record_id = $1', [id]),
    );
    expect(Number(row?.n)).toBe(1);
    expect(app.blocked).toEqual([]);
    await page.close();
  });

  it('a version the server refuses stays unsynced with its reason, is amended, accepted and verifiable', async () => {
    const { server, profile, before, after } = rig;
    const page = await profile.context.newPage();
    const app = new FieldApp(page, server.url);
    await app.open();
    await app.waitSynced();

    // Test-only catalog change: the phone holds a list version the server has not published.
    const catalogs = await idb<{ versionId: string; effectiveFrom: string; catalog: Catalog }[]>(
      page,
      'catalogs',
      'all',
    );
    const inForce = [...catalogs].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0];
    if (!inForce) throw new Error('no catalog on the phone');
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const unknown: Catalog = { ...inForce.catalog, versionId: 'luan-test-q', effectiveFrom: today };
    await idb(page, 'catalogs', 'put', {
      versionId: unknown.versionId,
      effectiveFrom: today,
      catalog: unknown,
    });
    await app.reload();
    await page.getByRole('button', { name: '开始巡查记录' }).waitFor();

    const id = await createRecord(app, {
      before,
      after,
      name: '欧阳娜娜',
      id: '11010519491231002X',
    });
    await expect
      .poll(() => page.getByTestId('record-state').textContent(), { timeout: 60_000 })
      .toBe('被拒收');
    // The reason, in the officer's words; the banner never calls this synced.
    await page.getByTestId('sync-issue').getByText('服务器上没有清单版本 luan-test-q').waitFor();
    await page.getByTestId('held-count').waitFor();
    expect(await page.getByTestId('sync-banner').textContent()).not.toContain('全部已同步');

    // The bureau keeps what it refused, and the notice printed from it is not "not found".
    const [kept] = await query(server, (run) =>
      run('select payload, resolution from quarantine where record_id = $1', [id]),
    );
    expect(kept?.resolution).toBeNull();
    const v1 = JSON.parse(String(kept?.payload)) as LockedRecord;
    const decision = v1.documents.find((d) => d.docType === 'noPenaltyDecision');
    if (!decision) throw new Error('no decision');
    const held = await fetch(`${server.url}/v/${decision.id}`);
    expect(held.status).toBe(200);
    expect(await held.text()).toContain('执法局已收到');

    // The administrator publishes the list version; the officer amends and resubmits.
    const admin = await consoleSession(server.url, 'admin');
    const published = await consoleForm(server.url, admin, '/console/admin/catalog?/publish', {
      catalog: JSON.stringify(unknown),
    });
    expect(published.status).toBe(200);
    await page.getByRole('button', { name: '修改并重新提交（生成新版本）' }).click();
    await page.getByText('正在修改，完成后生成第 2 版').waitFor();
    await page.getByRole('button', { name: '核对并完成' }).click();
    await app.finish();
    await expect
      .poll(() => page.getByTestId('record-state').textContent(), { timeout: 60_000 })
      .toBe('已同步');
    await app.open('/');
    await app.waitSynced();
    expect(await page.getByTestId('held-count').count()).toBe(0);

    const versions = await query(server, (run) =>
      run('select version from record_versions where record_id = $1', [id]),
    );
    expect(versions.map((v) => Number(v.version))).toEqual([2]);
    // The first attempt is in the console, marked as replaced by version 2.
    const list = await fetch(`${server.url}/console/quarantine`, { headers: { cookie: admin } });
    const html = await list.text();
    expect(html).toContain(id);
    expect(html).toContain('已被修改后的版本取代');
    // The notice printed from version 1 verifies (its content did not change in version 2).
    const printed = await printJob({
      record: v1,
      doc: decision,
      catalog: unknown,
      baseUrl: server.url,
    });
    const verified = await (
      await fetch(`${server.url}/v/${decision.id}?h=${printed.short}`)
    ).text();
    expect(verified).toContain('核验通过');
    expect(app.blocked).toEqual([]);
    await page.close();
  });

  it('a PIN locked out by wrong tries is left with the password online; unsynced records stay', async () => {
    const { server, profile, before, after } = rig;
    const page = await profile.context.newPage();
    const app = new FieldApp(page, server.url);
    await app.open();
    await app.waitSynced();
    // A record the server has not got yet (its pushes fail for now).
    await profile.context.route('**/api/sync/push', (route) => route.abort('internetdisconnected'));
    // Whatever happens below, the next test gets its network back.
    onTestFinished(() => profile.context.unroute('**/api/sync/push'));
    const idNumber = `11010519800101123${residentIdCheckChar('11010519800101123')}`;
    const id = await createRecord(app, { before, after, name: '张三', id: idNumber });
    await app.open('/');
    await page.getByTestId('waiting-count').waitFor();
    const onPhone = (await idb<unknown[]>(page, 'records', 'all')).length;

    await app.open('/settings');
    await page.getByRole('button', { name: '锁定' }).click();
    const failures = async () =>
      (await idb<{ key: string; value: unknown }[]>(page, 'settings', 'all')).find(
        (r) => r.key === 'pinFailures',
      )?.value;
    for (let i = 1; i <= 5; i++) {
      await app.unlock('111111');
      await expect.poll(failures).toBe(i);
    }
    await page
      .getByRole('alert')
      .getByText(/PIN 不正确。请 \d+ 秒后再试/)
      .waitFor();
    await page.getByTestId('pin-wait').waitFor();
    expect(await page.getByRole('button', { name: '解锁', exact: true }).isDisabled()).toBe(true);

    // Later tries, waits long over: ten wrong PINs in all.
    await idb(page, 'settings', 'put', { key: 'pinFailures', value: 10 });
    await idb(page, 'settings', 'put', { key: 'pinFailedAt', value: Date.now() - 3 * 3_600_000 });
    await app.reload();
    await page.getByTestId('password-unlock').waitFor();
    await page.getByLabel('密码').fill('wrong-password');
    await page.getByRole('button', { name: '用密码解锁' }).click();
    await page.getByRole('alert').waitFor();
    expect(await idb<unknown[]>(page, 'records', 'all')).toHaveLength(onPhone);
    await page.getByLabel('密码').fill('demo1234');
    await page.getByRole('button', { name: '用密码解锁' }).click();
    await page.getByLabel('6 位数字 PIN').fill('135790');
    await page.getByLabel('再次输入 PIN').fill('135790');
    await page.getByRole('button', { name: '设置 PIN' }).click();
    await page.getByRole('button', { name: '退出登录' }).waitFor();
    app.pin = '135790';
    await app.open('/');
    await page.getByRole('button', { name: '开始巡查记录' }).waitFor();

    // Every record is still on the phone, and the waiting one syncs once the network is back.
    expect(await idb<unknown[]>(page, 'records', 'all')).toHaveLength(onPhone);
    // The network back once no sync is running: a push caught by the route as it is removed can
    // stall until the app's 30 s request timeout (CI saw the button stay busy that long).
    const syncNow = page.getByRole('button', { name: '立即同步' });
    await expect.poll(() => syncNow.isEnabled(), { timeout: 40_000 }).toBe(true);
    await profile.context.unroute('**/api/sync/push');
    await syncNow.click({ timeout: 40_000 });
    await app.waitSynced();
    const [row] = await query(server, (run) =>
      run('select count(*) as n from record_versions where record_id = $1', [id]),
    );
    expect(Number(row?.n)).toBe(1);
    await page.close();
  });

  it('a draft is discarded only after a second tap, with the photos only it used', async () => {
    const { server, profile, before } = rig;
    const page = await profile.context.newPage();
    const app = new FieldApp(page, server.url);
    app.pin = '135790';
    await app.open();
    await app.waitSynced();
    const files = (await idb<unknown[]>(page, 'evidence', 'all')).length;
    await app.startPatrol();
    await app.chooseItem('摆摊', '流动摊点占道经营');
    await page.getByRole('button', { name: '7 证据照片' }).click();
    await app.addPhoto('before', before);
    await app.open('/');
    const card = page.getByTestId('draft-card');
    await card.getByTestId('draft-discard').click();
    await card.getByRole('button', { name: '取消' }).click();
    expect(await page.getByTestId('draft-card').count()).toBe(1);
    await card.getByTestId('draft-discard').click();
    await card.getByRole('button', { name: '确认丢弃' }).click();
    await expect.poll(() => page.getByTestId('draft-card').count()).toBe(0);
    expect(await idb<unknown[]>(page, 'drafts', 'all')).toHaveLength(0);
    expect(await idb<unknown[]>(page, 'evidence', 'all')).toHaveLength(files);
    await page.close();
  });
});
