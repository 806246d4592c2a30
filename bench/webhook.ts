/**
 * Webhook -> unsynchronized latency through a real daemon (real HTTP, a real git repo with one device folder
 * per ten devices, the embedded store) holding 500 and N devices: each sample pushes a change to one device's
 * folder, posts the signed webhook and waits until that device is marked unsynchronized.
 * Run: `node --import tsx bench/webhook.ts [devices]` (SAMPLES=30 after the first webhook, which is shown on its
 * own). Prints a table with the load average.
 */
import { loadavg } from 'node:os';
import { webhookLatency } from './support/webhookLatency.ts';

const N = Number(process.argv[2] ?? 10_000);
const rows: [string, string, string, string][] = [];
const row = (name: string, value: string, target: string, ratio: string) => {
  rows.push([name, value, target, ratio]);
  process.stderr.write(`${name}: ${value}\n`);
};
const pct = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor((p / 100) * v.length))]!;
row(
  'load average (1 / 5 / 15 min) at the start',
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' / '),
  '-',
  '-',
);

const SAMPLES = Number(process.env.SAMPLES ?? 30);
const { latencies: small } = await webhookLatency(500, SAMPLES);
const { first, latencies: large } = await webhookLatency(N, SAMPLES);
row(
  'webhook -> unsynced, 500 devices, local repo: p50 / p99',
  `${pct(small, 50).toFixed(0)} / ${pct(small, 99).toFixed(0)} ms`,
  'p99 < 200 ms',
  `${(200 / pct(small, 99)).toFixed(1)}x headroom`,
);
row(
  `webhook -> unsynced, ${N} devices, local repo: p50 / p99`,
  `${pct(large, 50).toFixed(0)} / ${pct(large, 99).toFixed(0)} ms`,
  'p99 < 200 ms',
  `${(200 / pct(large, 99)).toFixed(1)}x headroom; ${(pct(large, 50) / pct(small, 50)).toFixed(1)}x the 500-device p50`,
);
row(`webhook -> unsynced, ${N} devices, the first after start`, `${first.toFixed(0)} ms`, '-', '(not among the samples above)');
row(
  'load average (1 / 5 / 15 min) at the end of the webhook rows',
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' / '),
  '-',
  '-',
);

const w: number[] = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length)), Math.max(...rows.map((r) => r[2].length))];
process.stdout.write(`\n${'measure'.padEnd(w[0]!)}  ${'result'.padEnd(w[1]!)}  ${'target'.padEnd(w[2]!)}  ratio\n`);
for (const r of rows) process.stdout.write(`${r[0].padEnd(w[0]!)}  ${r[1].padEnd(w[1]!)}  ${r[2].padEnd(w[2]!)}  ${r[3]}\n`);
