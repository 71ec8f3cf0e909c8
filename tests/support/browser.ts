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
export async function launchProfile(options: { dir?: string; args?: string[] } = {}): Promise<{
  context: BrowserContext;
  dir: string;
  close: () => Promise<void>;
}> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'patrolbook-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: requireChromium(),
    headless: true,
    args: [...chromiumArgs, ...(options.args ?? [])],
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
/**
 * A slow line: each of the app's script files arrives a second late, so the server-drawn page
 * can be typed into before its scripts start. Returns how many have arrived so far.
 */
export async function slowScripts(page: Page): Promise<() => number> {
  let arrived = 0;
  await page.route('**/_app/immutable/**', async (route) => {
    await new Promise((r) => setTimeout(r, 1_000));
    arrived += 1;
    await route.continue();
  });
  return () => arrived;
}

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

/**
 * Every object store of every IndexedDB database of the page's origin, read with the bare
 * IndexedDB API (not through the app): per store, the number of rows and the rows as text, binary
 * values as hex and as UTF-8. What someone holding the phone's browser profile could read.
 */
export async function dumpIndexedDb(
  page: Page,
): Promise<{ database: string; store: string; count: number; text: string }[]> {
  return page.evaluate(async () => {
    const hex = (bytes: Uint8Array) =>
      Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    // Bytes both as hex (file headers) and as UTF-8 (text packed in binary, the ledger's).
    const bytes = (b: Uint8Array) => `hex:${hex(b)} utf8:${new TextDecoder().decode(b)}`;
    const plain = (v: unknown): unknown => {
      if (v instanceof ArrayBuffer) return bytes(new Uint8Array(v));
      if (ArrayBuffer.isView(v)) return bytes(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
      if (v instanceof Blob) return `blob:${v.size}`;
      if (Array.isArray(v)) return v.map(plain);
      if (v && typeof v === 'object')
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
      return v;
    };
    const request = <T>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(new Error(String(r.error)));
      });
    const out: { database: string; store: string; count: number; text: string }[] = [];
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db = await request(indexedDB.open(info.name));
      for (const store of Array.from(db.objectStoreNames)) {
        const rows = await request(db.transaction(store).objectStore(store).getAll());
        out.push({
          database: info.name,
          store,
          count: rows.length,
          text: JSON.stringify(rows.map(plain)),
        });
      }
      db.close();
    }
    return out;
  });
}
