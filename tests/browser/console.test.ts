import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { amendmentOf, lockRecord } from '$lib/domain/record';
import type { PullResponse } from '$lib/sync/contract';
import { ApiClient, confirmTakingPart, resigned, sha256, uploadedRecord } from '../support/api';
import { consoleLogin, launchBrowser, slowScripts, watchPage } from '../support/browser';
import { startServer, type TestServer } from '../support/server';

describe('supervisor console', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ env: { DEMO_SEED: '1', DEMO_RECORDS: '0' } });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('review round trip: list, return with comment, amendment, approval, audit log', async () => {
    const officer = new ApiClient(server.url);
    await officer.login('officer1');
    const { record } = await uploadedRecord(officer, {
      party: {
        kind: 'business',
        name: '皖西土菜馆',
        address: '六安市金安区皖西路8号',
        uscc: '91350100M000100Y43',
      },
    });
    expect((await officer.push([record])).body.results[0]?.status).toBe('accepted');
    const cursor = (await officer.json<PullResponse>('GET', '/api/sync/pull')).body.cursor;

    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const blocked = watchPage(page);
    await consoleLogin(page, server.url, 'supervisor1');
    // The dashboard draws its charts under the Content-Security-Policy.
    await expect.poll(() => page.locator('canvas').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await page.getByRole('link', { name: '记录审核' }).click();
    await page.getByLabel('搜索（当事人、店名、车牌、地址）').fill('皖西土菜馆');
    await page.getByRole('button', { name: '筛选' }).click();
    const row = page.getByTestId('record-list').getByRole('row', { name: /皖西土菜馆/ });
    await row.getByRole('link', { name: '查看' }).click();
    await page.getByTestId('review-form').waitFor();
    // The boxes start unticked: the reviewer confirms each item, the system only hints.
    const boxes = page.getByTestId('review-form').getByRole('checkbox');
    expect(await boxes.count()).toBe(7);
    for (const box of await boxes.all()) expect(await box.isChecked()).toBe(false);
    await page.getByLabel(/审核意见/).fill('请补充现场照片的拍摄角度说明。');
    await page.getByRole('button', { name: '退回修改' }).click();
    await page.getByText('已退回修改，执法队员下次同步时收到').waitFor();
    expect(await page.getByTestId('review-state').textContent()).toBe('已退回修改');

    // The officer's phone pulls the comment.
    const pulled = await officer.json<PullResponse>('GET', `/api/sync/pull?cursor=${cursor}`);
    const review = pulled.body.changes.find((c) => c.kind === 'review');
    expect(review).toMatchObject({
      kind: 'review',
      review: {
        recordId: record.id,
        action: 'return',
        comment: '请补充现场照片的拍摄角度说明。',
        reviewState: 'returned',
      },
    });

    // The amended version arrives (the facts changed, so everyone signed again) and is reviewed
    // again. It carries a system flag (its document numbers were not reserved for the device).
    const v2 = await lockRecord(
      await resigned(
        officer,
        { ...amendmentOf(record, '按审核意见补充'), facts: `${record.facts}照片自店门正面拍摄。` },
        'v2',
      ),
    );
    expect((await officer.push([v2])).body.results[0]?.status).toBe('accepted');
    await page.reload();
    expect(await page.getByTestId('review-state').textContent()).toBe('待审核');
    await page.getByTestId('timeline').getByText('第 2 版同步到服务器（修订）').waitFor();
    await page.getByTestId('flags').waitFor();
    await page.getByTestId('flags-need-comment').waitFor();

    // Approving needs every item ticked, and, for a flagged version, a comment. (The browser's
    // own check asks for the comment first; the server refuses without one too, shown here.)
    await page.getByLabel(/审核意见/).evaluate((el) => el.removeAttribute('required'));
    await page.getByRole('button', { name: '审核通过' }).click();
    await page
      .getByTestId('review-error')
      .getByText(/逐项确认审核要点/)
      .waitFor();
    expect(await page.getByTestId('review-state').textContent()).toBe('待审核');
    for (const box of await page.getByTestId('review-form').getByRole('checkbox').all())
      await box.check();
    await page.getByLabel(/审核意见/).evaluate((el) => el.removeAttribute('required'));
    await page.getByRole('button', { name: '审核通过' }).click();
    await page
      .getByTestId('review-error')
      .getByText(/系统标记/)
      .waitFor();
    expect(await page.getByTestId('review-state').textContent()).toBe('待审核');
    // The second officer has not confirmed taking part yet: the reviewer is told, and the
    // server refuses the approval until they do (on their own account).
    await page.getByTestId('confirmations-waiting').waitFor();
    const confirmations = page.getByTestId('confirmations');
    expect(await confirmations.locator('tr[data-state="requested"]').textContent()).toContain(
      '王喆',
    );
    for (const box of await page.getByTestId('review-form').getByRole('checkbox').all())
      await box.check();
    await page.getByLabel(/审核意见/).fill('编号为测试号段，已向法制科核实。');
    await page.getByRole('button', { name: '审核通过' }).click();
    await page
      .getByTestId('review-error')
      .getByText(/未确认参与/)
      .waitFor();
    await confirmTakingPart(server.url, record.id);
    await page.reload();
    expect(await confirmations.locator('tr[data-state="confirmed"]').count()).toBe(2);
    expect(await page.getByTestId('confirmations-waiting').count()).toBe(0);
    for (const box of await page.getByTestId('review-form').getByRole('checkbox').all())
      await box.check();
    await page.getByLabel(/审核意见/).fill('编号为测试号段，已向法制科核实。');
    await page.getByRole('button', { name: '审核通过' }).click();
    await page.getByText('已审核通过').first().waitFor();
    expect(await page.getByTestId('review-state').textContent()).toBe('审核通过');
    expect(blocked).toEqual([]);
    await page.close();

    const admin = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await consoleLogin(admin, server.url, 'admin');
    await admin.getByRole('link', { name: '审计日志' }).click();
    const audit = admin.getByTestId('audit');
    for (const label of ['退回修改', '确认参与', '审核通过', '登录'])
      await audit.getByText(label, { exact: true }).first().waitFor();
    const actions = await audit
      .locator('td[data-action]')
      .evaluateAll((tds) => tds.map((td) => td.getAttribute('data-action')));
    expect(actions).toEqual(
      expect.arrayContaining(['review.return', 'confirmation.confirm', 'review.approve', 'login']),
    );
    // The approval's comment is kept with it.
    await audit
      .getByText(/编号为测试号段，已向法制科核实。/)
      .first()
      .waitFor();
    await admin.close();
  });

  it('scopes pages, photos and exports; officers and strangers stay out', async () => {
    const officer = new ApiClient(server.url);
    await officer.login('officer1');
    const { record, files } = await uploadedRecord(officer);
    await officer.push([record]);

    const other = await browser.newPage();
    await consoleLogin(other, server.url, 'supervisor2');
    const recordPage = await other.goto(`${server.url}/console/records/${record.id}`);
    expect(recordPage?.status()).toBe(403);
    const photo = await other.goto(`${server.url}/api/blobs/${sha256(files[0] as Uint8Array)}`);
    expect(photo?.status()).toBe(404);
    const exportRes = await other.goto(
      `${server.url}/console/reports/export?format=csv&squad=sq-jinan`,
    );
    expect(exportRes?.status()).toBe(403);
    await other.close();

    const officerPage = await browser.newPage();
    await officerPage.goto(`${server.url}/console/login`);
    await officerPage.getByLabel('用户名').fill('officer1');
    await officerPage.getByLabel('密码').fill('demo1234');
    await officerPage.getByRole('button', { name: '登录' }).click();
    await officerPage
      .getByRole('alert')
      .getByText(/执法队员请使用手机端应用/)
      .waitFor();
    await officerPage.close();
    // An officer's session (from the phone) cannot open console pages either.
    const res = await fetch(`${server.url}/console/records`, {
      headers: { cookie: (officer as unknown as { cookie: string }).cookie },
      redirect: 'manual',
    });
    expect(res.status).toBe(403);

    const anonymous = await fetch(`${server.url}/console/records/${record.id}`, {
      redirect: 'manual',
    });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toContain('/console/login?next=');
  });
  it('keeps what is typed while the page is still loading its scripts', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    // A slow line: the page is drawn and typed into well before its scripts wake it up.
    const arrived = await slowScripts(page);
    await page.goto(`${server.url}/console/login`, { waitUntil: 'commit' });
    await page.getByLabel('用户名').fill('supervisor1');
    await page.getByLabel('密码').fill('demo1234');
    expect(arrived()).toBe(0);
    await page.waitForLoadState('networkidle');
    expect(arrived()).toBeGreaterThan(0);
    expect(await page.getByLabel('用户名').inputValue()).toBe('supervisor1');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${server.url}/console`);
    await page.close();
  });
  it('keeps filters typed or chosen while the list is still loading its scripts; clearing empties them', async () => {
    const officer = new ApiClient(server.url);
    await officer.login('officer1');
    const { record } = await uploadedRecord(officer, {
      party: {
        kind: 'business',
        name: '淠河茶社',
        address: '六安市金安区淠河路3号',
        uscc: '91341500MA2N0001XH',
      },
    });
    expect((await officer.push([record])).body.results[0]?.status).toBe('accepted');

    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await consoleLogin(page, server.url, 'supervisor1');
    const arrived = await slowScripts(page);
    await page.goto(`${server.url}/console/records`, { waitUntil: 'commit' });
    const search = page.getByLabel('搜索（当事人、店名、车牌、地址）');
    const state = page.locator('select#state');
    await search.fill('淠河茶社');
    await state.selectOption('pending');
    expect(arrived()).toBe(0);
    await page.waitForLoadState('networkidle');
    expect(arrived()).toBeGreaterThan(0);
    expect(await search.inputValue()).toBe('淠河茶社');
    expect(await state.inputValue()).toBe('pending');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForURL(/[?&]state=pending/);
    const rows = page.getByTestId('record-list').getByRole('row');
    await rows.filter({ hasText: '淠河茶社' }).first().waitFor();
    expect(await search.inputValue()).toBe('淠河茶社');
    // Clearing the filters (a navigation inside the page) empties the box as well as the list.
    await page.getByRole('link', { name: '清除' }).click();
    await page.waitForURL(`${server.url}/console/records`);
    await expect.poll(() => search.inputValue()).toBe('');
    expect(await state.inputValue()).toBe('');
    await page.close();
  });
  it('keeps the month, squad and audit action chosen while the page is still loading', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await consoleLogin(page, server.url, 'supervisor1');
    const arrived = await slowScripts(page);
    await page.goto(`${server.url}/console`, { waitUntil: 'commit' });
    const month = page.locator('input#month');
    const squad = page.locator('select#squad');
    await month.fill('2026-10');
    const squads = await squad
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    const chosen = squads[1] ?? '';
    expect(chosen).not.toBe('');
    await squad.selectOption(chosen);
    expect(arrived()).toBe(0);
    await page.waitForLoadState('networkidle');
    expect(await month.inputValue()).toBe('2026-10');
    expect(await squad.inputValue()).toBe(chosen);
    await page.getByRole('button', { name: '查看' }).click();
    await page.waitForURL((u) => u.searchParams.get('month') === '2026-10');
    expect(new URL(page.url()).searchParams.get('squad')).toBe(chosen);
    expect(await squad.inputValue()).toBe(chosen);

    await page.close();

    // The audit log is the administrators'.
    const admin = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await consoleLogin(admin, server.url, 'admin');
    await slowScripts(admin);
    await admin.goto(`${server.url}/console/audit`, { waitUntil: 'commit' });
    const action = admin.getByLabel('操作', { exact: true });
    await action.selectOption('login');
    await admin.waitForLoadState('networkidle');
    expect(await action.inputValue()).toBe('login');
    await admin.getByRole('button', { name: '筛选' }).click();
    await admin.waitForURL(/[?&]action=login/);
    expect(await action.inputValue()).toBe('login');
    await admin.close();
  });
  it('administration forms keep what is typed before the page wakes up, and show what was saved', async () => {
    const admin = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await consoleLogin(admin, server.url, 'admin');

    // Document numbers: a word typed on arrival survives the scripts, is saved, and stays shown.
    const arrived = await slowScripts(admin);
    await admin.goto(`${server.url}/console/admin/numbers`, { waitUntil: 'commit' });
    const word = admin.locator('#f-orderToCorrect input[name="word"]');
    const before = await word.inputValue();
    await word.fill('试改字');
    expect(arrived()).toBe(0);
    await admin.waitForLoadState('networkidle');
    expect(arrived()).toBeGreaterThan(0);
    expect(await word.inputValue()).toBe('试改字');
    const row = admin.getByRole('row').filter({ has: admin.locator('#f-orderToCorrect') });
    await row.getByRole('button', { name: '保存' }).click();
    await admin.getByRole('status').filter({ hasText: '已保存' }).waitFor();
    await expect.poll(() => row.getByRole('cell').nth(2).textContent()).toContain('试改字');
    expect(await word.inputValue()).toBe('试改字');
    await word.fill(before);
    await row.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => row.getByRole('cell').nth(2).textContent()).not.toContain('试改字');

    // A user's squad chosen on arrival survives the scripts; after a save, and a second save of
    // the same choice, the list shows what is stored (not the form's first option).
    await admin.goto(`${server.url}/console/admin/users`, { waitUntil: 'commit' });
    const officer = admin.getByRole('row').filter({ hasText: 'officer2' });
    const squad = officer.getByLabel('所属中队');
    const original = await squad.inputValue();
    const other = (
      await squad
        .locator('option')
        .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))
    ).find((v) => v && v !== original);
    expect(other).toBeTruthy();
    await squad.selectOption(other ?? '');
    await admin.waitForLoadState('networkidle');
    expect(await squad.inputValue()).toBe(other);
    for (let i = 0; i < 2; i++) {
      await officer.getByRole('button', { name: '保存' }).click();
      await admin.getByTestId('user-updated').filter({ hasText: 'officer2' }).waitFor();
      await admin.waitForLoadState('networkidle');
      expect(await squad.inputValue()).toBe(other);
    }
    await admin.reload();
    expect(await squad.inputValue()).toBe(other);
    await squad.selectOption(original);
    await officer.getByRole('button', { name: '保存' }).click();
    await admin.getByTestId('user-updated').waitFor();
    await admin.reload();
    expect(await squad.inputValue()).toBe(original);

    // The list editor is its script: until it runs, its boxes take no typing it would drop.
    const slow = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await slow.context().addCookies(await admin.context().cookies());
    const editorArrived = await slowScripts(slow);
    await slow.goto(`${server.url}/console/admin/catalog/edit`, { waitUntil: 'commit' });
    const version = slow.locator('#c-version');
    await version.waitFor({ state: 'attached' });
    expect(editorArrived()).toBe(0);
    expect(await version.isDisabled()).toBe(true);
    await slow.waitForLoadState('networkidle');
    await expect.poll(() => version.isDisabled()).toBe(false);
    await slow.close();
    await admin.close();
  });
  it('speaks English when asked, and Chinese again after', async () => {
    const officer = new ApiClient(server.url);
    await officer.login('officer1');
    const { record } = await uploadedRecord(officer);
    await officer.push([record]);

    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await page.goto(`${server.url}/console/login`);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByLabel('User name').fill('supervisor1');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('Wrong user name or password').waitFor();
    await page.getByLabel('Password').fill('demo1234');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The wrong password a moment ago is told to the owner once signed in.
    await page.waitForURL(`${server.url}/console?failed=1`);
    await page.getByRole('heading', { name: /^No-penalty statistics/ }).waitFor();
    expect(await page.getByTestId('failed-sign-ins').textContent()).toContain(
      'Failed sign-in attempts on your account since your last sign-in: 1.',
    );

    // Interface text carries no Chinese; data (item names, places, parties) stays as recorded.
    const han = /[\u4e00-\u9fff]/;
    const interfaceText = () =>
      page
        .locator('h2, th, label, button, .hint:not(td .hint)')
        .evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()))
        // A legal basis cites the law and the list item by their (Chinese) names: data.
        .then((texts) => texts.map((s) => s.replace(/^\(basis: .*\)$/, '(basis)')));
    await page.getByRole('link', { name: 'Records', exact: true }).click();
    await page.getByRole('heading', { name: 'Record review' }).waitFor();
    expect((await interfaceText()).filter((s) => han.test(s) && s !== '中文')).toEqual([]);

    await page.goto(`${server.url}/console/records/${record.id}`);
    await page.getByRole('button', { name: 'Return for changes' }).waitFor();
    expect(await page.getByTestId('review-state').textContent()).toBe('Pending review');
    await page.getByTestId('timeline').getByText('Version 1 synced to the server').waitFor();
    expect((await interfaceText()).filter((s) => han.test(s) && s !== '中文')).toEqual([]);

    await page.getByRole('button', { name: '中文' }).click();
    await page.waitForURL(`${server.url}/console/records/${record.id}`);
    expect(await page.getByTestId('review-state').textContent()).toBe('待审核');
    await page.close();
  });
});
