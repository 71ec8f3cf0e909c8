import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REVIEW_CHECKS } from './lifecycle';
import {
  drawSample,
  drawWithin,
  findingOf,
  SAMPLE_SIZE,
  spotReviewIssues,
  type SpotCheckAnswers,
} from './spot-check';

const population = Array.from({ length: 40 }, (_, i) => `r-${String(i).padStart(3, '0')}`);

describe('the spot-check draw', () => {
  it('is pinned: a known population, seed and size give the sample recorded when the rule was named', () => {
    // Changing the algorithm must change DRAW_ALGORITHM's name: old draws are redone by the old rule.
    expect(drawSample(population, '0123456789abcdef', 5)).toEqual([
      'r-014',
      'r-027',
      'r-002',
      'r-004',
      'r-025',
    ]);
    expect(drawSample(population, 'fedcba9876543210', 5)).toEqual([
      'r-005',
      'r-025',
      'r-038',
      'r-008',
      'r-035',
    ]);
  });

  it('is reproducible whatever order the population comes in, draws distinct members, as many as asked or all', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.uuid(), { maxLength: 60 }),
        fc.stringMatching(/^[0-9a-f]{16}$/),
        fc.integer({ min: 0, max: 70 }),
        fc.infiniteStream(fc.integer()),
        (ids, seed, size, noise) => {
          const drawn = drawSample(ids, seed, size);
          const shuffled = [...ids].sort(() => ((noise.next().value as number) % 2 ? 1 : -1));
          expect(drawSample(shuffled, seed, size)).toEqual(drawn);
          expect(drawn).toHaveLength(Math.min(size, ids.length));
          expect(new Set(drawn).size).toBe(drawn.length);
          expect(drawn.every((d) => ids.includes(d))).toBe(true);
          // A larger sample with the same seed extends the smaller one.
          expect(drawSample(ids, seed, size + 1).slice(0, drawn.length)).toEqual(drawn);
        },
      ),
    );
  });

  it('gives every record the same chance (4,000 seeds, 40 records, samples of 5)', () => {
    const hits = new Map(population.map((p) => [p, 0]));
    const seeds = 4_000;
    for (let s = 0; s < seeds; s++)
      for (const d of drawSample(population, s.toString(16).padStart(16, '0'), 5))
        hits.set(d, (hits.get(d) ?? 0) + 1);
    // Each is expected 500 times (sd ≈ 21): every count within 5 sd, and a chi-square well below
    // the 0.1 % critical value for 39 degrees of freedom (72.1).
    const expected = (seeds * 5) / population.length;
    const counts = [...hits.values()];
    expect(Math.min(...counts)).toBeGreaterThan(expected - 105);
    expect(Math.max(...counts)).toBeLessThan(expected + 105);
    const chi = counts.reduce((a, c) => a + (c - expected) ** 2 / expected, 0);
    expect(chi).toBeLessThan(72.1);
  });
});

describe('a spot-check review', () => {
  it("the server's refusal names the sample size's bounds", () => {
    expect(SAMPLE_SIZE).toEqual({ min: 1, max: 50 });
  });
  const all = (v: boolean) =>
    Object.fromEntries(REVIEW_CHECKS.map((c) => [c, v])) as SpotCheckAnswers;
  it.each([
    ['every item holds, no note', all(true), '', false, []],
    ['every item holds, a note', all(true), '档案整齐', false, []],
    ['one item fails, with a note', { ...all(true), procedure: false }, '告知书未送达', true, []],
    [
      'one item fails, no note',
      { ...all(true), procedure: false },
      '  ',
      true,
      ['findingNeedsNote'],
    ],
    ['a note too short for a finding', all(false), '缺', true, ['findingNeedsNote']],
    ['a note too long', all(true), '字'.repeat(1001), false, ['noteTooLong']],
  ] as const)('%s', (_, answers, note, finding, issues) => {
    expect(findingOf(answers)).toBe(finding);
    expect(spotReviewIssues(answers, note)).toEqual(issues);
  });
});

describe('which squads a draw is within (who sees it, whose figures count it)', () => {
  const scope = (s: string[] | null) => JSON.stringify(s);
  it.each([
    ['all squads see every draw', null, { squad_id: null, scope: scope(null) }, true],
    ['a draw of one of my squads', ['a', 'b'], { squad_id: 'a', scope: scope(null) }, true],
    ['a draw of another squad', ['a', 'b'], { squad_id: 'c', scope: scope(['c', 'd']) }, false],
    ['a draw over my squads', ['a', 'b'], { squad_id: null, scope: scope(['a', 'b']) }, true],
    ['a draw over part of my squads', ['a', 'b'], { squad_id: null, scope: scope(['b']) }, true],
    ['a draw over more than my squads', ['a'], { squad_id: null, scope: scope(['a', 'b']) }, false],
    ['a draw over every squad', ['a', 'b'], { squad_id: null, scope: scope(null) }, false],
  ] as const)('%s', (_, squads, draw, within) => {
    expect(drawWithin(squads ? [...squads] : null, draw)).toBe(within);
  });
});
