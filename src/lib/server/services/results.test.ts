import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deliveryStateOf } from '$lib/domain/lifecycle';
import { backoff, signature } from './results';

const o = { pollMs: 5_000, backoffMs: 10_000, maxBackoffMs: 3_600_000, timeoutMs: 10_000 };

describe('result delivery', () => {
  it.each([
    [1, 0.5, 10_000],
    [2, 0.5, 20_000],
    [3, 0.5, 40_000],
    [9, 0.5, 2_560_000],
    [10, 0.5, 3_600_000],
    [40, 0.5, 3_600_000],
    [1, 0, 8_000],
    [1, 0.999999, 12_000],
    [12, 0, 2_880_000],
  ])('after %i failed attempts (random %f) waits %i ms', (attempts, random, ms) => {
    expect(backoff(attempts, o, () => random)).toBe(ms);
  });

  it('signs the timestamp and the body with the secret, as a platform recomputes it', () => {
    const body = '{"eventId":"x","outcome":"handled"}';
    const header = signature('whsec_test', 1_764_633_600, body);
    const mac = createHmac('sha256', 'whsec_test').update(`1764633600.${body}`).digest('hex');
    expect(header).toBe(`t=1764633600,v1=${mac}`);
    // Another body, time or secret gives another signature.
    expect(signature('whsec_test', 1_764_633_601, body)).not.toBe(header);
    expect(signature('whsec_other', 1_764_633_600, body)).not.toBe(header);
    expect(signature('whsec_test', 1_764_633_600, `${body} `)).not.toBe(header);
  });

  it.each([
    [{ delivered: true, scheduled: false, attempts: 3 }, 'delivered'],
    [{ delivered: true, scheduled: true, attempts: 1 }, 'delivered'],
    [{ delivered: false, scheduled: false, attempts: 0 }, 'awaitingPull'],
    [{ delivered: false, scheduled: true, attempts: 0 }, 'pending'],
    [{ delivered: false, scheduled: true, attempts: 2 }, 'retrying'],
  ] as const)('%o stands as %s', (row, state) => {
    expect(deliveryStateOf(row)).toBe(state);
  });
});
