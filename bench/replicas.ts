/**
 * PostgreSQL (several replicas' backend) against the embedded lowdb store, in the same run:
 *  1. webhook -> unsynchronized p50/p99 through a real daemon (HTTP, real git repo) holding N devices
 *     (default 10,000), on lowdb and on PostgreSQL (delivery dedupe and the refresh claim in the database);
 *     target p99 < 200 ms on both.
 *  2. one transaction over M lab devices (default 200, half NETCONF, half EOS CLI) with the lowdb store's
 *     in-process locks and with PostgreSQL advisory locks on a dedicated connection; rounds alternate so
 *     load from other processes hits both alike; target PostgreSQL / lowdb <= 1.1x.
 * Needs PostgreSQL at NETSYNC_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres); each part
 * makes and drops a database of its own.
 * Run: `node --import tsx bench/replicas.ts [devices] [labDevices] [rounds]` (SAMPLES=30 webhooks per backend after
 * the first one, which is shown on its own; rounds default 9).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Table from 'cli-table3';
import { runTransaction } from '../src/commit/engine.ts';
import type { DeviceLocks } from '../src/commit/ports.ts';
import type { DeviceTarget } from '../src/commit/session.ts';
import { storeCollections } from '../src/compose/storeCollections.ts';
import { canonicalConfig, startLab } from '../src/lab/index.ts';
import type { LabPlatform } from '../src/lab/index.ts';
import { PgDeviceLocks } from '../src/postgres/deviceLocks.ts';
import { LowdbStore } from '../src/store/lowdbStore.ts';
import { createTestDatabase } from '../test/helpers/postgres.ts';
import { labConfig, labSessions, labTarget } from '../test/integration/commit/labConfigs.ts';
import { webhookLatency } from './support/webhookLatency.ts';

const N = Number(process.argv[2] ?? 10_000);
const M = Number(process.argv[3] ?? 200);
const ROUNDS = Number(process.argv[4] ?? 9);
const SAMPLES = Number(process.env.SAMPLES ?? 30);
const pct = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor((p / 100) * v.length))]!;
const median = (v: number[]) => pct(v, 50);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const loads: string[] = [`start ${load()}`];

// ---- 1. webhook -> unsynchronized
const webhookDb = await createTestDatabase('netsync_bench_webhook', { migrate: false });
let lowdbHooks: { first: number; latencies: number[] };
let pgHooks: { first: number; latencies: number[] };
try {
  lowdbHooks = await webhookLatency(N, SAMPLES);
  loads.push(`after lowdb webhooks ${load()}`);
  pgHooks = await webhookLatency(N, SAMPLES, { kind: 'postgres', url: webhookDb.url });
  loads.push(`after PostgreSQL webhooks ${load()}`);
} finally {
  await webhookDb.drop();
}

// ---- 2. one transaction over M lab devices: lowdb's in-process locks vs PostgreSQL advisory locks
const stateDir = await mkdtemp(join(tmpdir(), 'netsync-bench-replicas-'));
const lab = await startLab({ devices: M, platform: 'mixed', stateDir, hostnamePrefix: 'bench' });
const lockDb = await createTestDatabase('netsync_bench_locks', { migrate: true });
const lowdb = new LowdbStore(join(stateDir, 'store.json'), { collections: storeCollections });
await lowdb.init();
const pgLocks = new PgDeviceLocks({ connection: { connectionString: lockDb.url }, pool: lockDb.pool, replica: 'bench' });
const factory = labSessions(lab, 30_000);
const targets: DeviceTarget[] = lab.devices.map(labTarget);
const config = (platform: LabPlatform, hostname: string, vlan: number) => labConfig(platform, { hostname, vlan, description: 'bench' });
let round = 0;
async function transaction(locks: DeviceLocks): Promise<number> {
  const vlan = 100 + round++;
  const t = performance.now();
  const outcome = await runTransaction(
    {
      id: `bench-${round}`,
      items: targets.map((target) => ({ target, config: config(target.platform as LabPlatform, target.hostname, vlan) })),
      flags: { concurrency: 50 },
    },
    { sessions: factory, locks },
  );
  const ms = performance.now() - t;
  if (outcome.status !== 'complete') throw new Error(`transaction failed: ${JSON.stringify(outcome.errors).slice(0, 500)}`);
  for (const d of lab.devices)
    if (d.runningConfig() !== canonicalConfig(d.platform, config(d.platform, d.hostname, vlan)))
      throw new Error(`${d.hostname} does not run the pushed config`);
  return ms;
}
const lowdbTx: number[] = [];
const pgTx: number[] = [];
const lockOnly: number[] = [];
try {
  // Warm-up, once per backend: JIT, host keys, lab connection paths, the first lock connection.
  await transaction(lowdb);
  await transaction(pgLocks);
  for (let r = 0; r < ROUNDS; r++) {
    lowdbTx.push(await transaction(lowdb));
    pgTx.push(await transaction(pgLocks));
  }
  loads.push(`after transactions ${load()}`);
  // What the PostgreSQL locks add to a transaction, alone: connect, lock every device, unlock, disconnect.
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now();
    const { locked } = await pgLocks.tryLockDevices(
      targets.map((d) => d.hostname),
      `probe-${r}`,
    );
    await pgLocks.unlockDevices(locked, `probe-${r}`);
    lockOnly.push(performance.now() - t);
  }
} finally {
  await pgLocks.close();
  await lowdb.close();
  await lockDb.drop();
  await lab.stop();
  await rm(stateDir, { recursive: true, force: true });
}

const table = new Table({ head: ['measure', 'lowdb', 'PostgreSQL', 'target', 'ratio (PostgreSQL / lowdb)'], style: { head: [], border: [] } });
table.push(
  [
    `webhook -> unsynchronized, ${N} devices, p50`,
    `${pct(lowdbHooks.latencies, 50).toFixed(0)} ms`,
    `${pct(pgHooks.latencies, 50).toFixed(0)} ms`,
    '',
    `${(pct(pgHooks.latencies, 50) / pct(lowdbHooks.latencies, 50)).toFixed(2)}x`,
  ],
  [
    `webhook -> unsynchronized, ${N} devices, p99`,
    `${pct(lowdbHooks.latencies, 99).toFixed(0)} ms`,
    `${pct(pgHooks.latencies, 99).toFixed(0)} ms`,
    'p99 < 200 ms',
    `${(pct(pgHooks.latencies, 99) / pct(lowdbHooks.latencies, 99)).toFixed(2)}x`,
  ],
  [
    `webhook -> unsynchronized, ${N} devices, the first after start`,
    `${lowdbHooks.first.toFixed(0)} ms`,
    `${pgHooks.first.toFixed(0)} ms`,
    '',
    `${(pgHooks.first / lowdbHooks.first).toFixed(2)}x`,
  ],
  [
    `one transaction, ${M} lab devices, median of ${ROUNDS}`,
    `${median(lowdbTx).toFixed(0)} ms`,
    `${median(pgTx).toFixed(0)} ms`,
    '<= 1.1x',
    `${(median(pgTx) / median(lowdbTx)).toFixed(2)}x`,
  ],
  [
    `one transaction, ${M} lab devices, paired rounds: median of PostgreSQL / lowdb`,
    '',
    '',
    '<= 1.1x',
    `${median(pgTx.map((pgMs, i) => pgMs / lowdbTx[i]!)).toFixed(2)}x`,
  ],
  [
    `one transaction, ${M} lab devices, best of ${ROUNDS}`,
    `${Math.min(...lowdbTx).toFixed(0)} ms`,
    `${Math.min(...pgTx).toFixed(0)} ms`,
    '',
    `${(Math.min(...pgTx) / Math.min(...lowdbTx)).toFixed(2)}x`,
  ],
);
table.push([`PostgreSQL locks alone: lock and unlock ${M} devices, median`, '', `${median(lockOnly).toFixed(0)} ms`, '', '']);
process.stdout.write(
  `${table.toString()}\n${SAMPLES} webhooks per backend after the first; transactions: concurrency 50, ${M / 2} NETCONF + ${M / 2} EOS-CLI lab devices, every round verified on every device\n`,
);
process.stdout.write(
  `rounds (ms): lowdb ${lowdbTx.map((x) => x.toFixed(0)).join(', ')}; PostgreSQL ${pgTx.map((x) => x.toFixed(0)).join(', ')}\nload average (1/5/15 min): ${loads.join('; ')}\n`,
);
