/**
 * Drift-check benchmark: the scheduled check over N lab devices (default 500, half NETCONF, half EOS CLI)
 * against the floor measured in the same run on the same devices: open a session, read the running
 * config, close, at the same concurrency, with no store, locks or marking. Rounds alternate so load from
 * other processes hits both alike. A last round changes K devices by hand and checks that exactly those
 * are marked.
 * Run: `node --import tsx bench/driftCheck.ts [devices] [concurrency] [rounds] [drifted]`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Table from 'cli-table3';
import { storeCollections } from '../src/compose/storeCollections.ts';
import { mapLimit } from '../src/commit/mapLimit.ts';
import { deviceTarget } from '../src/commit/target.ts';
import { canonicalRunning } from '../src/drivers/canonicalRunning.ts';
import { createSessionFactory } from '../src/drivers/sessionFactory.ts';
import { SyncStatusService } from '../src/inventory/syncStatus.ts';
import { DriftCheck } from '../src/jobs/driftCheck.ts';
import { startLab } from '../src/lab/index.ts';
import { buildDevice } from '../src/model/device.ts';
import type { Device } from '../src/model/device.ts';
import { silentLogger, systemClock } from '../src/model/ports.ts';
import { configHash } from '../src/render/index.ts';
import { LowdbStore } from '../src/store/lowdbStore.ts';

const N = Number(process.argv[2] ?? 500);
const CONCURRENCY = Number(process.argv[3] ?? 20);
const ROUNDS = Number(process.argv[4] ?? 3);
const DRIFTED = Number(process.argv[5] ?? 25);

const dir = await mkdtemp(join(tmpdir(), 'netsync-bench-drift-'));
const lab = await startLab({ devices: N, platform: 'mixed', stateDir: join(dir, 'lab'), hostnamePrefix: 'bench' });
const store = new LowdbStore(join(dir, 'store.json'), { collections: storeCollections });
await store.init();
const now = new Date();
const devices: Device[] = lab.devices.map((d) => ({
  ...buildDevice({ hostname: d.hostname, managementIp: '127.0.0.1', port: d.port, platform: d.platform, type: 'ACCESS' }, now),
  synchronized: true,
  unsyncedSince: null,
  configHash: configHash(d.runningConfig()),
  hostKeyFingerprint: d.hostKeyFingerprint,
}));
await store.changeDevices({ create: devices });
const sessions = createSessionFactory({
  credentials: { username: lab.username, password: lab.password },
  canonicalize: canonicalRunning,
  timeouts: { connectMs: 30_000, helloMs: 30_000, rpcMs: 30_000 },
});
const check = new DriftCheck({
  store,
  syncStatus: new SyncStatusService(store),
  sessions,
  hash: configHash,
  explain: async () => undefined,
  logger: silentLogger,
  clock: systemClock,
  concurrency: CONCURRENCY,
});

async function floor(): Promise<number> {
  const t = performance.now();
  await mapLimit(devices, CONCURRENCY, async (d) => {
    const s = await sessions.open(deviceTarget(d));
    await s.getRunningConfig();
    await s.close();
  });
  return performance.now() - t;
}

async function driftCheck(): Promise<{ ms: number; drifted: string[] }> {
  const t = performance.now();
  const report = await check.run();
  const ms = performance.now() - t;
  if (report.failed.length > 0 || report.checked !== N)
    throw new Error(`drift check read ${report.checked} of ${N}: ${JSON.stringify(report.failed.slice(0, 3))}`);
  return { ms, drifted: report.drifted };
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
try {
  await floor(); // warm-up
  const floors: number[] = [];
  const checks: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    floors.push(await floor());
    const { ms, drifted } = await driftCheck();
    if (drifted.length > 0) throw new Error(`nothing changed, yet ${drifted.length} devices were marked`);
    checks.push(ms);
  }
  // Change K devices by hand (EOS: a VLAN; NETCONF: the hostname leaf), then one more run must mark exactly those.
  const changed = lab.devices.slice(0, DRIFTED);
  for (const d of changed) {
    const text = d.runningConfig();
    d.setRunningConfig(
      d.platform === 'eos'
        ? text.replace(/\nend\n?$/, '\nvlan 3999\n   name hand-made\n!\nend\n')
        : text.replace(/<hostname>[^<]*<\/hostname>/, '<hostname>hand-made</hostname>'),
    );
  }
  const t = performance.now();
  const report = await check.run();
  const markMs = performance.now() - t;
  const expected = changed.map((d) => d.hostname).sort();
  if (JSON.stringify(report.drifted) !== JSON.stringify(expected)) throw new Error(`marked ${report.drifted.length}, expected ${expected.length}`);

  const table = new Table({ head: ['measure', `median of ${ROUNDS}`, 'devices/s'], style: { head: [], border: [] } });
  table.push(
    [`floor: connect + read running config, ${N} devices`, `${median(floors).toFixed(0)} ms`, (N / (median(floors) / 1000)).toFixed(0)],
    [`drift check, nothing drifted, ${N} devices`, `${median(checks).toFixed(0)} ms`, (N / (median(checks) / 1000)).toFixed(0)],
    ['drift check / floor', `${(median(checks) / median(floors)).toFixed(2)}x`, ''],
    [`drift check, ${DRIFTED} drifted and marked (${N - DRIFTED} read)`, `${markMs.toFixed(0)} ms`, ''],
  );
  process.stdout.write(
    `${table.toString()}\nconcurrency ${CONCURRENCY}; ${N / 2} NETCONF + ${N / 2} EOS-CLI lab devices; rounds (ms): floor ${floors.map((x) => x.toFixed(0)).join(', ')}; check ${checks.map((x) => x.toFixed(0)).join(', ')}\n`,
  );
} finally {
  await store.close();
  await lab.stop();
  await rm(dir, { recursive: true, force: true });
}
