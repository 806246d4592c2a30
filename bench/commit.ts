/**
 * Transaction benchmark: one transaction (lock, write, validate, confirmed
 * commit, confirm, unlock) over N lab devices (default 200, half NETCONF, half
 * EOS CLI), against the floor measured in the same run on the same devices:
 * SSH connect + NETCONF hello / CLI prompt only, same concurrency.
 * Run: `node --import tsx bench/commit.ts [devices] [concurrency] [rounds]`. Target: ratio <= 2.
 * Floor and transaction rounds alternate, so load from other processes hits both alike.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Table from 'cli-table3';
import { runTransaction } from '../src/commit/engine.ts';
import { mapLimit } from '../src/commit/mapLimit.ts';
import type { DeviceLocks } from '../src/commit/ports.ts';
import type { DeviceTarget } from '../src/commit/session.ts';
import { canonicalConfig, startLab } from '../src/lab/index.ts';
import type { LabPlatform } from '../src/lab/index.ts';
import { labConfig, labSessions, labTarget } from '../test/integration/commit/labConfigs.ts';

const N = Number(process.argv[2] ?? 200);
const CONCURRENCY = Number(process.argv[3] ?? 50);
const ROUNDS = Number(process.argv[4] ?? 5);

const config = (platform: LabPlatform, hostname: string, vlan: number) => labConfig(platform, { hostname, vlan, description: 'bench' });

const locks = (): DeviceLocks => {
  const held = new Map<string, string>();
  return {
    tryLockDevice: async (h, o) => (held.has(h) && held.get(h) !== o ? false : (held.set(h, o), true)),
    unlockDevice: async (h) => void held.delete(h),
    lockHolder: async (h) => held.get(h),
  };
};

const stateDir = await mkdtemp(join(tmpdir(), 'netsync-bench-commit-'));
const lab = await startLab({ devices: N, platform: 'mixed', stateDir, hostnamePrefix: 'bench' });
const factory = labSessions(lab, 30_000);
const targets: DeviceTarget[] = lab.devices.map(labTarget);

async function floor(): Promise<number> {
  const t = performance.now();
  await mapLimit(targets, CONCURRENCY, async (target) => {
    const s = await factory.open(target);
    await s.close();
  });
  return performance.now() - t;
}

async function transaction(round: number): Promise<number> {
  const vlan = 100 + round;
  const t = performance.now();
  const outcome = await runTransaction(
    {
      id: `bench-${round}`,
      items: targets.map((target) => ({ target, config: config(target.platform as LabPlatform, target.hostname, vlan) })),
      flags: { concurrency: CONCURRENCY },
    },
    { sessions: factory, locks: locks() },
  );
  const ms = performance.now() - t;
  if (outcome.status !== 'complete') throw new Error(`transaction failed: ${JSON.stringify(outcome.errors).slice(0, 500)}`);
  // Honest numbers only: every device must really run the new config.
  for (const d of lab.devices) {
    if (d.runningConfig() !== canonicalConfig(d.platform, config(d.platform, d.hostname, vlan)))
      throw new Error(`${d.hostname} does not run the pushed config`);
  }
  return ms;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
try {
  await floor(); // warm-up: JIT, host keys, lab connection paths
  const floors: number[] = [];
  const txs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    floors.push(await floor());
    txs.push(await transaction(r));
  }
  const best = (v: number[]) => Math.min(...v);
  const table = new Table({ head: ['measure', `median of ${ROUNDS}`, `best of ${ROUNDS}`, 'device tx/s (median)'], style: { head: [], border: [] } });
  table.push(
    [`floor: SSH connect + hello, ${N} devices`, `${median(floors).toFixed(0)} ms`, `${best(floors).toFixed(0)} ms`, (N / (median(floors) / 1000)).toFixed(0)],
    [`transaction: lock..confirm, ${N} devices`, `${median(txs).toFixed(0)} ms`, `${best(txs).toFixed(0)} ms`, (N / (median(txs) / 1000)).toFixed(0)],
    ['transaction / floor (target <= 2.00x)', `${(median(txs) / median(floors)).toFixed(2)}x`, `${(best(txs) / best(floors)).toFixed(2)}x`, ''],
  );
  process.stdout.write(
    `${table.toString()}\nconcurrency ${CONCURRENCY}; ${N / 2} NETCONF + ${N / 2} EOS-CLI lab devices; every round verified on every device\n`,
  );
  process.stdout.write(`rounds (ms): floor ${floors.map((x) => x.toFixed(0)).join(', ')}; transaction ${txs.map((x) => x.toFixed(0)).join(', ')}\n`);
} finally {
  await lab.stop();
  await rm(stateDir, { recursive: true, force: true });
}
