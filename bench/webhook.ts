/**
 * Webhook -> unsynchronized latency through a real daemon (real HTTP, a real git repo with one device folder
 * per ten devices, the embedded store) holding 500 and N devices: each sample pushes a change to one device's
 * folder, posts the signed webhook and waits until that device is marked unsynchronized.
 * Run: `node --import tsx bench/webhook.ts [devices]` (SAMPLES=30 after the first webhook, which is shown on its
 * own). Prints a table with the load average.
 */
import { webhookLatency } from './support/webhookLatency.ts';
import { resultRows } from './support/resultRows.ts';

const N = Number(process.argv[2] ?? 10_000);
const { row, loadRow, print } = resultRows();
const pct = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor((p / 100) * v.length))]!;
loadRow('at the start');

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
loadRow('at the end of the webhook rows');

print();
