import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLogin, dumpIndexedDb, launchBrowser, watchPage } from '../support/browser';
import { query } from '../support/db';
import { createRecord, FieldApp, officerRig } from './pages/field';

/**
 * Remote wipe end to end: an officer records a case with no signal; an administrator deactivates
 * the account in the console; when the phone is back online it sends the record, reports, and
 * empties itself; the console shows when.
 */
describe('remote wipe: deactivated in the console, the phone sends, then wipes', () => {
  let rig: Awaited<ReturnType<typeof officerRig>>;

  beforeAll(async () => {
    rig = await officerRig({ before: [800, 600], after: [600, 800] });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('sends the unsynced record, wipes the phone, and the console shows the wipe', async () => {
    const { server, profile, before, after } = rig;
    const page = await profile.context.newPage();
    const errors = watchPage(page);
    const app = new FieldApp(page, server.url);
    await app.open();
    await app.login('officer1');
    await app.waitSynced();
    await profile.context.setOffline(true);
    const recordId = await createRecord(app, { before, after });
    expect(recordId).toMatch(/^[0-9a-f-]{36}$/);

    const browser = await launchBrowser();
    try {
      const admin = await browser.newPage();
      await consoleLogin(admin, server.url, 'admin');
      await admin.goto(`${server.url}/console/admin/users`);
      await admin
        .getByRole('row')
        .filter({ hasText: 'officer1' })
        .getByRole('button', { name: '停用' })
        .click();
      await admin.getByTestId('devices').getByText('账号停用').waitFor();

      // Back online: the phone sends what it holds, then wipes itself.
      await profile.context.setOffline(false);
      await page.getByTestId('wiped').waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('wiped').textContent()).toContain('已全部送达服务器');
      const [stored] = await query(server, (run) =>
        run(`select count(*) as n from records where id = '${recordId}'`),
      );
      expect(Number(stored?.n)).toBe(1);
      // Read past the app: the phone's database holds nothing.
      const left = (await dumpIndexedDb(page)).reduce((n, s) => n + s.count, 0);
      expect(left).toBe(0);

      await admin.reload();
      const state = await admin
        .getByTestId('devices')
        .getByTestId('wipe-state')
        .first()
        .textContent();
      expect(state).toMatch(/已于 .* 清除（送出 1 条记录）/);
    } finally {
      await browser.close();
    }
    expect(errors).toEqual([]);
  });
});
