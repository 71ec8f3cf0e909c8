import { describe, expect, it } from 'vitest';
import { amendStep, REVIEW_STEP, STEPS, stepOf } from './steps';

describe('wizard steps', () => {
  it.each([
    [['party', 'idNumber'], 1],
    [['place', 'address'], 1],
    [['answers', 'conditions', 'slightHarm'], 3],
    [['answers', 'correction', 'deadline'], 4],
    [['answers', 'discretionReason'], 4],
    [['education', 'partyStatement'], 5],
    [['evidence'], 6],
    [['procedure', 'certificatesShown'], 7],
    [['signatures', 'party'], 7],
    [['documents'], undefined],
  ] as const)('%j is entered on step %s', (path, step) => {
    expect(stepOf(path)).toBe(step);
  });

  it('opens an amendment at the first refused field it can show, else at the last step', () => {
    expect(REVIEW_STEP).toBe(STEPS.length - 1);
    expect(amendStep([])).toBe(REVIEW_STEP);
    expect(amendStep([{ path: ['documents'] }, { path: ['education', 'content'] }])).toBe(5);
    expect(amendStep([{ path: ['documents'] }])).toBe(REVIEW_STEP);
  });
});
