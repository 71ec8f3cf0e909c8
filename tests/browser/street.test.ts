import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../support/axe';
import { IDENTITY_FIELDS, KLM } from '../support/trace';
import { FieldApp, officerRig } from './pages/field';
import { shopFirstOffence } from './pages/street';

/**
 * Three minutes on the street (issue 17): the typical case within its tap, typing and time
 * budget, measured from the page's own interaction trace; and the defects an officer met in the
 * wizard, each held here.
 */
describe('officer app on the street', () => {
  let rig: Awaited<ReturnType<typeof officerRig>>;
  let app: FieldApp;

  beforeAll(async () => {
    rig = await officerRig({ before: [1600, 1200], after: [1600, 1200] });
    app = new FieldApp(await rig.profile.context.newPage(), rig.server.url);
  });
  /** Signed in once, by whichever test runs first (expect.poll needs a test around it). */
  let signedIn = false;
  async function signIn() {
    if (signedIn) return;
    await app.open();
    await app.login('officer1');
    await app.waitSynced();
    signedIn = true;
  }
  afterAll(async () => {
    await rig?.close();
  });

  it('records a first offence at a shop offline in at most 25 taps, 30 characters beyond the identity, and under 3 minutes by the keystroke-level model', async () => {
    await signIn();
    await rig.profile.context.setOffline(true);
    const result = await shopFirstOffence(app, rig, {
      name: '好运来便利店',
      uscc: '91350100M000100Y43',
    });
    await rig.profile.context.setOffline(false);
    const [finding] = result.parts;
    if (!finding) throw new Error('no trace');
    const s = finding.summary;
    console.log(
      `shop case: ${s.taps} taps (${s.touches} touches), ${s.fields} fields, ${s.typedChinese + s.typedOther} characters ` +
        `(${s.identityChars} of the identity), ${s.signatures} signatures, ${s.photos} photos; ` +
        `KLM ${finding.seconds.toFixed(0)} s (typing at half speed ${finding.slowSeconds.toFixed(0)} s)`,
    );
    expect(s.taps).toBeLessThanOrEqual(25);
    expect(s.typedChinese + s.typedOther - s.identityChars).toBeLessThanOrEqual(30);
    expect(finding.seconds).toBeLessThan(180);
    // The trace saw the case as it was: 3 signatures, 2 photos, the identity typed in full.
    expect(s.signatures).toBe(3);
    expect(s.photos).toBe(2);
    // Both taken with the in-app camera, without leaving the wizard.
    expect(s.systemPhotos).toBe(0);
    expect(s.identityChars).toBe('好运来便利店'.length + 18 + '周敏'.length + 11);
    expect(IDENTITY_FIELDS.has('b-uscc')).toBe(true);
    expect(KLM.M).toBe(1.35);
  });

  it('shows nothing wrong before it is known, and everything missing at once with a link to the very field', async () => {
    await signIn();
    const page = app.page;
    await app.open('/');
    await app.startPatrol();
    await app.chooseItem('出店', '出店经营');
    // "Saving" only while writing: once the draft is written the indicator rests.
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('已自动保存');

    // No party yet: the result is undetermined, not "not eligible".
    await page.getByRole('button', { name: '4 适用条件' }).click();
    await page.getByTestId('eval-party-pending').waitFor();
    expect(await page.getByTestId('branch').textContent()).toBe('尚未确定');

    // A name over the limit is said on the party step itself.
    await page.getByRole('button', { name: '2 当事人与现场' }).click();
    await page.getByRole('button', { name: '个人', exact: true }).click();
    await page.getByLabel('姓名').fill('欧'.repeat(51));
    await page
      .getByTestId('party-problems')
      .getByText(/超过 50 字的上限/)
      .waitFor();
    await page.getByLabel('姓名').fill('欧阳娜娜');
    await page.getByTestId('party-problems').waitFor({ state: 'detached' });
    await page.getByLabel('身份证号').fill('11010519491231002X');

    // Step 9 lists the photos with the signatures and names each open question.
    await page.getByRole('button', { name: '9 核对并完成' }).click();
    const issues = page.getByTestId('issues');
    await issues.getByText('至少需要一张违法现场照片').waitFor();
    await issues.getByText('两名执法人员都须签名').waitFor();
    await issues.getByText('尚未回答：危害后果轻微').waitFor();
    // Its link opens the conditions step at that question, focused.
    await issues
      .getByTestId('issue')
      .filter({ hasText: '危害后果轻微' })
      .getByRole('button', { name: '去修改' })
      .click();
    await expect
      .poll(() =>
        page.evaluate(
          () => document.activeElement?.closest('[data-field]')?.getAttribute('data-field') ?? '',
        ),
      )
      .toBe('answers.conditions.slightHarm');

    // On a small phone the finish button stays in view at the bottom of the last step.
    await page.setViewportSize({ width: 360, height: 640 });
    await page.getByRole('button', { name: '9 核对并完成' }).click();
    const finish = page.getByRole('button', { name: '完成并锁定记录' });
    const box = await finish.boundingBox();
    expect(box && box.y + box.height <= 640 && box.x >= 0 && box.x + box.width <= 360).toBe(true);
    // Step 1 shows more than one item above the fold.
    await page.getByRole('button', { name: '1 选择事项' }).click();
    const visible = await page
      .getByRole('list', { name: '清单事项' })
      .getByRole('button')
      .evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().bottom <= 640 - 70).length);
    expect(visible).toBeGreaterThanOrEqual(3);

    // The reason asked for on a first offence sits above the result card, not below it.
    await page.getByRole('button', { name: '4 适用条件' }).click();
    await page.getByTestId('exclusions-none').click();
    await page.getByTestId('conditions-all').click();
    await page.getByRole('button', { name: '5 改正' }).click();
    await page.getByRole('button', { name: '当场改正', exact: true }).click();
    await page
      .getByRole('group', { name: /告知承诺书/ })
      .getByRole('button', { name: '已签署' })
      .click();
    const reason = await page.getByLabel(/不予处罚的裁量理由/).boundingBox();
    const card = await page.getByTestId('evaluation').boundingBox();
    expect(reason && card && reason.y < card.y).toBe(true);
    // Drafted from the answers, ready to edit.
    expect(await page.getByLabel(/不予处罚的裁量理由/).inputValue()).toBe(
      '初次违法，危害后果轻微，已当场改正',
    );
  });

  it("offers the squad's street nearest the phone's fix, hands the phone round for the signatures (one signer at a time, full width, landscape allowed), and falls back to the system camera where there is none in the app", async () => {
    await signIn();
    const page = app.page;
    await page.setViewportSize({ width: 390, height: 844 });
    await app.open('/');
    await app.startPatrol();
    await app.chooseItem('出店', '出店经营');
    await page.getByRole('button', { name: '2 当事人与现场' }).click();
    await page.getByRole('button', { name: '个人', exact: true }).click();
    await page.getByLabel('姓名').fill('林小雨');
    // The fix is taken as the step opens; the squad's configured street nearest it is offered
    // (the demo's 人民路 point lies some 50 m from the test phone's position).
    await page
      .getByTestId('near-street')
      .getByText(/六安市金安区人民路（约 \d+ 米）/)
      .waitFor();
    await page
      .getByTestId('place-suggestions')
      .getByRole('button', { name: '六安市金安区人民路', exact: true })
      .click();
    expect(await page.getByLabel('违法地点').inputValue()).toBe('六安市金安区人民路');
    await page.getByRole('button', { name: '8 签名' }).click();
    await app.choosePartner('王喆');
    const handoff = page.getByTestId('handoff');
    // The party first, by name; the pad as wide as the page.
    expect(await handoff.getByTestId('handoff-to').textContent()).toContain('当事人：林小雨');
    expect(await handoff.getByTestId('handoff-progress').textContent()).toBe('已签 0/3');
    const pad = await page.getByTestId('sig-party-pad').boundingBox();
    expect(pad && pad.width >= 390 - 64 && pad.height >= 200).toBe(true);
    await app.sign('sig-party-pad', 'party-signature-status');
    // Then the phone goes to the officers, the next one named.
    expect(await handoff.getByTestId('handoff-to').textContent()).toMatch(/执法人员：/);
    expect(await handoff.getByTestId('handoff-progress').textContent()).toBe('已签 1/3');
    await app.sign('sig-officer1-pad', 'officer1-signature-status');
    expect(await handoff.getByTestId('handoff-to').textContent()).toContain('执法人员：王喆');
    // Turned sideways, full screen: the pad takes the screen's width and most of its height.
    await page.setViewportSize({ width: 844, height: 390 });
    await handoff.getByRole('button', { name: '全屏签名' }).click();
    const wide = await page.getByTestId('sig-officer2-pad').boundingBox();
    expect(wide && wide.width >= 844 - 64 && wide.height >= 390 * 0.45).toBe(true);
    await app.sign('sig-officer2-pad', 'officer2-signature-status');
    await handoff.getByTestId('handoff-done').waitFor();
    // A smudged signature is signed again on request, the others kept.
    await page.getByTestId('signers').getByRole('button', { name: '重签' }).first().click();
    expect(await handoff.getByTestId('handoff-to').textContent()).toContain('当事人：林小雨');
    await page.getByTestId('sig-party-pad').waitFor();
    await handoff.getByRole('button', { name: '取消' }).click();
    await handoff.getByTestId('handoff-done').waitFor();
    await page.setViewportSize({ width: 412, height: 915 });

    // The in-app camera on the evidence step; where the phone gives none, the step says so and
    // the system camera's buttons remain.
    await page.getByRole('button', { name: '7 证据照片' }).click();
    await page.locator('#shutter').waitFor();
    await page.getByRole('button', { name: '8 签名' }).click();
    await page.evaluate(() => {
      navigator.mediaDevices.getUserMedia = () =>
        Promise.reject(new DOMException('no camera', 'NotFoundError'));
    });
    await page.getByRole('button', { name: '7 证据照片' }).click();
    await page.getByTestId('camera-unavailable').waitFor();
    expect(await page.locator('#shutter').count()).toBe(0);
    expect(await page.getByTestId('camera-kind-before').count()).toBe(0);
    await page.locator('button', { hasText: '拍摄违法现场照片' }).waitFor();
  });

  it('passes axe on the changed screens at 360×640 and 390×844, in Chinese and in English', async () => {
    await signIn();
    const page = app.page;
    const violations: string[] = [];
    /** The screens at a small and a common phone size. */
    const bothSizes = async (lang: string) => {
      for (const [w, h] of [
        [360, 640],
        [390, 844],
      ] as const) {
        await page.setViewportSize({ width: w, height: h });
        await screens(lang, `${w}x${h}`);
      }
    };
    const screens = async (lang: string, size: string) => {
      const at = `${lang} ${size}`;
      const check = async (screen: string) => {
        const r = await audit(page, `${screen} ${at}`);
        violations.push(...r.violations.map((v) => `${screen} ${at}: ${v.id}`));
      };
      await app.page.getByRole('link', { name: lang === 'zh' ? '首页' : 'Home' }).click();
      await app.page.getByTestId('draft-card').first().waitFor();
      await check('home');
      await app.page.getByTestId('draft-card').first().getByRole('link').click();
      for (const [n, name] of [
        [2, 'party'],
        [4, 'conditions'],
        [5, 'correction'],
        [6, 'education'],
        [7, 'evidence'],
        [8, 'signatures'],
        [9, 'review'],
      ] as const) {
        await page
          .locator('.steps button')
          .nth(n - 1)
          .click();
        await page.waitForTimeout(100);
        await check(`step ${n} ${name}`);
      }
    };
    await bothSizes('zh');
    // English: words in their number and brackets of the language.
    await app.open('/settings');
    await page.getByRole('button', { name: 'English' }).click();
    // Shown in English once kept (the catalog loads on first use): a reload then opens in it.
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
    await app.open('/');
    await page.getByTestId('draft-card').first().getByRole('link').click();
    await page.locator('.steps button').first().click();
    await page
      .getByText('deadline at most 1 day', { exact: false })
      .first()
      .waitFor()
      .catch(async (e: unknown) => {
        throw new Error(
          `no English item card: ${(await page.locator('main').textContent()) ?? ''}`,
          {
            cause: e,
          },
        );
      });
    // (The list's own legal text keeps its Chinese brackets: it is data, not interface.)
    expect(await page.locator('main').textContent()).not.toMatch(/\b1 days\b|\(s\)/);
    await bothSizes('en');
    await app.open('/settings');
    await page.getByRole('button', { name: '中文' }).click();
    expect(violations).toEqual([]);
  });
});
