import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { audit, type AxeResult } from '../support/axe';
import { consoleLogin, launchBrowser } from '../support/browser';
import { startServer, type TestServer } from '../support/server';

/**
 * The console is used all day by supervisors and the legal section: axe (WCAG 2.2 A/AA and best
 * practice) on each of its screens, with demo data, in Chinese and in English.
 */

describe('accessible console', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ env: { DEMO_SEED: '1', DEMO_RECORDS: '120' } });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('passes axe on every console screen', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const violations: AxeResult['violations'] = [];
    const passed = new Set<string>();
    let screens = 0;
    const check = async (screen: string) => {
      await page.waitForLoadState('networkidle');
      const result = await audit(page, screen);
      violations.push(...result.violations);
      for (const p of result.passes) passed.add(p.id);
      screens++;
    };
    await page.goto(`${server.url}/console/login`);
    await check('login');
    await consoleLogin(page, server.url, 'admin');
    await check('dashboard');
    const pages = [
      '/console/records',
      '/console/tasks',
      '/console/spot-checks',
      '/console/reinspections',
      '/console/ledger',
      '/console/audit',
      '/console/import',
      '/console/quarantine',
      '/console/reports',
      '/console/admin/users',
      '/console/admin/numbers',
      '/console/admin/systems',
      '/console/admin/catalog',
      '/console/admin/catalog/edit',
    ];
    for (const path of pages) {
      await page.goto(`${server.url}${path}`);
      await check(path);
    }
    await page.goto(`${server.url}/console/records`);
    const first = page.locator('a[href^="/console/records/"]').first();
    await page.goto(`${server.url}${await first.getAttribute('href')}`);
    await check('record');
    // The demo's spot check of last month, with reviewed and unreviewed records (its forms).
    await page.goto(`${server.url}/console/spot-checks`);
    await page.goto(
      `${server.url}${await page.locator('a[href^="/console/spot-checks/"]').first().getAttribute('href')}`,
    );
    await page.getByTestId('draw-facts').waitFor();
    await check('spot check');
    // English, from the language toggle.
    await page.goto(`${server.url}/console/admin/catalog/edit`);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Edit the no-penalty list' }).waitFor();
    await check('catalog editor (English)');
    expect(screens).toBe(pages.length + 5);
    // The audits that matter for a form-heavy console actually ran and passed.
    for (const rule of [
      'color-contrast',
      'label',
      'button-name',
      'html-has-lang',
      'empty-table-header',
    ])
      expect(passed, rule).toContain(rule);
    expect(
      violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    ).toEqual([]);
  });
});
