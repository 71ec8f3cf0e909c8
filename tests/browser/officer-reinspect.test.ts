import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockedRecord } from '$lib/domain/record';
import { ApiClient } from '../support/api';
import { FieldApp, officerRig } from './pages/field';
import { watchPage } from '../support/browser';

describe('officer app: correction by a deadline, then the re-inspection', () => {
  let rig: Awaited<ReturnType<typeof officerRig>>;

  beforeAll(async () => {
    rig = await officerRig({ before: [1600, 1200], after: [1600, 1200] }, [7, 8]);
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('a deadline record waits as pending, is re-inspected offline as corrected, and syncs as version 2', async () => {
    const { server, profile, before, after } = rig;
    const page = await profile.context.newPage();
    const errors = watchPage(page);
    const app = new FieldApp(page, server.url);
    await app.open();
    await app.login('officer1');
    await app.waitSynced();

    // A shop trading beyond its door, told to clear it by tomorrow.
    await app.startPatrol();
    await app.chooseItem('出店', '出店经营');
    await app.fillPerson({
      name: '欧阳娜娜',
      id: '340102199003071232',
      mobile: '13800138000',
      address: '六安市金安区人民路66号',
      facts: '当事人在店门外人行道摆放货架经营，占用约3平方米。',
    });
    await app.next();
    await app.passFirstOffence();
    await app.answerEligible();
    await app.next();
    await page.getByRole('button', { name: '限期改正', exact: true }).click();
    await page.getByLabel(/改正期限/).waitFor();
    await page
      .getByRole('group', { name: /告知承诺书/ })
      .getByRole('button', { name: '已签署' })
      .click();
    // Nothing is decided until the re-inspection.
    await expect.poll(() => page.getByTestId('branch').textContent()).toBe('待复查（限期改正中）');
    await page.getByLabel(/不予处罚的裁量理由/).fill('首次违法，承诺次日前改正');
    await app.next();
    await app.educate();
    await app.next();
    await app.addPhoto('before', before);
    await app.next();
    await app.signAll('王喆');
    await app.next();
    const id = await app.finish();
    await expect
      .poll(() => page.getByTestId('record-state').textContent(), { timeout: 60_000 })
      .toBe('已同步');

    const supervisor = new ApiClient(server.url);
    await supervisor.login('supervisor1');
    const v1 = await supervisor.json<{ record: LockedRecord; versions: unknown[] }>(
      'GET',
      `/api/records/${id}`,
    );
    expect(v1.body.record.followUp).toBe('pending');
    expect(v1.body.record.evaluation.branch).toBe('pendingCorrection');
    expect(v1.body.record.documents.map((d) => d.docType)).not.toContain('noPenaltyDecision');

    // The next day, in a basement with no signal: the task is on the home screen.
    await profile.context.setOffline(true);
    await app.open('/');
    await page.getByRole('heading', { name: '待复查（1）' }).waitFor();
    await page.getByRole('link', { name: '复查', exact: true }).click();
    await page.getByRole('heading', { name: '复查', exact: true }).waitFor();

    // The deadline day is not over: "not corrected" cannot be recorded yet.
    expect(await page.getByRole('button', { name: '未改正', exact: true }).isDisabled()).toBe(true);
    await page.getByTestId('not-yet-due').waitFor();
    await page.getByRole('button', { name: '已改正', exact: true }).click();
    // A broken commitment can be recorded; taken back here, it changes nothing.
    await page.getByLabel('当事人违反承诺或再次违法').check();
    await page.getByTestId('broken').waitFor();
    await page.getByLabel('当事人违反承诺或再次违法').uncheck();
    await expect.poll(() => page.getByTestId('broken').count()).toBe(0);
    await app.addPhoto('after', after);
    // The photo of the violation belongs to the locked version: it cannot be deleted here. A new
    // photo can, after a second tap; cancelling keeps it.
    const photos = page.getByTestId('photos').locator('li');
    await expect.poll(() => photos.count()).toBe(2);
    expect(await photos.nth(0).getByTestId('photo-locked').count()).toBe(1);
    expect(await photos.nth(0).getByTestId('photo-delete').count()).toBe(0);
    await photos.nth(1).getByTestId('photo-delete').click();
    await photos.nth(1).getByRole('alertdialog', { name: '删除这张照片？' }).waitFor();
    await photos.nth(1).getByRole('button', { name: '取消' }).click();
    expect(await photos.count()).toBe(2);
    await page.getByLabel('复查情况').fill('货架已搬回店内，门前通道畅通。');
    // Refused while a signature is missing: the record stays unchanged.
    const select = page.getByLabel('第二名执法人员');
    const partner = await select.evaluate(
      (el) => [...(el as HTMLSelectElement).options].find((o) => o.text.includes('王喆'))?.value,
    );
    await select.selectOption(partner ?? '');
    await app.draw('re-sig1-pad');
    await page.getByRole('button', { name: '确认签名' }).first().click();
    await page.getByText('已签名 1/2').waitFor();
    await page.getByRole('button', { name: '完成复查' }).click();
    await page.getByRole('alert').getByText('复查须由两名执法人员签名').waitFor();
    await app.draw('re-sig2-pad');
    await page.getByRole('button', { name: '确认签名' }).nth(1).click();
    await page.getByText('已签名 2/2').waitFor();
    await page.getByRole('button', { name: '完成复查' }).click();
    await page.getByText('记录已完成并锁定').waitFor({ timeout: 30_000 });
    expect(page.url()).toContain(`/records/${id}`);

    // Signal again: version 2 reaches the server with the re-inspection and its documents.
    await profile.context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect
      .poll(() => page.getByTestId('record-state').textContent(), { timeout: 60_000 })
      .toBe('已同步');
    const v2 = await supervisor.json<{
      record: LockedRecord;
      versions: unknown[];
      confirmations: { officerName: string; part: string; state: string }[];
    }>('GET', `/api/records/${id}`);
    expect(v2.body.versions).toHaveLength(2);
    const record = v2.body.record;
    expect(record.followUp).toBe('corrected');
    expect(record.reinspection).toMatchObject({
      result: 'corrected',
      note: '货架已搬回店内，门前通道畅通。',
    });
    expect(record.reinspection?.officers?.map((o) => o.name)).toContain('王喆');
    expect(record.evidence.map((e) => e.kind)).toEqual(['before', 'after']);
    expect(record.documents.map((d) => d.docType)).toEqual(
      expect.arrayContaining(['reinspectionRecord', 'noPenaltyDecision']),
    );
    // The re-inspection's second officer is asked too; the sender confirmed by sending. The
    // sender's phone shows where the colleague stands.
    expect(v2.body.confirmations.map((c) => [c.officerName, c.part, c.state])).toEqual([
      ['张伟', 'inspection', 'confirmed'],
      ['王喆', 'inspection', 'requested'],
      ['张伟', 'reinspection', 'confirmed'],
      ['王喆', 'reinspection', 'requested'],
    ]);
    const onPhone = page.getByTestId('record-confirmations');
    await expect.poll(() => onPhone.locator('li[data-state="requested"]').count()).toBe(2);
    expect(await onPhone.textContent()).toContain('复查');
    // The task is gone from the home screen.
    await app.open('/');
    await page.getByRole('heading', { name: '待复查（0）' }).waitFor();
    expect(errors).toEqual([]);
    expect(app.blocked).toEqual([]);
  });
});
