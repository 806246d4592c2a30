/**
 * Verified-commit benchmark over real NETCONF agents (Debian netconfd behind OpenSSH, test/peers): one
 * transaction (lock, save running, write, validate, confirmed commit, read-back, confirm, read-back) over N
 * devices (default 60), against the floor measured in the same run on the same devices: SSH connect +
 * NETCONF hello only, same concurrency. Floor and transaction rounds alternate, so load from other processes
 * hits both alike; replace and merge transactions alternate too. The read-backs' own cost is the wall time
 * of the verify and verify-confirmed phases: from the phase's start to the last get-config of it answered.
 * Target: transaction <= 1.2x floor.
 * Run (root, netconfd installed): `node --import tsx bench/commitVerify.ts [devices] [concurrency] [rounds]`.
 */
import Table from 'cli-table3';
import { runTransaction } from '../src/commit/engine.ts';
import { mapLimit } from '../src/commit/mapLimit.ts';
import type { DeviceLocks } from '../src/commit/ports.ts';
import type { DeviceTarget, LoadMode, SessionFactory } from '../src/commit/session.ts';
import { createSessionFactory } from '../src/drivers/sessionFactory.ts';
import type { NetconfdPeers } from '../test/peers/netconfdPeers.ts';
import { netconfdAvailable, startNetconfd } from '../test/peers/netconfdPeers.ts';

const N = Number(process.argv[2] ?? 60);
const CONCURRENCY = Number(process.argv[3] ?? 50);
const ROUNDS = Number(process.argv[4] ?? 5);
/** netconfd-up.sh starts devices one after another; batches keep each start within its timeout. */
const BATCH = 10;

if (!netconfdAvailable()) {
  process.stderr.write('needs root and netconfd + sshd (test/setup.sh)\n');
  process.exit(2);
}

const NS = 'urn:example:config';
const whole = (hostname: string, description: string) =>
  `<system xmlns="${NS}"><hostname>${hostname}</hostname><interface><name>eth0</name><description>${description}</description><vlan>10</vlan></interface></system>`;
const partial = (hostname: string, description: string) =>
  `<system xmlns="${NS}"><hostname>${hostname}</hostname><interface><name>eth0</name><description>${description}</description></interface></system>`;

const locks = (): DeviceLocks => {
  const held = new Map<string, string>();
  return {
    tryLockDevice: async (h, o) => (held.has(h) && held.get(h) !== o ? false : (held.set(h, o), true)),
    unlockDevice: async (h) => void held.delete(h),
    lockHolder: async (h) => held.get(h),
  };
};

const batches: NetconfdPeers[] = [];
try {
  const started = performance.now();
  for (let left = N; left > 0; left -= BATCH) batches.push(await startNetconfd(Math.min(BATCH, left)));
  process.stdout.write(`${N} netconfd devices up in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  // Each batch has its own client key: one factory per batch, picked by port.
  const byPort = new Map<number, SessionFactory>();
  for (const b of batches) {
    const f = createSessionFactory({
      credentials: { username: b.username, privateKey: b.privateKey },
      timeouts: { connectMs: 30_000, helloMs: 30_000, rpcMs: 30_000 },
    });
    for (const p of b.ports) byPort.set(p, f);
  }
  /** [start, end] of every get-config, to time the read-back phases. */
  const reads: [number, number][] = [];
  const factory: SessionFactory = {
    open: async (t) => {
      const s = await byPort.get(t.port)!.open(t);
      const read = s.getRunningConfig.bind(s);
      s.getRunningConfig = async () => {
        const start = performance.now();
        try {
          return await read();
        } finally {
          reads.push([start, performance.now()]);
        }
      };
      return s;
    },
  };
  const targets: DeviceTarget[] = batches
    .flatMap((b) => b.ports)
    .map((port, i) => ({ hostname: `bench-${i}`, host: '127.0.0.1', port, platform: 'netconf', transport: 'netconf', hostKeyFingerprint: null }));

  const floor = async (): Promise<number> => {
    const t = performance.now();
    await mapLimit(targets, CONCURRENCY, async (target) => {
      const s = await factory.open(target);
      await s.close();
    });
    return performance.now() - t;
  };

  const transaction = async (id: string, mode: LoadMode): Promise<{ ms: number; verifyMs: number }> => {
    const marks = new Map<string, number>();
    reads.length = 0;
    const config = mode === 'replace' ? whole : partial;
    const t = performance.now();
    const outcome = await runTransaction(
      { id, items: targets.map((target) => ({ target, config: config(`h${id}`, `d-${id}`) })), flags: { concurrency: CONCURRENCY, mode } },
      { sessions: factory, locks: locks(), onPhase: (phase) => void marks.set(phase, performance.now()) },
    );
    const ms = performance.now() - t;
    /** From the phase's start to the last get-config started in [from, to) answered. */
    const window = (from: number, to: number) => Math.max(from, ...reads.filter(([a]) => a >= from && a < to).map(([, b]) => b)) - from;
    const verifyMs = window(marks.get('verify')!, marks.get('confirm')!) + window(marks.get('verify-confirmed')!, t + ms);
    if (outcome.status !== 'complete') throw new Error(`transaction failed: ${JSON.stringify(outcome.errors).slice(0, 500)}`);
    // Honest numbers only: every device must really run the new config (a separate session, not the engine's).
    await mapLimit(targets, CONCURRENCY, async (target) => {
      const s = await factory.open(target);
      try {
        const running = await s.getRunningConfig();
        if (!running.includes(`<hostname>h${id}</hostname>`) || !running.includes(`<description>d-${id}</description>`))
          throw new Error(`${target.hostname} does not run the pushed config`);
      } finally {
        await s.close();
      }
    });
    return { ms, verifyMs };
  };

  await floor(); // warm-up: JIT, agents' first sessions
  const floors: number[] = [];
  const runs: Record<LoadMode, { ms: number; verifyMs: number }[]> = { replace: [], merge: [] };
  for (let r = 0; r < ROUNDS; r++) {
    floors.push(await floor());
    runs.replace.push(await transaction(`r${r}`, 'replace'));
    floors.push(await floor());
    runs.merge.push(await transaction(`m${r}`, 'merge'));
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  const best = (v: number[]) => Math.min(...v);
  // Each transaction against the floor measured just before it: load from other processes varies between rounds.
  const ratios = (mode: LoadMode, of: (x: { ms: number; verifyMs: number }) => number) =>
    runs[mode].map((x, r) => of(x) / floors[2 * r + (mode === 'merge' ? 1 : 0)]!);
  const range = (v: number[]) => `${median(v).toFixed(2)}x (${Math.min(...v).toFixed(2)}-${Math.max(...v).toFixed(2)})`;
  const table = new Table({ head: ['measure', 'median', 'best', 'per-round ratio to the floor before it: median (min-max)'], style: { head: [], border: [] } });
  const f = floors;
  table.push([`floor: SSH connect + hello, ${N} devices`, `${median(f).toFixed(0)} ms`, `${best(f).toFixed(0)} ms`, '1.00x']);
  for (const mode of ['replace', 'merge'] as const) {
    const tx = runs[mode].map((x) => x.ms);
    const v = runs[mode].map((x) => x.verifyMs);
    table.push(
      [
        `transaction (${mode}, validate, confirmed commit, 2 read-backs)`,
        `${median(tx).toFixed(0)} ms`,
        `${best(tx).toFixed(0)} ms`,
        `${range(ratios(mode, (x) => x.ms))} target <= 1.20x`,
      ],
      [
        `  of which the read-backs (verify, verify-confirmed)`,
        `${median(v).toFixed(0)} ms`,
        `${best(v).toFixed(0)} ms`,
        range(ratios(mode, (x) => x.verifyMs)),
      ],
    );
  }
  process.stdout.write(
    `${table.toString()}\nconcurrency ${CONCURRENCY}; ${N} netconfd devices; ${ROUNDS} rounds of floor, replace, floor, merge; every transaction checked on every device\n`,
  );
  process.stdout.write(
    `rounds (ms): floor ${floors.map((x) => x.toFixed(0)).join(', ')}; replace ${runs.replace.map((x) => x.ms.toFixed(0)).join(', ')}; merge ${runs.merge.map((x) => x.ms.toFixed(0)).join(', ')}\n`,
  );
} finally {
  for (const b of batches) await b.stop();
}
