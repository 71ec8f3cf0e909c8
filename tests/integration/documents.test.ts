import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amendmentOf, lockRecord, type LockedRecord } from '$lib/domain/record';
import { starterCatalog } from '$lib/domain/starter-catalog';
import { printJob } from '$lib/notices/content';
import { base64Of } from '$lib/notices/font';
import { renderPdf } from '$lib/notices/render';
import { ApiClient, resigned, sha256, uploadedRecord } from '../support/api';
import { DATABASES, startServer, type TestServer } from '../support/server';

const dir = mkdtempSync(join(tmpdir(), 'pb-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(DATABASES)('documents and verification on %s', (db) => {
  let server: TestServer;
  let officer: ApiClient;
  let record: LockedRecord;
  let files: Uint8Array[];

  beforeAll(async () => {
    server = await startServer({ db, env: { DEMO_SEED: '1', DEMO_RECORDS: '0' } });
    officer = new ApiClient(server.url);
    await officer.login('officer1');
    ({ record, files } = await uploadedRecord(officer));
    expect((await officer.push([record])).body.results[0]?.status).toBe('accepted');
  });
  afterAll(async () => {
    await server?.stop();
  });

  const decision = () => record.documents.find((d) => d.docType === 'noPenaltyDecision')!;

  it('lists the documents of a record and serves each as PDF', async () => {
    const list = await officer.json<{ documents: { id: string; number: string; url: string }[] }>(
      'GET',
      `/api/records/${record.id}/documents`,
    );
    expect(list.status).toBe(200);
    expect(list.body.documents.map((d) => d.number)).toEqual(record.documents.map((d) => d.number));
    for (const layout of ['a4', '80mm']) {
      const res = await officer.request('GET', `${list.body.documents[0]?.url}?layout=${layout}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(Buffer.from(bytes.subarray(0, 5)).toString()).toBe('%PDF-');
    }
  });

  it('renders on the server byte-identical to the same code run elsewhere', async () => {
    const d = decision();
    const res = await officer.request('GET', `/api/records/${record.id}/documents/${d.id}`);
    const served = Buffer.from(await res.arrayBuffer());
    const job = await printJob({ record, doc: d, catalog: starterCatalog, baseUrl: server.url });
    const byHash = new Map(files.map((f) => [sha256(f), f]));
    const local = await renderPdf({
      content: job.content,
      layout: 'a4',
      fontBase64: base64Of(new Uint8Array(readFileSync('static/fonts/wqy-microhei-subset.ttf'))),
      image: (sha) =>
        Promise.resolve(byHash.has(sha) ? { bytes: byHash.get(sha)!, format: 'PNG' } : null),
      verify: { url: job.url, short: job.short },
      createdAt: job.createdAt,
      fileId: job.fileId,
    });
    expect(served.equals(Buffer.from(local))).toBe(true);
    if (process.env.PB_NO_POPPLER !== '1') {
      const file = join(dir, `${db}-decision.pdf`);
      writeFileSync(file, served);
      const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
      expect(text).toContain(d.number);
      expect(text).toContain(job.short);
    }
  });

  it('scopes downloads like the record', async () => {
    const other = new ApiClient(server.url);
    await other.login('supervisor2');
    expect(
      (await other.request('GET', `/api/records/${record.id}/documents/${decision().id}`)).status,
    ).toBe(403);
    const own = new ApiClient(server.url);
    await own.login('supervisor1');
    expect(
      (await own.request('GET', `/api/records/${record.id}/documents/${decision().id}`)).status,
    ).toBe(200);
  });

  it('refuses to serve a document citing a clause the legal section has not confirmed', async () => {
    // SR-04's penalty clause is still 待核 in the starter catalog: the order to correct cites it.
    const { record: unconfirmed } = await uploadedRecord(officer, { itemCode: 'SR-04' });
    expect((await officer.push([unconfirmed])).body.results[0]?.status).toBe('accepted');
    const order = unconfirmed.documents.find((d) => d.docType === 'orderToCorrect');
    const inspection = unconfirmed.documents.find((d) => d.docType === 'inspectionRecord');
    if (!order || !inspection) throw new Error('documents missing');
    const refused = await officer.json<{ code: string; message: string }>(
      'GET',
      `/api/records/${unconfirmed.id}/documents/${order.id}`,
    );
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('citationUnconfirmed');
    expect(refused.body.message).toContain('尚未经法制科确认');
    // A document that cites nothing of the item still prints.
    const ok = await officer.request(
      'GET',
      `/api/records/${unconfirmed.id}/documents/${inspection.id}`,
    );
    expect(ok.status).toBe(200);
  });

  it('/v/[id] confirms a genuine notice, shows nothing personal, and flags a tampered hash', async () => {
    const job = await printJob({
      record,
      doc: decision(),
      catalog: starterCatalog,
      baseUrl: server.url,
    });
    const page = async (query: string) => {
      const res = await fetch(`${server.url}/v/${decision().id}${query}`);
      return { status: res.status, html: await res.text() };
    };
    const valid = await page(`?h=${encodeURIComponent(job.short)}`);
    expect(valid.status).toBe(200);
    expect(valid.html).toContain('核验通过');
    expect(valid.html).toContain(decision().number);
    expect(valid.html).toContain('不予行政处罚决定书');
    expect(valid.html).toContain('欧阳**');
    for (const secret of ['340102199003071232', '13800138000', '欧阳娜娜', '梅山南路'])
      expect(valid.html).not.toContain(secret);

    const typed = await page(`?h=${job.short.replace(/-/g, '').toLowerCase()}`);
    expect(typed.html).toContain('核验通过');
    const tampered = await page('?h=0000-0000-0000');
    expect(tampered.html).toContain('核验码不一致');
    expect((await page('')).html).toContain('请输入文书上印的核验码');
    expect((await fetch(`${server.url}/v/0190a0b0-0000-7000-8000-00000000beef`)).status).toBe(404);
    expect((await fetch(`${server.url}/v/not-a-uuid`)).status).toBe(404);
  });

  it('a notice of an amended record is reported as superseded', async () => {
    const old = await printJob({
      record,
      doc: decision(),
      catalog: starterCatalog,
      baseUrl: server.url,
    });
    const v2 = await lockRecord(
      await resigned(
        officer,
        { ...amendmentOf(record, '补充'), facts: record.facts + '经教育后当事人自行撤离。' },
        'v2',
      ),
    );
    expect((await officer.push([v2])).body.results[0]?.status).toBe('accepted');
    const res = await fetch(`${server.url}/v/${decision().id}?h=${old.short}`);
    expect(await res.text()).toContain('较早版本');
    const current = await printJob({
      record: v2,
      doc: decision(),
      catalog: starterCatalog,
      baseUrl: server.url,
    });
    expect(
      await (await fetch(`${server.url}/v/${decision().id}?h=${current.short}`)).text(),
    ).toContain('核验通过');
  });
});
