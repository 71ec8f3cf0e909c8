import { ESLint } from 'eslint';
import svelte from 'eslint-plugin-svelte';
import ts from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import {
  LIFECYCLE_EXEMPT,
  NO_HAND_WRITTEN_TRANSITIONS,
} from '../../../scripts/lib/lifecycle-lint.js';

/**
 * No transition is decided outside the lifecycle module: the sources are linted with that one
 * rule (the same selectors `npm run check` applies), and the rule is shown to catch each way a
 * transition used to be written by hand.
 */
function linter(): ESLint {
  return new ESLint({
    overrideConfigFile: true,
    overrideConfig: [
      // Other rules' disable comments are not this test's business.
      { linterOptions: { reportUnusedDisableDirectives: 'off' } },
      ...svelte.configs['flat/base'],
      { files: ['**/*.ts'], languageOptions: { parser: ts.parser } },
      { files: ['**/*.svelte'], languageOptions: { parserOptions: { parser: ts.parser } } },
      {
        files: ['**/*.ts', '**/*.svelte'],
        ignores: LIFECYCLE_EXEMPT,
        rules: { 'no-restricted-syntax': ['error', ...NO_HAND_WRITTEN_TRANSITIONS] },
      },
    ],
  });
}

describe('transitions are decided in src/lib/domain/lifecycle.ts only', () => {
  it('no source file writes a state value of its own', async () => {
    const results = await linter().lintFiles(['src/**/*.ts', 'src/**/*.svelte']);
    const found = results.flatMap((r) =>
      r.messages.map((m) => `${r.filePath}:${m.line} ${m.message}`),
    );
    expect(found).toEqual([]);
    expect(results.length).toBeGreaterThan(100);
  }, 120_000);

  it.each([
    ["review_state: 'approved'", "db.updateTable('records').set({ review_state: 'approved' });"],
    [
      'a choice between states',
      "const x = { followUp: mode === 'deadline' ? 'pending' : 'none' };",
    ],
    [
      'a private table',
      "const NEXT = { approve: 'approved' } as const; const x = { review_state: NEXT[action] };",
    ],
    ['an assignment', "r.state = 'synced';"],
    ['a conditional assignment', "r.syncStatus = ok ? 'synced' : 'rejected';"],
    ['a fallback', "const x = { state: s ?? 'completed' };"],
  ])('catches %s', async (_name, code) => {
    const [result] = await linter().lintText(
      `declare const db: any, mode: string, action: 'approve', r: any, ok: boolean, s: string;\n${code}`,
      {
        filePath: 'src/lib/example.ts',
      },
    );
    expect(result?.messages.map((m) => m.ruleId)).toContain('no-restricted-syntax');
  });

  it.each([
    ['a lifecycle call', "const x = { state: nextLocalState(r.state, 'acknowledged') };"],
    ['a copy', 'const x = { followUp: record.followUp };'],
    ['a filter', "db.selectFrom('records').where('review_state', '=', 'pending');"],
    ['a comparison', "const returned = r.state === 'returned';"],
  ])('lets %s through', async (_name, code) => {
    const [result] = await linter().lintText(
      `declare const db: any, r: any, record: any, nextLocalState: any;\n${code}`,
      {
        filePath: 'src/lib/example.ts',
      },
    );
    expect(result?.messages).toEqual([]);
  });
});
