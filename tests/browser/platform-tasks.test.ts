import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLogin, launchProfile, watchPage } from '../support/browser';
import { DEMO_PLATFORM_KEY } from '$lib/server/demo/seed';
import { platformTaskDetailSchema } from '$lib/sync/contract';
import { createRecord, FieldApp, officerRig } from './pages/field';

/**
 * Front-end discovery, back-end handling (issue 19): the city platform sends a case, a
 * supervisor dispatches it in the console (a browser of their own), the officer's phone shows it
 * on the home screen, the officer records the case from it with no network, the record syncs
 * when the signal returns, and the console shows it handled with the record and its result
 * waiting for the platform.
 */
describe('a task from the city platform, dispatched and handled', () => {
  let rig: Awaited<ReturnType<typeof officerRig>>;
  let desk: Awaited<ReturnType<typeof launchProfile>>;

  beforeAll(async () => {
    rig = await officerRig({ before: [1600, 1200], after: [1600, 1200] }, [5, 6]);
    desk = await launchProfile();
  });
  afterAll(async () => {
    await desk?.close();
    await rig?.close();
  });

  it('dispatched in the console, recorded from the phone, closed with its record', async () => {
    const { server, profile, before, after } = rig;
    const caseId = '12319-2026-1202-0501';
    const sent = await fetch(`${server.url}/api/platform/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_PLATFORM_KEY}` },
      body: JSON.stringify({
        caseId,
        source: 'hotline',
        place: { address: '六安市金安区皖西路8号' },
        description: '市民来电：有人推车在人行道上卖水果。',
        suspectedItemCode: 'SR-02',
        dueAt: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    });
    expect(sent.status).toBe(201);

    // The supervisor dispatches it to officer1 (张伟) and officer2 (王喆) of 金安区中队.
    const desktop = await desk.context.newPage();
    const consoleErrors = watchPage(desktop);
    await consoleLogin(desktop, server.url, 'supervisor1');
    await desktop.goto(`${server.url}/console/tasks`);
    const row = desktop.getByTestId('task-row').filter({ hasText: caseId });
    await row.getByLabel('主办').selectOption({ label: '张伟' });
    await row.getByLabel('协办').selectOption({ label: '王喆' });
    await row.getByRole('button', { name: '派发' }).click();
    await expect.poll(() => desktop.getByRole('status').textContent()).toContain('已派发');

    // The officer's phone: the task on the home screen after the first sync.
    const page = await profile.context.newPage();
    const errors = watchPage(page);
    const app = new FieldApp(page, server.url);
    await app.open();
    await app.login('officer1');
    await app.waitSynced();
    const card = page.getByTestId('task-card').filter({ hasText: caseId });
    await expect.poll(() => card.textContent(), { timeout: 30_000 }).toContain('皖西路8号');

    // On the street with no signal: the app opened again offline still has the task, and the
    // officer records the case from it; it waits on the phone.
    await profile.context.setOffline(true);
    await app.reload();
    await expect.poll(() => page.getByTestId('sync-banner').textContent()).toContain('当前离线');
    await expect
      .poll(() => page.getByTestId('task-card').filter({ hasText: caseId }).count())
      .toBe(1);
    const id = await createRecord(app, { before, after, fromTask: caseId });
    expect(id).not.toBe('');
    expect(await page.getByTestId('record-state').textContent()).toBe('待同步');
    // The server has not heard of it yet: the task is still with the officers.
    const waiting = platformTaskDetailSchema.parse(
      await (
        await fetch(`${server.url}/api/platform/tasks/${caseId}`, {
          headers: { authorization: `Bearer ${DEMO_PLATFORM_KEY}` },
        })
      ).json(),
    );
    expect(waiting.task.state).toBe('assigned');
    expect(waiting.result).toBeNull();

    // Signal again: the record syncs and closes the task.
    await profile.context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect
      .poll(() => page.getByTestId('record-state').textContent(), { timeout: 60_000 })
      .toBe('已同步');
    // Done on the phone: no longer among its tasks.
    await page.getByRole('link', { name: '首页' }).first().click();
    await expect
      .poll(() => page.getByTestId('task-card').filter({ hasText: caseId }).count())
      .toBe(0);

    // The console: handled, with the record.
    await desktop.goto(`${server.url}/console/tasks?state=handled`);
    const handled = desktop.getByTestId('task-row').filter({ hasText: caseId });
    await expect
      .poll(() => handled.getByRole('link', { name: '记录' }).getAttribute('href'))
      .toBe(`/console/records/${id}`);
    // Its result waits for the platform, which polls (the demo's system has no webhook).
    expect(await handled.getByTestId('task-delivery').getAttribute('data-state')).toBe(
      'awaitingPull',
    );
    expect(await handled.getByTestId('task-delivery').textContent()).toContain('等待平台拉取');
    expect(errors).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
