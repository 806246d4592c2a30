/**
 * Alarm benchmark. Run: `node --import tsx bench/alarms.ts [devices]` (default 10,000; 20% unsynchronized,
 * half of those past the critical threshold). Each figure comes with a baseline measured in the same run:
 * 1. evaluating every device against reading them from the store;
 * 2. a /metrics scrape (one series per unsynchronized device) against a /healthz round trip;
 * 3. GET /api/v1/alarms/nagios against GET /api/v1/devices (the same store read, serialized);
 * 4. `netsync check-unsynced` (a process) against `netsync --version` (process start alone);
 * 5. a sweep that notifies every newly critical device (one POST per target), then the de-duplicated sweep.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { evaluateUnsynced } from '../src/alarms/evaluate.ts';
import { buildDevice } from '../src/model/device.ts';
import type { Device } from '../src/model/device.ts';
import { NETSYNC_BIN } from '../test/helpers/cli.ts';
import { READ_TOKEN, removeDir, startTestDaemon } from '../test/helpers/daemon.ts';

const N = Number(process.argv[2] ?? 10_000);
const RUNS = 5;
const rows: [string, string, string][] = [];
const row = (name: string, value: string, ratio: string) => {
  rows.push([name, value, ratio]);
  process.stderr.write(`${name}: ${value}\n`);
};
const run = promisify(execFile);
/** Median of RUNS timings of `fn`, in ms. */
async function median(fn: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

let hookPosts = 0;
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    hookPosts++;
    res.writeHead(204).end();
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

const t = await startTestDaemon({ extra: { alarms: { sweep: '0 0 1 1 *', notifications: [{ name: 'hook', url: hookUrl }] } } });
const now = Date.now();
const devices: Device[] = [];
for (let i = 0; i < N; i++) {
  const d = buildDevice(
    { hostname: `sw-${i}`, managementIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, platform: 'eos', type: 'ACCESS' },
    new Date(now),
  );
  const unsynced = i % 5 === 0;
  const age = i % 10 === 0 ? 2 * 3600 : 600; // half of the unsynchronized are past 1h
  devices.push({ ...d, synchronized: !unsynced, unsyncedSince: unsynced ? new Date(now - age * 1000).toISOString() : null });
}
await t.daemon.store.changeDevices({ create: devices });
const { store, alarms } = t.daemon;
const get = async (path: string) => {
  const res = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${READ_TOKEN}` } });
  return res.text();
};

// 1. evaluation
const read = await median(() => store.listDevices());
const listed = await store.listDevices();
const evaluate = await median(() => evaluateUnsynced(listed, alarms.service.thresholds, new Date()));
const report = evaluateUnsynced(listed, alarms.service.thresholds, new Date());
if (report.critical !== N / 10) throw new Error(`expected ${N / 10} critical, got ${report.critical}`);
row(
  `evaluate ${N} devices (${report.unsynchronized} unsynchronized)`,
  `${evaluate.toFixed(1)} ms`,
  `${(evaluate / read).toFixed(2)}x a store read (${read.toFixed(1)} ms)`,
);

// 2. /metrics
const health = await median(() => get('/healthz'));
const scrape = await median(() => get('/metrics'));
const text = await get('/metrics');
const series = text.split('\n').filter((l) => l.startsWith('netsync_device_unsynchronized_seconds{')).length;
if (series !== report.unsynchronized) throw new Error(`expected ${report.unsynchronized} device series, got ${series}`);
row(
  `/metrics scrape (${series} device series, ${(text.length / 1024).toFixed(0)} KiB)`,
  `${scrape.toFixed(1)} ms`,
  `${(scrape / health).toFixed(1)}x a /healthz round trip (${health.toFixed(1)} ms)`,
);

// 3. the plugin over HTTP
const listing = await median(() => get('/api/v1/devices?synchronized=false'));
const nagios = await median(() => get('/api/v1/alarms/nagios'));
row(
  'GET /api/v1/alarms/nagios',
  `${nagios.toFixed(1)} ms`,
  `${(nagios / listing).toFixed(2)}x GET /api/v1/devices?synchronized=false (${listing.toFixed(1)} ms)`,
);

// 4. the plugin as a process
const start = await median(() => run(process.execPath, [NETSYNC_BIN, '--version']));
const plugin = await median(() =>
  run(process.execPath, [NETSYNC_BIN, 'check-unsynced', '--url', t.url, '--token', READ_TOKEN]).catch((e: { code?: number }) => {
    if (e.code !== 2) throw e; // CRITICAL is the expected answer
  }),
);
row('netsync check-unsynced (process)', `${plugin.toFixed(0)} ms`, `${(plugin / start).toFixed(2)}x netsync --version (${start.toFixed(0)} ms)`);

// 5. notifications
const s0 = performance.now();
const first = await alarms.service.sweep();
const firstMs = performance.now() - s0;
const s1 = performance.now();
const second = await alarms.service.sweep();
const secondMs = performance.now() - s1;
const notified = first.notifications[0]?.events ?? 0;
if (notified !== report.critical || second.notifications.length !== 0 || hookPosts !== 1) {
  throw new Error(`unexpected notifications: ${JSON.stringify({ notified, second: second.notifications, hookPosts })}`);
}
row(
  `sweep notifying ${notified} devices (1 POST)`,
  `${firstMs.toFixed(0)} ms`,
  `${(firstMs / secondMs).toFixed(1)}x the de-duplicated sweep after it (${secondMs.toFixed(0)} ms, 0 POSTs)`,
);

await t.stop();
await removeDir(t.dir);
await new Promise((r) => receiver.close(r));

const w = [0, 1].map((c) => Math.max(...rows.map((r) => r[c]!.length))) as [number, number];
process.stdout.write(`\n${'measure'.padEnd(w[0])}  ${'result'.padEnd(w[1])}  ratio\n`);
for (const r of rows) process.stdout.write(`${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2]}\n`);
