import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, uploadedRecord } from '../support/api';
import { query } from '../support/db';
import { DATABASES, startServer, type TestServer } from '../support/server';

/**
 * On PostgreSQL a record version's body is compressed with lz4, not pglz (migration 0017: pglz was
 * 8 % of PostgreSQL's CPU during a push). The method is PostgreSQL's business, so what is promised
 * is only that a body pushed now is stored with it and reads back as the record pushed.
 */
describe.skipIf(!DATABASES.includes('postgres'))('record bodies on PostgreSQL', () => {
  let server: TestServer;
  let officer: ApiClient;

  beforeAll(async () => {
    server = await startServer({ db: 'postgres', env: { DEMO_SEED: '1', DEMO_RECORDS: '0' } });
    officer = new ApiClient(server.url);
    await officer.login('officer1');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('stores a pushed body compressed with lz4, and reads it back as pushed', async () => {
    // Facts long enough that the body passes PostgreSQL's 2 KB threshold for compression.
    const facts = '当事人在人行道上摆摊销售水果，占用面积约3平方米，经教育后当场撤离。'.repeat(20);
    const { record } = await uploadedRecord(officer, { facts });
    expect((await officer.push([record])).body.results[0]?.status).toBe('accepted');
    const [row] = await query(server, (run) =>
      run(
        `select pg_column_compression(body) as method, octet_length(body) as bytes, body
           from record_versions where record_id = $1`,
        [record.id],
      ),
    );
    expect(Number(row?.bytes)).toBeGreaterThan(2048);
    expect(row?.method).toBe('lz4');
    expect(JSON.parse(String(row?.body))).toEqual(record);
    const [column] = await query(server, (run) =>
      run(
        `select attcompression from pg_attribute
          where attrelid = 'record_versions'::regclass and attname = 'body'`,
      ),
    );
    expect(column?.attcompression).toBe('l');
  });
});
