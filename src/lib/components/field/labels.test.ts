import { describe, expect, it } from 'vitest';
import type { OutboxRow } from '$lib/client/db';
import { retryNote } from './labels';

const NOW = Date.parse('2026-12-03T02:00:00Z');
const row = (patch: Partial<OutboxRow>): OutboxRow => ({
  seq: 1,
  recordId: 'r',
  version: 1,
  createdAt: '2026-12-03T01:00:00Z',
  attempts: 0,
  status: 'pending',
  lastError: null,
  ...patch,
});

describe('what a waiting record says after a failed attempt', () => {
  it.each([
    ['no outbox row', undefined, null],
    ['not tried yet', row({}), null],
    [
      'held by a refusal (its own banner says why)',
      row({ status: 'held', attempts: 1, lastError: 'rejected' }),
      null,
    ],
    [
      'files the server lacks',
      row({ attempts: 2, lastError: 'missingBlobs' }),
      { key: 'record.retryFiles', n: 2, at: null },
    ],
    [
      'a server error, waiting for its next attempt',
      row({ attempts: 3, lastError: 'serverError', nextAttemptAt: NOW + 60_000 }),
      { key: 'record.retryAt', n: 3, at: NOW + 60_000 },
    ],
    [
      'a server error whose pause is over',
      row({ attempts: 1, lastError: 'serverError', nextAttemptAt: NOW - 1 }),
      { key: 'record.retrySoon', n: 1, at: null },
    ],
  ] as const)('%s', (_, r, expected) => {
    expect(retryNote(r, NOW)).toEqual(expected);
  });
});
