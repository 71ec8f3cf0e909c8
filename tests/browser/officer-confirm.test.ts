import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordDetail } from '$lib/sync/contract';
import { ApiClient, uploadedRecord } from '../support/api';
import { launchProfile } from '../support/browser';
import { startServer, type TestServer } from '../support/server';
import { FieldApp } from './pages/field';

/**
 * The second officer named on a colleague's record says, on their own phone and account, whether
 * they took part (ADR 0012): offline if need be, sent at the next sync, seen by the reviewer.
 */
describe('officer app: confirming a colleague’s record', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ env: { DEMO_SEED: '1', DEMO_RECORDS: '0' } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('officer2 confirms one record offline and denies another with a reason; both reach the server', async () => {
    const officer1 = new ApiClient(server.url);
    await officer1.login('officer1');
    const { record: shop } = await uploadedRecord(officer1);
    const { record: stall } = await uploadedRecord(officer1, {
      party: { kind: 'vehicle', plate: '皖N12345', driverName: '陈立' },
    });
    const pushed = await officer1.push([shop, stall]);
    expect(pushed.body.results.map((r) => r.status)).toEqual(['accepted', 'accepted']);

    const profile = await launchProfile();
    try {
      const page = await profile.context.newPage();
      const app = new FieldApp(page, server.url);
      await app.open();
      await app.login('officer2');
      await app.waitSynced();
      await expect
        .poll(() => page.getByTestId('confirmations-title').textContent())
        .toContain('待您确认的执法记录（2）');
      const cards = page.getByTestId('confirmation-card');
      const shopCard = cards.and(page.locator(`[data-record="${shop.id}"]`));
      const stallCard = cards.and(page.locator(`[data-record="${stall.id}"]`));
      // Enough to recognise the case, nothing that identifies the party.
      expect(await shopCard.textContent()).toContain('欧阳**');
      expect(await shopCard.textContent()).toContain('张伟 发送');
      expect(await stallCard.textContent()).toContain('皖N***45');
      expect(await page.content()).not.toContain('欧阳娜娜');
      expect(await page.content()).not.toContain('陈立');

      // No signal: the decision waits on the phone.
      await profile.context.setOffline(true);
      await shopCard.getByRole('button', { name: '我参与了' }).click();
      await shopCard.getByRole('button', { name: '确认参与' }).click();
      await shopCard.getByTestId('confirmation-queued').getByText('已确认参与，待同步').waitFor();

      // A denial needs a reason: the domain's rule, shown in the officer's words.
      await stallCard.getByRole('button', { name: '我未参与' }).click();
      await stallCard.getByRole('button', { name: '提交否认' }).click();
      await stallCard.getByRole('alert').getByText('否认参与时须说明情况').waitFor();
      await stallCard.getByLabel(/未参与的说明/).fill('当天本人在裕安区支援，未到现场');
      await stallCard.getByRole('button', { name: '提交否认' }).click();
      await stallCard.getByText('已否认参与，待同步').waitFor();

      // Signal back: the sync sends both, and the list empties.
      await profile.context.setOffline(false);
      await expect.poll(() => cards.count(), { timeout: 60_000 }).toBe(0);

      const supervisor = new ApiClient(server.url);
      await supervisor.login('supervisor1');
      const state = async (id: string) =>
        (await supervisor.json<RecordDetail>('GET', `/api/records/${id}`)).body.confirmations.find(
          (c) => c.userId === 'u-officer2',
        );
      expect(await state(shop.id)).toMatchObject({ state: 'confirmed' });
      expect(await state(stall.id)).toMatchObject({
        state: 'denied',
        reason: '当天本人在裕安区支援，未到现场',
      });
      expect(app.blocked).toEqual([]);
    } finally {
      await profile.close();
    }
  });
});
