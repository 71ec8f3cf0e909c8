import { afterAll, describe, expect, it } from 'vitest';
import type { PullResponse } from '$lib/sync/contract';
import { ApiClient } from '../support/api';
import { query } from '../support/db';
import { startServer, type TestServer } from '../support/server';

describe('first start of a real installation', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
  });

  it('creates the bureau, the starter catalog (with pinyin initials) and an administrator, once', async () => {
    const s = await startServer({ env: { ADMIN_PASSWORD: 'install-secret-1' } });
    servers.push(s);
    expect(s.output()).toContain('已创建执法机关');
    const admin = new ApiClient(s.url);
    const me = await admin.login('admin', 'install-secret-1');
    expect(me).toMatchObject({ username: 'admin', role: 'admin' });
    const pulled = (await admin.json<PullResponse>('GET', '/api/sync/pull')).body;
    const catalog = pulled.changes.find((c) => c.kind === 'catalog');
    expect(
      catalog?.kind === 'catalog' &&
        catalog.catalog.items.find((i) => i.code === 'SR-01')?.initials,
    ).toBe('cdjy');
    await s.halt();
    const restarted = await startServer({
      dataDir: s.dataDir,
      env: { ADMIN_PASSWORD: 'other-secret-2' },
    });
    servers.push(restarted);
    expect(restarted.output()).not.toContain('已创建执法机关');
    const n = await query(restarted, (run) => run('select count(*) as n from users'));
    expect(Number(n[0]?.n)).toBe(1);
    expect(
      (
        await new ApiClient(restarted.url).json('POST', '/api/auth/login', {
          username: 'admin',
          password: 'other-secret-2',
        })
      ).status,
    ).toBe(401);
  });

  it('prints a generated administrator password once when none is configured', async () => {
    const s = await startServer();
    servers.push(s);
    const password = /管理员初始密码[^：]*：(\S+)/.exec(s.output())?.[1] ?? '';
    expect(password.length).toBeGreaterThanOrEqual(12);
    await new ApiClient(s.url).login('admin', password);
  });
});
