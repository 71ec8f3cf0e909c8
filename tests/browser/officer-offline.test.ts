import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockedRecord } from '$lib/domain/record';
import { ApiClient, sha256 } from '../support/api';
import { FieldApp, officerRig } from './pages/field';
import { watchPage } from '../support/browser';

describe('officer app: a whole record offline, then sync', () => {
  let rig: Awaited<ReturnType<typeof officerRig>>;

  beforeAll(async () => {
    rig = await officerRig({ before: [4000, 3000], after: [3000, 4000] });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('opens offline, keeps the draft through a reload, finishes, and syncs byte-identical evidence', async () => {
    const { server, profile, before, after } = rig;
    const page = await profile.context.newPage();
    const errors = watchPage(page);
    const app = new FieldApp(page, server.url);
    await app.open();
    await app.login('officer1');
    await app.waitSynced();

    // No network from here on.
    await profile.context.setOffline(true);
    await app.reload();
    await page.getByRole('button', { name: '开始巡查记录' }).waitFor();
    await expect.poll(() => page.getByTestId('sync-banner').textContent()).toContain('当前离线');

    await app.startPatrol();
    // Pinyin initials find an item too (流动摊点… -> ldtd).
    await page.getByLabel('搜索事项').fill('ldtd');
    expect(
      await page.getByRole('list', { name: '清单事项' }).getByRole('button').first().textContent(),
    ).toContain('流动摊点占道经营');
    await app.chooseItem('摆摊', '流动摊点占道经营');
    await app.fillPerson({
      name: '欧阳娜娜',
      id: '11010519491231002x',
      mobile: '13800138000',
      address: '六安市金安区梅山南路12号',
      facts: '当事人在人行道上摆摊销售水果，占用面积约2平方米。',
    });
    // Identifiers are shown masked once entered.
    await page.getByLabel('违法事实').click();
    expect(await page.getByTestId('p-id-masked').textContent()).toBe('1101**********002X');
    expect(await page.getByTestId('p-mobile-masked').textContent()).toBe('138****8000');
    await app.next();
    // Nothing found: the step passes by itself and the next one says what the check found.
    await app.passFirstOffence();
    const found = await page.getByTestId('fo-skipped').textContent();
    expect(found).toContain('未查到同一事项记录');
    expect(found).toContain('仅本机台账');
    await app.answerEligible();
    await app.next();
    await app.correctOnTheSpot();
    await page.getByLabel(/不予处罚的裁量理由/).fill('首次违法，当场改正，态度良好');
    await expect.poll(() => page.getByTestId('branch').textContent()).toBe('首违不罚');
    await app.next();
    await app.educate();
    await app.next();
    await app.addPhoto('before', before);
    await app.addPhoto('after', after);

    // Reload mid-wizard: the draft is intact.
    await page.getByTestId('save-state').getByText('已自动保存').waitFor();
    await app.reload();
    await page.getByTestId('photos').locator('li').nth(1).waitFor();
    expect(await page.getByTestId('photos').locator('li').count()).toBe(2);
    await page
      .getByRole('button', { name: '第2步' })
      .or(page.getByRole('button', { name: '当事人与现场' }))
      .click();
    expect(await page.getByLabel('违法事实').inputValue()).toContain('占用面积约2平方米');
    await page.getByRole('button', { name: '证据照片' }).click();
    await app.next();

    await app.signAll('王喆');
    await app.next();
    const id = await app.finish();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const numbers = await page.getByTestId('doc-number').allTextContents();
    expect(numbers.length).toBeGreaterThanOrEqual(4);
    for (const n of numbers) expect(n).toMatch(/^六城管.+〔\d{4}〕第\d{4}号/);
    expect(await page.getByTestId('record-state').textContent()).toBe('待同步');

    // Print the decision of no penalty, still offline: the PDF opens and carries a number
    // taken from this phone's reserved block.
    const decision = page.getByTestId('doc-noPenaltyDecision');
    const number = (await decision.getByTestId('doc-number').textContent())?.trim() ?? '';
    const popup = page.waitForEvent('popup');
    await decision.getByRole('button', { name: '打印' }).click();
    const pdfPage = await popup;
    expect(pdfPage.url()).toMatch(/^blob:/);
    const pdf = await page.evaluate(async () => {
      const link = document.querySelector<HTMLAnchorElement>('[data-testid=pdf-link]');
      const bytes = new Uint8Array(await (await fetch(link?.href ?? '')).arrayBuffer());
      let s = '';
      for (const b of bytes) s += String.fromCharCode(b);
      return btoa(s);
    });
    const pdfBytes = Buffer.from(pdf, 'base64');
    expect(pdfBytes.subarray(0, 5).toString()).toBe('%PDF-');
    const used = await page.evaluate(async () => {
      const open = indexedDB.open('patrolbook');
      const db = await new Promise<IDBDatabase>((r) => (open.onsuccess = () => r(open.result)));
      return new Promise<
        {
          docType: string;
          first: number;
          next: number;
          year: number;
          format: { prefix: string; word: string };
        }[]
      >((r) => {
        const req = db.transaction('numberBlocks').objectStore('numberBlocks').getAll();
        req.onsuccess = () => r(req.result as never);
      });
    });
    const block = used.find((b) => b.docType === 'noPenaltyDecision');
    expect(block && block.next > block.first).toBe(true);
    const serials = block
      ? Array.from({ length: block.next - block.first }, (_, i) => block.first + i)
      : [];
    expect(
      serials.map(
        (s) =>
          `${block?.format.prefix}${block?.format.word}〔${block?.year}〕第${String(s).padStart(4, '0')}号`,
      ),
    ).toContain(number);
    await pdfPage.close();

    // Back online: the record and its evidence reach the server.
    await profile.context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect
      .poll(() => page.getByTestId('record-state').textContent(), { timeout: 60_000 })
      .toBe('已同步');

    const api = new ApiClient(server.url);
    await api.login('officer1');
    const detail = await api.json<{ record: LockedRecord; versions: unknown[] }>(
      'GET',
      `/api/records/${id}`,
    );
    expect(detail.status).toBe(200);
    expect(detail.body.versions).toHaveLength(1);
    const record = detail.body.record;
    expect(record.party).toMatchObject({ name: '欧阳娜娜', idNumber: '11010519491231002X' });
    expect(record.evaluation.branch).toBe('firstOffence');
    expect(record.evidence.map((e) => e.kind)).toEqual(['before', 'after']);
    const stored = await page.evaluate(async () => {
      const open = indexedDB.open('patrolbook');
      const db = await new Promise<IDBDatabase>((r) => (open.onsuccess = () => r(open.result)));
      // Read past the app: the bytes are sealed (ADR 0018); hash and size stay in clear.
      const all = await new Promise<{ sha256: string; size: number; bytes?: unknown }[]>((r) => {
        const req = db.transaction('evidence').objectStore('evidence').getAll();
        req.onsuccess = () => r(req.result as never);
      });
      return all.map((b) => ({ sha256: b.sha256, size: b.size, clear: b.bytes !== undefined }));
    });
    for (const e of record.evidence) {
      const res = await api.request('GET', `/api/blobs/${e.sha256}`);
      expect(res.status).toBe(200);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(sha256(bytes)).toBe(e.sha256);
      expect(stored.find((s) => s.sha256 === e.sha256)).toEqual({
        sha256: e.sha256,
        size: bytes.length,
        clear: false,
      });
      expect(Math.max(e.width ?? 0, e.height ?? 0)).toBe(1920);
    }
    for (const s of [record.signatures.officers[0], record.signatures.officers[1]]) {
      expect((await api.request('GET', `/api/blobs/${s.sha256}`)).status).toBe(200);
    }
    // The paper printed offline on the phone is the very document the server serves: the same
    // bytes, from the same content, font and signatures.
    const decisionRef = record.documents.find((d) => d.docType === 'noPenaltyDecision');
    expect(decisionRef?.number).toBe(number);
    const served = await api.request('GET', `/api/records/${id}/documents/${decisionRef?.id}`);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(pdfBytes)).toBe(true);
    expect(errors).toEqual([]);
    expect(app.blocked).toEqual([]);
  });
});
