import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, watchPage } from '../support/browser';
import { startServer, type TestServer } from '../support/server';
import type { Browser } from 'playwright-core';

describe('app shell in Chromium', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('loads the officer app with its Chinese title and manifest', async () => {
    const page = await browser.newPage();
    const errors = watchPage(page);
    await page.goto(server.url + '/');
    await expect.poll(() => page.title()).toBe('柔性执法助手');
    const manifest = await page.evaluate(async () => {
      const link = document.querySelector<HTMLLinkElement>('link[rel=manifest]');
      const res = await fetch(link?.href ?? '');
      return (await res.json()) as { name: string; start_url: string };
    });
    expect(manifest).toMatchObject({ name: '柔性执法助手', start_url: '/' });
    expect(errors).toEqual([]);
  });
});
