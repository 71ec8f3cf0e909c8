import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** axe-core (WCAG 2.2 A/AA and best practice) on the page as it stands, CSP left on. */
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

export type AxeResult = {
  violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
  passes: { id: string }[];
};

export async function audit(page: Page, screen: string): Promise<AxeResult> {
  // Evaluated through the DevTools protocol: the app's Content-Security-Policy stays on.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (ctx: Document, o: unknown) => Promise<AxeResult> } }
    ).axe;
    return axe.run(document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
      },
      rules: { region: { enabled: false } },
    });
  });
  const summary = result.violations.map(
    (v) =>
      `${screen}: ${v.id} (${v.impact}) ${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 3)
        .join(', ')}`,
  );
  if (summary.length) console.log(summary.join('\n'));
  return result;
}
