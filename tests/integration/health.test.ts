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
