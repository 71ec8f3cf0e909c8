import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, uploadedRecord } from '../support/api';
import { audit } from '../support/axe';
import { launchProfile } from '../support/browser';
import { startServer, type TestServer } from '../support/server';
import { FieldApp, makeJpeg } from './pages/field';

/**
 * Our own equivalent of the Lighthouse PWA and accessibility audits: an installable manifest,
 * an offline start URL, and axe-core (WCAG 2.2 A/AA, including colour contrast, labels and
 * target sizes) on every screen of the officer app.
 */
describe('installable, offline, accessible officer app', () => {
  let server: TestServer;
  let profile: Awaited<ReturnType<typeof launchProfile>>;
  const photos = mkdtempSync(join(tmpdir(), 'pb-q-'));

  beforeAll(async () => {
    server = await startServer({ env: { DEMO_SEED: '1', DEMO_RECORDS: '0' } });
    profile = await launchProfile();
    await makeJpeg(profile.context, join(photos, 'p.jpg'), 1200, 900, 5);
  });
  afterAll(async () => {
    await profile?.close();
    await server?.stop();
    rmSync(photos, { recursive: true, force: true });
  });

  it('has an installable manifest with the icons a phone needs', async () => {
    const res = await fetch(`${server.url}/manifest.webmanifest`);
    const m = (await res.json()) as {
      name: string;
      short_name: string;
      start_url: string;
      display: string;
      theme_color: string;
      icons: { src: string; sizes: string; purpose: string }[];
    };
    expect(m).toMatchObject({
      name: '柔性执法助手',
      short_name: '柔性执法',
      start_url: '/',
      display: 'standalone',
      theme_color: '#0b5394',
    });
    for (const [size, purpose] of [
      ['192x192', 'any'],
      ['512x512', 'any'],
      ['512x512', 'maskable'],
    ]) {
      const icon = m.icons.find((i) => i.sizes === size && i.purpose === purpose);
      expect(icon, `${size} ${purpose}`).toBeDefined();
      const png = new Uint8Array(await (await fetch(`${server.url}${icon?.src}`)).arrayBuffer());
      const view = new DataView(png.buffer);
      expect(`${view.getUint32(16)}x${view.getUint32(20)}`).toBe(size);
    }
  });

  it('starts offline from the start URL and passes axe on every screen', async () => {
    const page = await profile.context.newPage();
    const app = new FieldApp(page, server.url);
    await app.open();
    await page.getByLabel('用户名').waitFor();
    expect((await audit(page, 'login')).violations).toEqual([]);
    // The language can be chosen before signing in.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByLabel('Username').waitFor();
    expect((await audit(page, 'login (English)')).violations).toEqual([]);
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByLabel('用户名').waitFor();
    // A colleague's record naming officer1: the home screen shows the request to confirm.
    const colleague = new ApiClient(server.url);
    await colleague.login('officer2');
    const { record } = await uploadedRecord(colleague);
    expect((await colleague.push([record])).body.results[0]?.status).toBe('accepted');
    await app.login('officer1');
    await app.waitSynced();
    await page.getByTestId('confirmation-card').waitFor();
    await profile.context.setOffline(true);
    const offline = await page.goto(`${server.url}/`);
    expect(offline?.status()).toBe(200);
    // A page load drops the data key: the PIN screen first (ADR 0018).
    await page.getByRole('button', { name: '解锁', exact: true }).waitFor();
    expect((await audit(page, 'unlock')).violations).toEqual([]);
    await app.unlockIfLocked();
    await page.getByRole('button', { name: '开始巡查记录' }).waitFor();

    const screens: string[] = [];
    const violations: string[] = [];
    const passed = new Set<string>();
    const check = async (screen: string) => {
      const r = await audit(page, screen);
      screens.push(screen);
      violations.push(...r.violations.map((v) => `${screen}:${v.id}`));
      for (const p of r.passes) passed.add(p.id);
    };
    await check('home');
    await app.startPatrol();
    await app.chooseItem('摆摊', '流动摊点占道经营');
    await page.getByRole('button', { name: '上一步' }).click();
    await page.getByTestId('chosen-item').waitFor();
    await check('wizard 1 item');
    await app.next();
    await app.fillPerson({
      name: '李堃',
      id: '340102199003071232',
      mobile: '13800138000',
      address: '六安市皖西路',
      facts: '摆摊。',
    });
    await check('wizard 2 party');
    for (const [i, name] of [
      'first offence',
      'conditions',
      'correction',
      'education',
      'evidence',
      'signatures',
      'review',
    ].entries()) {
      // Each step by its number (the first-offence step passes by itself after "next").
      await page
        .locator('.steps button')
        .nth(i + 2)
        .click();
      if (name === 'conditions') await app.answerEligible();
      if (name === 'correction') await app.correctOnTheSpot();
      if (name === 'evidence') await app.addPhoto('before', join(photos, 'p.jpg'));
      await check(`wizard ${i + 3} ${name}`);
    }
    await app.open('/settings');
    await page.getByTestId('storage-usage').waitFor();
    await check('settings');

    // English, chosen on the device, survives a reload; dates follow the language.
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
    await app.open('/');
    await page.getByRole('button', { name: 'New patrol record' }).waitFor();
    const updated = (await page.getByTestId('draft-card').first().textContent()) ?? '';
    expect(updated).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(updated).not.toMatch(/\d+年\d+月/);
    await check('home (English)');
    await app.open('/settings');
    await page.getByRole('button', { name: '中文' }).click();
    // The choice is kept before the page switches: leave only once it has switched.
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await app.open('/');
    await page.getByRole('button', { name: '开始巡查记录' }).waitFor();
    expect(await page.getByTestId('draft-card').first().textContent()).toMatch(/\d+年\d+月\d+日/);
    console.log(
      `axe: ${screens.length} screens, ${violations.length} violations, ${passed.size} rules passed`,
    );
    expect(violations).toEqual([]);
    // The audits that matter on the street actually ran and passed.
    for (const rule of [
      'color-contrast',
      'target-size',
      'label',
      'button-name',
      'image-alt',
      'html-has-lang',
    ]) {
      expect(passed, rule).toContain(rule);
    }
  });
});
