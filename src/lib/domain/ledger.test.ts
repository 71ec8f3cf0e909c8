import { describe, expect, it } from 'vitest';
import { groupByRecord } from './ledger';

describe('groupByRecord', () => {
  const row = (recordId: string, partyKey: string, date = '2026-11-01') => ({
    recordId,
    partyKey,
    date,
  });

  it.each([
    ['no rows', [], []],
    [
      'one record, two keys',
      [row('a', 'id:1'), row('a', 'tel:2')],
      [{ recordId: 'a', date: '2026-11-01', partyKeys: ['id:1', 'tel:2'] }],
    ],
    [
      'two records, order kept',
      [row('b', 'id:1', '2026-11-02'), row('a', 'id:1'), row('b', 'tel:2')],
      [
        { recordId: 'b', date: '2026-11-02', partyKeys: ['id:1', 'tel:2'] },
        { recordId: 'a', date: '2026-11-01', partyKeys: ['id:1'] },
      ],
    ],
    [
      'a key repeated is listed once',
      [row('a', 'id:1'), row('a', 'id:1')],
      [{ recordId: 'a', date: '2026-11-01', partyKeys: ['id:1'] }],
    ],
  ])('%s', (_, rows, expected) => {
    expect(groupByRecord(rows, ({ recordId, date }) => ({ recordId, date }))).toEqual(expected);
  });
});
