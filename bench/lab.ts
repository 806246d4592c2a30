/**
 * Device lab benchmark: start time, memory per device, RPC round trip, and 500
 * concurrent SSH sessions. Run: `node --expose-gc --import tsx bench/lab.ts [devices]`.
 * Clients run in the same process as the lab (both share the CPU), so figures are conservative.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { startLab, type Lab } from '../src/lab/index.ts';
import { NETSYNC_BIN } from '../test/helpers/cli.ts';
import { EosShellClient, RawNetconf } from '../test/helpers/labClient.ts';

const N = Number(process.argv[2] ?? 500);
const gc = (globalThis as { gc?: () => void }).gc;
const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
const rows: Array<[string, string]> = [];
const row = (name: string, value: string) => {
  rows.push([name, value]);
  process.stderr.write(`${name}: ${value}\n`);
};

function memory(): { rss: number; heap: number } {
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.external };
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function rtt(lab: Lab, rounds: number): Promise<{ nc: number[]; eos: number[] }> {
  const nc = await RawNetconf.open(lab.devices[0]!.port);
  const eos = await EosShellClient.open(lab.devices[1]!.port);
  const out = { nc: [] as number[], eos: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    out.nc.push(await timed(() => nc.rpc('<get/>')));
    out.eos.push(await timed(() => eos.cmd('show hostname')));
  }
  nc.close();
  eos.close();
  return out;
}

const dir = await mkdtemp(join(tmpdir(), 'netsync-lab-bench-'));
try {
  // Baseline for ratios: a small lab started the same way in the same run.
  const small = 50;
  const m0 = memory();
  let t = performance.now();
  const baseLab = await startLab({ devices: small, stateDir: join(dir, 'small') });
  const baseStart = performance.now() - t;
  const baseRtt = await rtt(baseLab, 100);
  await baseLab.stop();

  t = performance.now();
  let lab = await startLab({ devices: N, stateDir: join(dir, 'big') });
  const firstStart = performance.now() - t;
  row(
    `start ${N} devices, first run (generates host keys)`,
    `${firstStart.toFixed(0)} ms (${(firstStart / N).toFixed(2)} ms/device; ${small}-device lab: ${(baseStart / small).toFixed(2)} ms/device)`,
  );
  await lab.stop();
  const mBefore = memory();
  t = performance.now();
  lab = await startLab({ devices: N, stateDir: join(dir, 'big') });
  const restart = performance.now() - t;
  row(`start ${N} devices, restart (keys and configs from the state dir)`, `${restart.toFixed(0)} ms`);
  const mAfter = memory();
  row(
    'memory per idle device (rss / heap+external)',
    `${((mAfter.rss - mBefore.rss) / N / 1024).toFixed(1)} KiB / ${((mAfter.heap - mBefore.heap) / N / 1024).toFixed(1)} KiB (process rss ${mb(mAfter.rss)} MiB, before any lab ${mb(m0.rss)} MiB)`,
  );

  const idle = await rtt(lab, 200);
  const med = (v: number[]) => percentile(v, 50);
  row(
    'NETCONF <get> round trip, median / p99',
    `${med(idle.nc).toFixed(2)} / ${percentile(idle.nc, 99).toFixed(2)} ms (x${(med(idle.nc) / med(baseRtt.nc)).toFixed(2)} vs ${small}-device lab)`,
  );
  row(
    'EOS `show hostname` round trip, median / p99',
    `${med(idle.eos).toFixed(2)} / ${percentile(idle.eos, 99).toFixed(2)} ms (x${(med(idle.eos) / med(baseRtt.eos)).toFixed(2)} vs ${small}-device lab)`,
  );

  // One session on every device at once (handshakes limited to 64 in flight, as a client pool would).
  const limit = pLimit(64);
  t = performance.now();
  const sessions = await Promise.all(
    lab.devices.map((d) => limit(async () => (d.platform === 'netconf' ? RawNetconf.open(d.port) : EosShellClient.open(d.port)))),
  );
  const openAll = performance.now() - t;
  const active = lab.devices.reduce((n, d) => n + d.counters().activeSessions, 0);
  row(`open ${N} concurrent SSH sessions (NETCONF hello / EOS prompt)`, `${openAll.toFixed(0)} ms, ${active} active on the lab`);
  const mSessions = memory();
  row('memory per open session (rss, lab and client together)', `${((mSessions.rss - mAfter.rss) / N / 1024).toFixed(1)} KiB`);
  t = performance.now();
  const perRpc = await Promise.all(sessions.map((s) => timed(() => (s instanceof RawNetconf ? s.rpc('<get/>') : s.cmd('show hostname')))));
  const burst = performance.now() - t;
  row(
    `one RPC on each of the ${N} sessions at once`,
    `${burst.toFixed(0)} ms total, per RPC median ${med(perRpc).toFixed(1)} / p99 ${percentile(perRpc, 99).toFixed(1)} ms`,
  );
  for (const s of sessions) s.close();
  await lab.stop();

  // The command a user runs, from process start (including loading the TypeScript sources) to the table.
  const cliStart = await new Promise<{ ms: number; exit: number | null }>((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [NETSYNC_BIN, 'lab', '--devices', String(N), '--state-dir', join(dir, 'cli')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let ms = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!ms && out.includes('devices up')) {
        ms = performance.now() - t0;
        child.kill('SIGINT');
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ ms, exit: code }));
  });
  row(`\`netsync lab --devices ${N}\` (new state dir) until the table is printed`, `${cliStart.ms.toFixed(0)} ms; Ctrl-C exit code ${cliStart.exit}`);

  const width = Math.max(...rows.map(([n]) => n.length));
  process.stdout.write(
    `\nnetsync lab benchmark (${N} devices, mixed NETCONF/EOS, node ${process.version}${gc ? '' : ', run with --expose-gc for steadier memory figures'})\n`,
  );
  for (const [name, value] of rows) process.stdout.write(`  ${name.padEnd(width)}  ${value}\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
