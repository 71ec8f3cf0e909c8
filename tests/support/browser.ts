import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Shared with the scripts so flags are defined once.
import { chromiumArgs, chromiumPath } from '../../scripts/lib/chromium.js';

export function requireChromium(): string {
  const path = chromiumPath();
  if (!path)
    throw new Error('Chromium not found: install Debian package "chromium" or set CHROMIUM_PATH');
  return path;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: requireChromium(), headless: true, args: chromiumArgs });
}

/** A persistent profile, so IndexedDB and the service worker survive closing a page. */
export async function launchProfile(options: { dir?: string } = {}): Promise<{
  context: BrowserContext;
  dir: string;
  close: () => Promise<void>;
}> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'patrolbook-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: requireChromium(),
    headless: true,
    args: chromiumArgs,
    viewport: { width: 412, height: 915 },
    deviceScaleFactor: 2,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    permissions: ['geolocation', 'camera'],
    geolocation: { latitude: 31.7349, longitude: 116.5078, accuracy: 12 },
  });
  return {
    context,
    dir,
    close: async () => {
      await context.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signs in to the console with the demo password; says where it stayed if it did not get in. */
export async function consoleLogin(page: Page, base: string, username: string) {
  await page.goto(`${base}/console/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill('demo1234');
  await page.getByRole('button', { name: '登录' }).click();
  // The URL is enough: the dashboard's own loading is checked by the tests that need it.
  await page
    .waitForURL(`${base}/console`, { waitUntil: 'commit', timeout: 60_000 })
    .catch(async (e: unknown) => {
      const text =
        (await page
          .locator('body')
          .textContent()
          .catch(() => '')) ?? '';
      throw new Error(`login as ${username} stayed at ${page.url()}: ${text.slice(0, 300)}`, {
        cause: e,
      });
    });
}

/**
 * What went wrong on a page, as it happens: uncaught errors and whatever the Content-Security-
 * Policy blocked (Chromium reports those on the console). A test asserts it stays empty.
 */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`error: ${e.message}`));
  page.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) problems.push(`csp: ${m.text()}`);
  });
  return problems;
}
