import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api';
import { query } from '../support/db';
import { DATABASES, startServer, type TestServer } from '../support/server';

describe.each(DATABASES)('accounts and sessions on %s', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ db, env: { DEMO_SEED: '1', DEMO_RECORDS: '0' } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('logs in, reports who is signed in, and logs out', async () => {
    const c = new ApiClient(server.url);
    const me = await c.login('officer1');
    expect(me).toMatchObject({
      username: 'officer1',
      role: 'officer',
      realName: '张伟',
      squad: { name: '金安区中队' },
    });
    const res = await c.request('GET', '/api/auth/me');
    expect(res.status).toBe(200);
    const cookie = (await c.request('POST', '/api/auth/logout')).headers.getSetCookie().join();
    expect(cookie).toContain('pb_session=');
    expect((await c.request('GET', '/api/auth/me')).status).toBe(401);
  });

  it('sets an httpOnly, SameSite=Lax session cookie', async () => {
    const res = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'officer2', password: 'demo1234' }),
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('pb_session='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i); // plain http here; Secure behind HTTPS
  });

  it('a revoked session no longer works, even with the old cookie', async () => {
    const c = new ApiClient(server.url);
    await c.login('officer2');
    const stolen = new ApiClient(server.url);
    Object.assign(stolen, { cookie: (c as unknown as { cookie: string }).cookie });
    await c.request('POST', '/api/auth/logout');
    expect((await stolen.request('GET', '/api/auth/me')).status).toBe(401);
  });

  it('rejects a wrong password with 401 and a Chinese message', async () => {
    const c = new ApiClient(server.url);
    const r = await c.json<{ code: string; message: string }>('POST', '/api/auth/login', {
      username: 'officer3',
      password: 'wrong-password',
    });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ code: 'badCredentials', message: '用户名或密码错误' });
  });

  it('slows and then refuses repeated failures for an account with 429', async () => {
    const c = new ApiClient(server.url);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (await c.json('POST', '/api/auth/login', { username: 'officer4', password: `bad-${i}` }))
          .status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // Even the right password is refused while the account is locked.
    const res = await c.request('POST', '/api/auth/login', {
      json: { username: 'officer4', password: 'demo1234' },
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('stores scrypt hashes and never logs a password', async () => {
    const rows = await query(server, (run) =>
      run(`select password_hash from users where username = 'officer1'`),
    );
    expect(String(rows[0]?.password_hash)).toMatch(/^scrypt\$32768\$8\$1\$/);
    // Passwords sent by this test alone, refused and accepted: neither appears in the output.
    const wrong = `wrong-${Math.random().toString(36).slice(2)}`;
    await expect(new ApiClient(server.url).login('officer2', wrong)).rejects.toThrow(/: 401 /);
    const c = new ApiClient(server.url);
    await c.login('officer2');
    await c.request('POST', '/api/auth/logout');
    expect(server.output()).not.toContain(wrong);
    // The demo banner prints the shared demo password once at start; nothing after it does.
    const banner = server.output().indexOf('password / 密码: demo1234');
    expect(banner).toBeGreaterThanOrEqual(0);
    expect(server.output().slice(banner + 30)).not.toContain('demo1234');
  });

  it('keeps sessions in the database, hashed', async () => {
    const c = new ApiClient(server.url);
    await c.login('officer1');
    const token = (c as unknown as { cookie: string }).cookie.split('=')[1] ?? '';
    const rows = await query(server, (run) => run(`select id from sessions`));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.id)).not.toContain(token);
  });

  it('registers the device given at login', async () => {
    const c = new ApiClient(server.url);
    await c.login('officer1');
    const rows = await query(server, (run) =>
      run(`select user_id from devices where id = $1`, [c.deviceId]),
    );
    expect(rows).toEqual([{ user_id: 'u-officer1' }]);
  });
});
