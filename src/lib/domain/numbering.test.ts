import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TEMPLATE,
  formatDocNumber,
  isLow,
  isProvisionalNumber,
  numberBlockSchema,
  provisionalNumber,
  remainingFor,
  takeNext,
  type NumberBlock,
} from './numbering';

const format = { template: DEFAULT_TEMPLATE, prefix: '六城管', word: '不罚', width: 4 };

describe('formatDocNumber', () => {
  it.each([
    [12, '六城管不罚〔2026〕第0012号'],
    [1, '六城管不罚〔2026〕第0001号'],
    [12345, '六城管不罚〔2026〕第12345号'],
  ])('serial %i -> %s', (serial, expected) => {
    expect(formatDocNumber(format, 2026, serial)).toBe(expected);
  });

  it('follows another template', () => {
    expect(
      formatDocNumber(
        {
          template: '{prefix}〔{year}〕{word}字第{serial}号',
          prefix: '金城管',
          word: '责改',
          width: 3,
        },
        2026,
        31,
      ),
    ).toBe('金城管〔2026〕责改字第031号');
  });

  it.each([0, -1, 1.5])('rejects serial %s', (serial) => {
    expect(() => formatDocNumber(format, 2026, serial)).toThrow(RangeError);
  });
});

const block = (overrides: Partial<NumberBlock> = {}): NumberBlock => ({
  id: 'b1',
  docType: 'noPenaltyDecision',
  year: 2026,
  first: 11,
  last: 13,
  next: 11,
  format,
  ...overrides,
});

describe('takeNext', () => {
  it('hands out each serial of a block once, then reports exhaustion', () => {
    let blocks = [block()];
    const taken: string[] = [];
    for (;;) {
      const r = takeNext(blocks, 'noPenaltyDecision', 2026);
      if (!r.ok) {
        expect(r.reason).toBe('exhausted');
        break;
      }
      taken.push(r.number);
      blocks = blocks.map((b) => (b.id === r.block.id ? r.block : b));
    }
    expect(taken).toEqual([
      '六城管不罚〔2026〕第0011号',
      '六城管不罚〔2026〕第0012号',
      '六城管不罚〔2026〕第0013号',
    ]);
    expect(remainingFor(blocks, 'noPenaltyDecision', 2026)).toBe(0);
  });

  it('moves to the next block when one runs out, oldest first', () => {
    const blocks = [block({ id: 'b2', first: 50, last: 59, next: 50 }), block({ next: 14 })];
    const r = takeNext(blocks, 'noPenaltyDecision', 2026);
    expect(r.ok && r.serial).toBe(50);
  });

  it('never uses a block of another type or year', () => {
    expect(takeNext([block({ docType: 'orderToCorrect' })], 'noPenaltyDecision', 2026).ok).toBe(
      false,
    );
    expect(takeNext([block({ year: 2025 })], 'noPenaltyDecision', 2026).ok).toBe(false);
  });

  it('does not mutate the block it was given', () => {
    const b = block();
    takeNext([b], 'noPenaltyDecision', 2026);
    expect(b.next).toBe(11);
  });

  it('warns below the low-water mark', () => {
    expect(isLow([block()], 'noPenaltyDecision', 2026)).toBe(true);
    expect(isLow([block({ last: 100 })], 'noPenaltyDecision', 2026)).toBe(false);
  });
});

describe('number block schema', () => {
  it.each([
    [{ next: 15 }, false],
    [{ next: 14 }, true],
    [{ next: 10 }, false],
    [{ first: 20 }, false],
  ])('%j valid=%s', (overrides, ok) => {
    expect(numberBlockSchema.safeParse(block(overrides)).success).toBe(ok);
  });
});

describe('provisional numbers', () => {
  it('names the device and cannot look like a real number', () => {
    const n = provisionalNumber('0190a0b0-1111-7000-8000-000000000001', 'noPenaltyDecision', 3);
    expect(n).toBe('临时-不罚-0190A0B0-0003');
    expect(isProvisionalNumber(n)).toBe(true);
    expect(isProvisionalNumber('六城管不罚〔2026〕第0012号')).toBe(false);
  });
});
