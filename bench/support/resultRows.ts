/**
 * The table bench/impact.ts and bench/webhook.ts print: one row per measure (measure, result, target, ratio),
 * each also written to stderr as it is taken, and rows with the load average at the time.
 */
import { loadavg } from 'node:os';

export function resultRows() {
  const rows: [string, string, string, string][] = [];
  const row = (name: string, value: string, target: string, ratio: string) => {
    rows.push([name, value, target, ratio]);
    process.stderr.write(`${name}: ${value}\n`);
  };
  const loadRow = (when: string) =>
    row(
      `load average (1 / 5 / 15 min) ${when}`,
      loadavg()
        .map((l) => l.toFixed(1))
        .join(' / '),
      '-',
      '-',
    );
  const print = () => {
    const w = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
    process.stdout.write(`\n${'measure'.padEnd(w[0]!)}  ${'result'.padEnd(w[1]!)}  ${'target'.padEnd(w[2]!)}  ratio\n`);
    for (const r of rows) process.stdout.write(`${r[0].padEnd(w[0]!)}  ${r[1].padEnd(w[1]!)}  ${r[2].padEnd(w[2]!)}  ${r[3]}\n`);
  };
  return { row, loadRow, print };
}
