import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleForm, consoleSession } from '../support/api';
import { query } from '../support/db';
import { DATABASES, startServer, type TestServer } from '../support/server';
import { REVIEW_CHECKS } from '$lib/domain/lifecycle';
import { byCodeUnit, drawSample } from '$lib/domain/spot-check';
import { addMonths, shanghaiDate } from '$lib/domain/time';
import { statsSchema } from '$lib/sync/contract';

/**
 * Spot checks (issue 19): draws of a month's approved records on a real server with the full
 * demo on each database. What the server stored is checked against the database: the population
 * the draw names, the sample its seed gives, the audit trail, and the month's statistics.
 */
describe.each(DATABASES)('spot checks on %s', (db) => {
  let server: TestServer;
  let sup: string;
  const lastMonth = addMonths(`${shanghaiDate(new Date()).slice(0, 7)}-01`, -1).slice(0, 7);

  beforeAll(async () => {
    server = await startServer({ db, env: { DEMO_SEED: '1', DEMO_RECORDS: '160' } });
    sup = await consoleSession(server.url, 'supervisor1');
  });
  afterAll(async () => {
    await server?.stop();
  });

  const draw = (fields: Record<string, string>, cookie = sup) =>
    consoleForm(server.url, cookie, '/console/spot-checks?/draw', {
      month: lastMonth,
      squadId: '',
      itemCode: '',
      branch: '',
      size: '5',
      ...fields,
    });
  const draws = () =>
    query(server, (run) => run('select * from spot_checks order by drawn_at, id'));
  const drawAudits = () =>
    query(server, (run) =>
      run("select detail from audit_log where action = 'spotCheck.draw' order by id"),
    );
  const stats = async (cookie: string, month = lastMonth) =>
    statsSchema.parse(
      await (await fetch(`${server.url}/api/stats?month=${month}`, { headers: { cookie } })).json(),
    ).spotChecks;

  it("the demo's draw of last month: five records, three reviewed, one finding, in that month's statistics", async () => {
    const [demo] = await draws();
    expect(demo).toMatchObject({ month: lastMonth, size: 5, ordinal: 1 });
    expect(await stats(sup)).toEqual({
      draws: 1,
      sampled: 5,
      reviewed: 3,
      findings: 1,
      findingRate: 1 / 3,
    });
    expect(await stats(await consoleSession(server.url, 'admin'))).toMatchObject({ draws: 1 });
    // The other supervisor's squads were not in it.
    expect(await stats(await consoleSession(server.url, 'supervisor2'))).toMatchObject({
      draws: 0,
      findingRate: null,
    });
  });

  it('a draw names its population and seed; anyone can redo it from the database and get the same sample; a repeat is numbered and audited', async () => {
    const before = (await draws()).length;
    const answer = await draw({ squadId: 'sq-jinan', size: '4' });
    expect(answer.text).toContain('"type":"redirect"');
    const made = (await draws()).at(-1);
    expect(made).toMatchObject({ month: lastMonth, squad_id: 'sq-jinan', size: 4, ordinal: 1 });
    expect(answer.text).toContain(`/console/spot-checks/${String(made?.id)}`);
    expect((await draws()).length).toBe(before + 1);

    // The population, read independently: sq-jinan's approved records found last month.
    const [y, m] = lastMonth.split('-').map(Number) as [number, number];
    const end = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const approved = await query(server, (run) =>
      run(
        `select id from records where review_state = 'approved' and squad_id = 'sq-jinan'
           and found_date >= $1 and found_date <= $2`,
        [`${lastMonth}-01`, `${lastMonth}-${String(end).padStart(2, '0')}`],
      ),
    );
    const ids = approved.map((r) => String(r.id)).sort(byCodeUnit);
    expect(ids.length).toBeGreaterThan(0);
    expect(Number(made?.population)).toBe(ids.length);
    expect(made?.population_hash).toBe(createHash('sha256').update(ids.join('\n')).digest('hex'));
    const items = await query(server, (run) =>
      run('select record_id from spot_check_items where check_id = $1 order by position', [
        made?.id,
      ]),
    );
    expect(items.map((i) => i.record_id)).toEqual(drawSample(ids, String(made?.seed), 4));

    // The same scope again: a new seed, numbered as the second draw, both in the audit log.
    await draw({ squadId: 'sq-jinan', size: '4' });
    const again = (await draws()).at(-1);
    expect(again?.ordinal).toBe(2);
    expect(again?.seed).not.toBe(made?.seed);
    const audits = (await drawAudits()).map(
      (a) => JSON.parse(String(a.detail)) as Record<string, unknown>,
    );
    expect(audits.slice(-2).map((a) => [a.seed, a.ordinal, a.populationHash])).toEqual([
      [made?.seed, 1, made?.population_hash],
      [again?.seed, 2, again?.population_hash],
    ]);
    const page = await (
      await fetch(`${server.url}/console/spot-checks`, { headers: { cookie: sup } })
    ).text();
    expect(page).toContain('同一范围第 2 次抽取');
    const detail = await (
      await fetch(`${server.url}/console/spot-checks/${String(made?.id)}`, {
        headers: { cookie: sup },
      })
    ).text();
    expect(detail).toContain(String(made?.seed));
    expect(detail).toContain('现在重抽结果相同');
  });

  it('bad draws are refused with a reason and store nothing, not even an audit entry', async () => {
    const before = [(await draws()).length, (await drawAudits()).length];
    const cases: [Record<string, string>, string][] = [
      [{ month: '2099-01' }, '请选择本月或以前的月份'],
      [{ month: '2026-13' }, '请选择本月或以前的月份'],
      [{ size: '0' }, '抽查数量应为 1–50 件'],
      [{ size: '51' }, '抽查数量应为 1–50 件'],
      [{ size: 'five' }, '抽查数量应为 1–50 件'],
      [{ branch: 'lenient' }, '适用情形不在可选范围内'],
      [{ squadId: 'sq-yeji' }, '只能抽查本人负责的中队'],
      [{ month: '2020-01' }, '该月没有符合条件的已审核记录'],
    ];
    for (const [fields, sentence] of cases) {
      const answer = await draw(fields);
      expect(answer.text, JSON.stringify(fields)).toContain('"type":"failure"');
      expect(answer.text, JSON.stringify(fields)).toContain(sentence);
    }
    expect([(await draws()).length, (await drawAudits()).length]).toEqual(before);
  });

  it('each drawn record is reviewed once against the checklist; a finding needs a note; another squad’s supervisor sees none of it', async () => {
    await draw({ squadId: 'sq-yuan', size: '3' });
    const check = (await draws()).at(-1);
    const id = String(check?.id);
    const review = (position: number, fails: string[], note: string, cookie = sup) =>
      consoleForm(server.url, cookie, `/console/spot-checks/${id}?/review`, {
        position: String(position),
        note,
        ...Object.fromEntries(REVIEW_CHECKS.map((c) => [c, fails.includes(c) ? 'no' : 'yes'])),
      });
    const item = async (position: number) =>
      (
        await query(server, (run) =>
          run(
            'select reviewed_by, finding, note, answers from spot_check_items where check_id = $1 and position = $2',
            [id, position],
          ),
        )
      )[0];

    // A finding without a note: refused, nothing saved.
    expect((await review(0, ['procedure'], ' ')).text).toContain('有不符合项时，请写明问题');
    expect((await item(0))?.reviewed_by).toBeNull();
    // An unanswered item: refused.
    const partial = await consoleForm(server.url, sup, `/console/spot-checks/${id}?/review`, {
      position: '0',
      note: '',
    });
    expect(partial.text).toContain('请逐项作答检查清单');
    // The other squads' supervisor cannot see or review it.
    const other = await consoleSession(server.url, 'supervisor2');
    expect((await review(0, [], '', other)).text).toContain('抽查不存在');
    expect(
      (await fetch(`${server.url}/console/spot-checks/${id}`, { headers: { cookie: other } }))
        .status,
    ).toBe(404);
    expect((await item(0))?.reviewed_by).toBeNull();

    expect(
      (await review(0, ['procedure', 'educationRecorded'], '送达回证缺当事人签名')).text,
    ).toContain('"type":"success"');
    expect(await item(0)).toMatchObject({ finding: 1, note: '送达回证缺当事人签名' });
    expect(JSON.parse(String((await item(0))?.answers))).toMatchObject({
      procedure: false,
      educationRecorded: false,
      twoOfficers: true,
    });
    expect((await review(1, [], '')).text).toContain('"type":"success"');
    expect(await item(1)).toMatchObject({ finding: 0, note: null });
    // Once made, a review stands.
    expect((await review(0, [], '')).text).toContain('该记录已复核');
    expect(await item(0)).toMatchObject({ finding: 1 });
    const audits = await query(server, (run) =>
      run("select detail from audit_log where action = 'spotCheck.review' and target = $1", [id]),
    );
    expect(
      audits.map((a) => (JSON.parse(String(a.detail)) as { finding: boolean }).finding),
    ).toEqual([true, false]);

    // The month's figures count every draw of supervisor1's squads: the demo's and this test's.
    const all = await query(server, (run) =>
      run(
        `select i.reviewed_at, i.finding from spot_check_items i join spot_checks c on c.id = i.check_id
          where c.month = $1`,
        [lastMonth],
      ),
    );
    const reviewed = all.filter((r) => r.reviewed_at !== null).length;
    const findings = all.filter((r) => Number(r.finding) === 1).length;
    expect(await stats(sup)).toEqual({
      draws: (await draws()).length,
      sampled: all.length,
      reviewed,
      findings,
      findingRate: findings / reviewed,
    });
  });
});
