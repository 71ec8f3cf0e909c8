import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api';
import { consoleLogin, launchBrowser } from '../support/browser';
import { createRecord, FieldApp, officerRig } from './pages/field';

/**
 * The legal section corrects a citation in the form editor and publishes; the phone gets the new
 * version on its next sync; a document that would still cite an unconfirmed clause is not
 * printed, and the officer is told whom to ask.
 */

describe('catalog editor', () => {
  let rig: Awaited<ReturnType<typeof officerRig>>;

  beforeAll(async () => {
    rig = await officerRig({ before: [1200, 900], after: [1200, 900] }, [3, 4]);
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('an administrator confirms a citation in the form and publishes; the phone follows and refuses to print what is still unconfirmed', async () => {
    const { server, profile, before, after } = rig;
    const browser = await launchBrowser();
    const admin = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await admin.newPage();
    await consoleLogin(page, server.url, 'admin');
    await page.goto(`${server.url}/console/admin/catalog`);
    await page.getByTestId('catalog-edit').click();
    await page.waitForURL(/\/console\/admin\/catalog\/edit$/);
    await page.getByRole('button', { name: /^SR-01 出店经营/ }).click();
    await expect.poll(() => page.getByRole('heading', { name: '事项 SR-01' }).count()).toBe(1);

    // Per-field messages from the shared schema; publishing waits until they are fixed.
    const name = page.getByLabel('事项名称');
    await name.fill('');
    await expect.poll(() => page.locator('p.error').first().textContent()).toContain('请填写');
    expect(await page.getByRole('button', { name: '发布为新版本' }).isDisabled()).toBe(true);
    await name.fill('出店经营');

    // The penalty clause still reads 待确认: it cannot be marked confirmed.
    const penalty = page.getByTestId('penaltyClause');
    await penalty.getByRole('checkbox').check();
    await expect
      .poll(() => penalty.locator('p.error').textContent())
      .toContain('条款文字仍标注“待核/待确认”，不能标记为已确认');
    await penalty.getByRole('checkbox').uncheck();

    // The legal section corrects and confirms the prohibiting clause.
    const prohibiting = page.getByTestId('prohibitingClause');
    await prohibiting.getByLabel('法律法规名称').fill('《城市市容和环境卫生管理条例》');
    await prohibiting.getByLabel('条款', { exact: true }).fill('第十四条');
    await prohibiting.getByRole('checkbox').check();
    await page.getByLabel('行政诉讼管辖法院').fill('六安市金安区人民法院');
    await page.getByRole('button', { name: '查看与已发布版本的差异' }).click();
    const diff = page.getByTestId('catalog-diff');
    await expect.poll(() => diff.textContent()).toContain('prohibitingClause.article');
    expect(await diff.textContent()).toContain('第十四条');
    expect(await diff.textContent()).toContain('bureau.remedies.court');
    const version = await page.getByLabel('新版本号').inputValue();
    await page.getByRole('button', { name: '发布为新版本' }).click();
    await expect
      .poll(() => page.getByTestId('catalog-published').textContent(), { timeout: 15_000 })
      .toContain(version);
    // Publishing the same version id again is refused, naming the field.
    await page.getByRole('button', { name: '发布为新版本' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('已存在');
    await browser.close();

    // The phone syncs and sees the corrected citation, still flagged where unconfirmed.
    const phone = await profile.context.newPage();
    const app = new FieldApp(phone, server.url);
    await app.open();
    await app.login('officer1');
    await app.waitSynced();
    const id = await createRecord(app, { before, after, item: ['出店', '出店经营'] });
    await app.waitSynced();
    const api = new ApiClient(server.url);
    await api.login('officer1');
    const record = (
      await api.json<{ record: { catalogVersion: string } }>('GET', `/api/records/${id}`)
    ).body.record;
    expect(record.catalogVersion).toBe(version);

    // The order to correct cites the penalty clause, still unconfirmed: refused, saying why.
    const order = phone.getByTestId('doc-orderToCorrect');
    await order.getByRole('button', { name: '打印' }).click();
    await expect
      .poll(() => phone.getByRole('alert').textContent())
      .toContain('本文书引用的条款尚未经法制科确认');
    expect(await phone.getByRole('alert').textContent()).toContain('请联系法制科或系统管理员');
    // The inspection record cites no clause and prints.
    const popup = phone.waitForEvent('popup');
    await phone.getByTestId('doc-inspectionRecord').getByRole('button', { name: '打印' }).click();
    expect((await popup).url()).toMatch(/^blob:/);
  });
});
