import { writeFileSync } from 'node:fs';

/** The q-quantile (0…1) of samples sorted ascending (nearest rank). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Milliseconds since `start` (a process.hrtime.bigint() value). */
export const msSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

export const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

/** Left-aligned first column, right-aligned others. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
    .join('\n');
}

/**
 * Where `npm run bench` (bench/run.ts) collects each benchmark's numbers: the file named by BENCH_RESULT_FILE.
 * A benchmark run on its own just prints.
 */
export function saveResult(result: unknown): void {
  const file = process.env.BENCH_RESULT_FILE;
  if (file) writeFileSync(file, JSON.stringify(result, null, 2));
}
