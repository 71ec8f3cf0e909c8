import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One benchmark figure next to its baseline measured in the same run. Nothing is asserted:
 * these machines are shared, so only ratios within one run mean something.
 */
export type Row = {
  part: string;
  figure: string;
  value: number;
  unit: string;
  baseline: number | null;
  baselineLabel: string;
  /** value / baseline for times, baseline / value for rates: how many times worse than the baseline. */
  ratio: number | null;
  note?: string;
};

const rows: Row[] = [];

export function record(row: Omit<Row, 'ratio'> & { higherIsBetter?: boolean }): void {
  const { higherIsBetter, ...rest } = row;
  const ratio =
    row.baseline === null || row.baseline === 0 || row.value === 0
      ? null
      : higherIsBetter
        ? row.baseline / row.value
        : row.value / row.baseline;
  rows.push({ ...rest, ratio });
  console.log(
    `[bench] ${row.part} · ${row.figure}: ${fmt(row.value)} ${row.unit} (baseline ${row.baseline === null ? '—' : fmt(row.baseline)} ${row.baselineLabel})`,
  );
}

export function save(part: string): void {
  const dir = join(process.cwd(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `part-${part}.json.tmp`),
    JSON.stringify(
      rows.filter((r) => r.part === part),
      null,
      2,
    ),
  );
}

export function fmt(n: number): string {
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? 0;
}

export function parts(): Set<string> | null {
  const env = process.env.BENCH_PARTS;
  return env ? new Set(env.split(',')) : null;
}

export function wants(part: string): boolean {
  const p = parts();
  return p === null || p.has(part);
}
