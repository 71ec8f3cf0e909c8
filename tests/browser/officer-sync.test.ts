import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referencedBlobs, signatureHashes, type LockedRecord } from '$lib/domain/record';
import { starterCatalog } from '$lib/domain/starter-catalog';
import { documentContent } from '$lib/notices/content';
import { ApiClient } from '../support/api';
import { launchProfile } from '../support/browser';
import { query } from '../support/db';
import { startServer, type TestServer } from '../support/server';
import { createRecord, FieldApp, makeJpeg } from './pages/field';

const photos = mkdtempSync(join(tmpdir(), 'pb-photos-'));
const before = join(photos, 'before.jpg');
const after = join(photos, 'after.jpg');

describe('officer app: sync that is cut off, reviews, updates', () => {
  let server: TestServer;
  let buildCopy: string;

  beforeAll(async () => {
    // A private copy of the build, so a test can publish a "new release" of the service worker.
    // Inside the project, so the copy resolves node_modules like the real build.
    buildCopy = mkdtempSync(join(process.cwd(), '.test-build-'));
    cpSync('build', buildCopy, { recursive: true });
    server = await startServer({
      env: { DEMO_SEED: '1', DEMO_RECORDS: '0', PB_BUILD_DIR: buildCopy },
    });
    const p = await launchProfile();
    await makeJpeg(p.context, before, 2000, 1500, 3);
    await makeJpeg(p.context, after, 1500, 2000, 4);
    await p.close();
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(buildCopy, { recursive: true, force: true });
    rmSync(photos, { recursive: true, force: true });
  });

  it('a sync killed after the server stored the push loses nothing and stores nothing twice', async () => {
    const first = await launchProfile();
    const dir = first.dir;
    const page = await first.context.newPage();
    const app = new FieldApp(page, server.url);
    await app.open();
    await app.login('officer1');
    await app.waitSynced();
    await first.context.setOffline(true);
    const id = await createRecord(app, { before, after });

    // Logout is refused while the record waits.
    await app.open('/settings');
    await page.getByRole('button', { name: '退出登录' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('未同步');
    await expect
      .poll(() => page.getByTestId('persisted').textContent())
      .toMatch(/已获准|未获准|不支持/);

    // The push reaches the server, but the phone dies before the answer arrives.
    let pushed!: () => void;
    const reachedServer = new Promise<void>((r) => (pushed = r));
    await first.context.route('**/api/sync/push', async (route) => {
      await route.fetch();
      pushed();
      await new Promise(() => undefined); // never answer
    });
    await first.context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await reachedServer;
    await first.context.close();

    const stored = await query(server, (run) =>
      run('select count(*) as n from record_versions where record_id = $1', [id]),
    );
    expect(Number(stored[0]?.n)).toBe(1);

    // Reopen the same phone: the record is still waiting, and the retry is a duplicate, not a copy.
    const again = await launchProfile({ dir });
    try {
      const page2 = await again.context.newPage();
      const app2 = new FieldApp(page2, server.url);
      await app2.open(`/records/${id}`);
      await expect
        .poll(() => page2.getByTestId('record-state').textContent(), { timeout: 60_000 })
        .toBe('已同步');
      const rows = await query(server, (run) =>
        run('select count(*) as n from record_versions where record_id = $1', [id]),
      );
      expect(Number(rows[0]?.n)).toBe(1);
      // Every file the record names is referenced once (two identical signature drawings are
      // one file).
      const [body] = await query(server, (run) =>
        run('select body from record_versions where record_id = $1', [id]),
      );
      const named = new Set(referencedBlobs(JSON.parse(String(body?.body)) as LockedRecord));
      expect(named.size).toBeGreaterThanOrEqual(4);
      const blobs = await query(server, (run) =>
        run('select sha256 from blob_refs where record_id = $1', [id]),
      );
      expect(new Set(blobs.map((b) => String(b.sha256)))).toEqual(named);
      expect(blobs).toHaveLength(named.size);
      expect(await page2.evaluate(() => document.body.textContent)).not.toContain('冲突');
    } finally {
      await again.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a push the server fails on: the record says it is kept and retried, then syncs', async () => {
    const profile = await launchProfile();
    try {
      const page = await profile.context.newPage();
      const app = new FieldApp(page, server.url);
      await app.open();
      await app.login('officer1');
      await app.waitSynced();
      let failing = true;
      await profile.context.route('**/api/sync/push', (route) =>
        failing
          ? route.fulfill({
              status: 503,
              contentType: 'application/json',
              body: JSON.stringify({ code: 'unavailable', message: '服务暂不可用' }),
            })
          : route.continue(),
      );
      await createRecord(app, { before, after, name: '赵敏', id: '341502198506120030' });
      await page.getByTestId('retry-note').waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('retry-note').textContent()).toMatch(
        /上次发送未成功（已尝试 1 次），(将于 .+ 自动重试|下次同步时重试)，记录保存在本机/,
      );
      expect(await page.getByTestId('record-state').textContent()).toMatch(/待同步|同步中/);
      // The server is back: once the pause is over, "sync now" sends it, and the note goes.
      failing = false;
      await expect
        .poll(
          async () => {
            await page.getByRole('button', { name: '立即同步' }).click();
            return page.getByTestId('record-state').textContent();
          },
          { timeout: 40_000, interval: 2_000 },
        )
        .toBe('已同步');
      expect(await page.getByTestId('retry-note').count()).toBe(0);
    } finally {
      await profile.close();
    }
  });

  it('a returned record shows the comment, is amended and synced as version 2', async () => {
    const profile = await launchProfile();
    try {
      const page = await profile.context.newPage();
      const app = new FieldApp(page, server.url);
      await app.open();
      await app.login('officer2');
      await app.waitSynced();
      const id = await createRecord(app, {
        before,
        after,
        name: '王喆',
        id: '11010519491231002X',
        partner: '张伟',
      });
      await app.recordSynced();

      const supervisor = new ApiClient(server.url);
      await supervisor.login('supervisor1');
      const review = await supervisor.json('POST', `/api/records/${id}/reviews`, {
        action: 'return',
        comment: '请补充当事人陈述的具体内容。',
        checklist: { educationRecorded: false },
      });
      expect(review.status).toBe(201);

      // Nobody taps "sync": with the app open, the return reaches the phone at its next quick
      // look (the home screen looks when shown, and every 15 s), long before the 3-minute sync,
      // and the home screen says so.
      await page.getByRole('link', { name: '首页' }).click();
      await page.getByTestId('returned-alert').waitFor({ timeout: 40_000 });
      expect(await page.getByTestId('returned-alert').textContent()).toContain('1 条记录被退回');
      await page.getByTestId('returned-alert').click();
      await page
        .getByTestId('review-comment')
        .getByText('请补充当事人陈述的具体内容。')
        .waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('record-state').textContent()).toBe('已退回');

      await page.getByRole('button', { name: /按审核意见修改/ }).click();
      await page.getByText('正在修改，完成后生成第 2 版').waitFor();
      // It opens at the last step, where what is needed stands beside the comment.
      await page.getByRole('heading', { level: 1, name: '核对并完成' }).waitFor();
      // The amend screen says why, on every step.
      expect(await page.getByTestId('amend-reason').textContent()).toContain(
        '请补充当事人陈述的具体内容。',
      );
      await page.getByRole('button', { name: '教育' }).click();
      await page
        .getByLabel('当事人陈述')
        .fill('当事人表示不知道人行道禁止摆摊，今后到疏导点经营。');
      // The statement the party signed has changed: version 1's signatures no longer count.
      await page.getByRole('button', { name: '核对并完成' }).click();
      await page
        .getByTestId('issues')
        .getByText(/第 1 版的事实、当事人或处理决定已修改，须重新签名/)
        .first()
        .waitFor();
      expect(await page.getByRole('button', { name: '完成并锁定记录' }).isDisabled()).toBe(true);
      await page.getByRole('button', { name: '8 签名' }).click();
      await app.resignAll();
      await page.getByRole('button', { name: '核对并完成' }).click();
      await app.finish();
      await app.recordSynced();
      // Nothing stale once version 2 is in: "waiting to sync" became "synced", and version 1's
      // return is history, folded away, not a banner over version 2.
      await expect
        .poll(() => page.getByTestId('finished').textContent())
        .toContain('已同步到服务器');
      expect(await page.getByTestId('review-comment').first().isVisible()).toBe(false);
      await page.getByTestId('earlier-reviews').getByText('此前版本的审核意见（1 条）').waitFor();

      const detail = await supervisor.json<{
        record: LockedRecord;
        reviewState: string;
        versions: unknown[];
      }>('GET', `/api/records/${id}`);
      expect(detail.body.versions).toHaveLength(2);
      expect(detail.body.reviewState).toBe('pending');
      const v2 = detail.body.record;
      expect(v2.education?.partyStatement).toContain('疏导点');

      // Version 2's documents carry version 2's signatures only: none made for version 1.
      const v1 = (
        await query(server, (run) =>
          run('select body from record_versions where record_id = $1 and version = 1', [id]),
        )
      ).map((r) => JSON.parse(String(r.body)) as LockedRecord)[0];
      if (!v1) throw new Error('no version 1');
      const old = signatureHashes(v1.signatures);
      const now = signatureHashes(v2.signatures);
      expect([...now].filter((h) => old.has(h))).toEqual([]);
      for (const doc of v2.documents) {
        const content = documentContent({ record: v2, doc, catalog: starterCatalog });
        const printed = content.blocks.flatMap((b) =>
          b.kind === 'signatures' ? b.slots.flatMap((s) => (s.sha256 ? [s.sha256] : [])) : [],
        );
        for (const h of printed) expect(old.has(h), `${doc.docType} prints ${h}`).toBe(false);
        const pdf = await supervisor.request('GET', `/api/records/${id}/documents/${doc.id}`);
        expect(pdf.status).toBe(200);
      }
    } finally {
      await profile.close();
    }
  });

  it('announces a new version and never switches while a record is being edited', async () => {
    // A server of its own, restarted on the same port and data to deploy a "new release".
    const dataDir = mkdtempSync(join(tmpdir(), 'pb-data-'));
    let release = await startServer({
      dataDir,
      env: { DEMO_SEED: '1', DEMO_RECORDS: '0', PB_BUILD_DIR: buildCopy },
    });
    const port = Number(new URL(release.url).port);
    const profile = await launchProfile();
    try {
      const page = await profile.context.newPage();
      const app = new FieldApp(page, release.url);
      await app.open();
      await app.login('officer1');
      await app.waitSynced();

      await app.startPatrol();
      await app.chooseItem('出店', '出店经营');
      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));

      // Deploy release 2: a new build version inside the service worker, then restart the server.
      await release.stop();
      const sw = join(buildCopy, 'client', 'service-worker.js');
      const source = readFileSync(sw, 'utf8');
      const released = source.replace(
        /`(\d{13})`/,
        (_m, v: string) => `\`${String(Number(v) + 1)}\``,
      );
      expect(released).not.toBe(source);
      writeFileSync(sw, released);
      writeFileSync(`${sw}.gz`, gzipSync(released));
      writeFileSync(`${sw}.br`, brotliCompressSync(released));
      release = await startServer({ dataDir, port, env: { PB_BUILD_DIR: buildCopy } });

      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
      await page.getByTestId('update-prompt').waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('update-prompt').textContent()).toContain('新版本可用');

      await page.getByRole('button', { name: '立即更新' }).click();
      await page.getByText(/请先保存并退出正在填写的记录/).waitFor();
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);

      // Leave the wizard (the draft is saved), then accept: the app reloads on the new version.
      await page.getByRole('link', { name: '首页' }).click();
      await page.getByTestId('draft-card').waitFor();
      // The page stays busy on the network as the switch happens (as during a sync). Chromium then
      // often restarts the outgoing worker as it stops (speculative warm-up), which parks the
      // activation for minutes; the app must get through anyway (see pwa.svelte.ts).
      await page.evaluate(() => {
        const until = Date.now() + 3000;
        const busy = () => {
          if (Date.now() < until) void fetch('/api/health').finally(() => setTimeout(busy, 2));
        };
        for (let i = 0; i < 4; i++) busy();
      });
      await page.getByRole('button', { name: '立即更新' }).click();
      await expect
        .poll(() => page.evaluate(() => (window as unknown as { marker?: number }).marker ?? 0), {
          timeout: 30_000,
        })
        .toBe(0)
        .catch(async (e: unknown) => {
          const workers = await page.evaluate(async () => {
            const r = await navigator.serviceWorker.getRegistration();
            const at = (w: ServiceWorker | null | undefined) => w && `${w.state}`;
            return `controller ${navigator.serviceWorker.controller?.state ?? 'none'}, installing ${at(r?.installing) ?? '-'}, waiting ${at(r?.waiting) ?? '-'}, active ${at(r?.active) ?? '-'}`;
          });
          throw new Error(
            `no switch (${workers}): ${(await page.locator('body').textContent()) ?? ''}; ${app.log.join(' | ')}`,
            { cause: e },
          );
        });
      // The new version starts locked, like any page load (ADR 0018).
      await app.unlockIfLocked();
      await page.getByTestId('draft-card').waitFor();
      const waiting = await page.evaluate(
        async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null,
      );
      expect(waiting).toBeNull();
    } finally {
      await profile.close();
      await release.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
