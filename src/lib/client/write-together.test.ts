import { describe, expect, it } from 'vitest';
import { writeTogether } from './write-together';

const inactive = () =>
  Object.assign(new Error('Transaction has already completed or failed'), {
    name: 'TransactionInactiveError',
  });

describe('writeTogether', () => {
  it('waits for every write, skipping the absent ones', async () => {
    const done: number[] = [];
    const later = (n: number) =>
      new Promise<void>((r) => setTimeout(() => r(void done.push(n)), n));
    await writeTogether([later(5), null, later(1)]);
    expect(done.sort()).toEqual([1, 5]);
  });

  it.each([
    ['the cause before the writes it took down', [new Error('disk full'), inactive()], 'disk full'],
    ['the cause after them', [inactive(), inactive(), new Error('quota')], 'quota'],
    ['only inactive writes', [inactive()], 'Transaction has already completed or failed'],
  ])('throws the failing write’s own error: %s', async (_, errors, message) => {
    await expect(
      writeTogether([Promise.resolve(), ...errors.map((e) => Promise.reject(e))]),
    ).rejects.toThrow(message);
  });
});
