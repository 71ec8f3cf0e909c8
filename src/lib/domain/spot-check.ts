import { REVIEW_CHECKS, type ReviewCheck } from './lifecycle';

/**
 * Spot checks (督查抽查, issue 19): a supervisor or the legal section draws a random sample of a
 * month's approved records and reviews each against the reviewer's checklist. The draw is
 * reproducible: the same population (record ids), the same seed and the same size give the same
 * sample anywhere, so anyone holding the recorded seed and rule can redo it and compare. Pure.
 */

/** The rule recorded with every draw (changing the algorithm means a new name). */
export const DRAW_ALGORITHM =
  'patrolbook-draw-v1: record ids sorted by code unit; sfc32 seeded with cyrb128(seed); partial Fisher–Yates; sample in drawn order';

/** How many records one draw may take. */
export const SAMPLE_SIZE = { min: 1, max: 50 } as const;

/** A seed: 16 hexadecimal digits (64 bits), as the server makes it. */
export const SEED = /^[0-9a-f]{16}$/;

/** cyrb128: four 32-bit words from a string (a fast, well-mixed hash for seeding). */
function cyrb128(str: string): [number, number, number, number] {
  let h1 = 1779033703,
    h2 = 3144134277,
    h3 = 1013904242,
    h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** sfc32: a small, fast generator of 32-bit words; returns numbers in [0, 1). */
function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** Orders strings by UTF-16 code unit (not by locale): the same everywhere. */
export const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The sample: `size` distinct ids of the population (all of them when it is smaller), in the
 * order drawn. The population is sorted first (by code unit, not locale), so the order the
 * database returns it in does not matter.
 */
export function drawSample(population: readonly string[], seed: string, size: number): string[] {
  const pool = [...new Set(population)].sort(byCodeUnit);
  const random = sfc32(...cyrb128(seed));
  // Warm the generator up: its first outputs still carry the seed's structure.
  for (let i = 0; i < 12; i++) random();
  const k = Math.min(Math.max(0, Math.floor(size)), pool.length);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j] as string, pool[i] as string];
  }
  return pool.slice(0, k);
}

/** The reviewer's checklist as a spot check asks it: every item answered, holds or not. */
export type SpotCheckAnswers = Record<ReviewCheck, boolean>;

/** A review's finding: some item of the checklist does not hold. A finding needs a note. */
export function findingOf(answers: SpotCheckAnswers): boolean {
  return REVIEW_CHECKS.some((c) => answers[c] === false);
}

export const FINDING_NOTE = { min: 4, max: 1000 } as const;

/** What is wrong with a spot-check review (empty: it may be saved). */
export function spotReviewIssues(answers: SpotCheckAnswers, note: string): string[] {
  const issues: string[] = [];
  const n = note.trim().length;
  if (n > FINDING_NOTE.max) issues.push('noteTooLong');
  if (findingOf(answers) && n < FINDING_NOTE.min) issues.push('findingNeedsNote');
  return issues;
}

/**
 * Is a draw within these squads (null: all)? A draw of one squad is within the squads that
 * include it; a draw over a scope, when the scope is within them. Who may see a draw and whose
 * monthly figures count it follow this one rule.
 */
export function drawWithin(
  squads: string[] | null,
  draw: { squad_id: string | null; scope: string },
): boolean {
  if (!squads) return true;
  if (draw.squad_id) return squads.includes(draw.squad_id);
  const scope = JSON.parse(draw.scope) as string[] | null;
  return scope !== null && scope.every((s) => squads.includes(s));
}
