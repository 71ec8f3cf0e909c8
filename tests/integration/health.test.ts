import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, startServer, type TestServer } from '../support/server';

describe.each(DATABASES)('health on %s', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ db });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('reports status and database kind', async () => {
    const res = await fetch(`${server.url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', db });
  });

  it('serves pages under a Content-Security-Policy that allows only its own scripts', async () => {
    const page = await fetch(`${server.url}/console/login`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1] ?? '';
    expect(await page.text()).toContain(`nonce="${nonce}"`);
    // The prerendered officer app carries its policy in a meta tag, with the hash of its script.
    const shell = await (await fetch(`${server.url}/`)).text();
    expect(shell).toMatch(/http-equiv="content-security-policy"[^>]*script-src 'self' 'sha256-/);
  });
});

describe('configuration', () => {
  it('refuses to start with a clear message when PORT is wrong', async () => {
    await expect(startServer({ env: { PORT: 'abc' } })).rejects.toThrow(
      /PORT="abc": must be a number/,
    );
  });
  it('refuses a DATABASE_URL that is not PostgreSQL', async () => {
    await expect(startServer({ databaseUrl: 'mysql://localhost/x' })).rejects.toThrow(
      /DATABASE_URL/,
    );
  });
});
