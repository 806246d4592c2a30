/**
 * CLI start-up and daemon memory benchmark, all against baselines measured in the same run.
 * Run: `npm run build && node --import tsx bench/cliStartup.ts [runs]` (default 15 runs per timing).
 * 1. `netsync --version` against `node -e 0` (process start alone); target within 1.5x.
 * 2. `netsync status` against a daemon holding 1,000 devices; target < 300 ms (baseline: `netsync --version`).
 * 3. `netsync serve` memory from /proc/<pid>/status: VmRSS idle 15 s after start (target <= 80 MB; the figure 2 s
 *    after start is printed beside it), and VmHWM (the peak) during a 60-device transaction through the REST API
 *    (target <= 100 MB; the start-up peak is reset through /proc/<pid>/clear_refs first and printed beside it).
 * The CLI and the daemon run the compiled dist/ exactly as `bin/netsync.js` does for a user.
 */
import { execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Table from 'cli-table3';
import { stringify } from 'yaml';
import { startLab } from '../src/lab/index.ts';
import { labConfig } from '../test/integration/commit/labConfigs.ts';
import { NETSYNC_BIN } from '../test/helpers/cli.ts';

const RUNS = Number(process.argv[2] ?? 15);
const DEVICES = 1000;
const TX_DEVICES = 60;
/** How long the daemon has been idle when its resident memory is read. */
const IDLE_MS = 15_000;
const TOKEN = 'bench-operator-token-0123456789';
const run = promisify(execFile);
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

async function timed(cmd: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  const t = performance.now();
  await run(process.execPath, cmd, { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  return performance.now() - t;
}

/** VmRSS and VmHWM of a process, in MB. */
function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

const dir = await mkdtemp(join(tmpdir(), 'netsync-bench-cli-'));
const lab = await startLab({ devices: TX_DEVICES, platform: 'mixed', stateDir: join(dir, 'lab'), hostnamePrefix: 'bench' });
let daemon: ReturnType<typeof spawn> | undefined;
try {
  // 60 reachable lab devices and 940 more records: the status table lists 1,000.
  const inventory = [
    ...lab.inventory(),
    ...Array.from({ length: DEVICES - TX_DEVICES }, (_, i) => ({
      hostname: `paper-${i + 1}`,
      managementIp: '127.0.0.1',
      port: 1,
      platform: 'eos',
      type: 'ACCESS',
    })),
  ];
  await writeFile(join(dir, 'inventory.yml'), stringify({ devices: inventory }));
  await writeFile(
    join(dir, 'netsync.yml'),
    stringify({
      listen: { host: '127.0.0.1', port: 0 },
      dataDir: dir,
      inventory: { seed: join(dir, 'inventory.yml') },
      api: { tokens: [{ name: 'bench', token: TOKEN, role: 'operator' }] },
      devices: { username: lab.username, password: lab.password },
      log: { level: 'warn' },
    }),
  );
  daemon = spawn(process.execPath, [NETSYNC_BIN, 'serve', '-c', join(dir, 'netsync.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    daemon!.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    daemon!.once('exit', (code) => reject(new Error(`netsync serve exited ${code}:\n${stderr}`)));
  });
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const { devices } = await api<{ devices: unknown[] }>('GET', '/api/v1/devices');
  if (devices.length !== DEVICES) throw new Error(`the daemon holds ${devices.length} devices, not ${DEVICES}`);
  // Idle: V8's memory reducer compacts a heap that stopped allocating after ~8 s (and shrinks the young
  // generation); 2 s after start the seeding's garbage may still be there, so both figures are printed.
  await new Promise((r) => setTimeout(r, 2000));
  const early = memory(daemon.pid!);
  await new Promise((r) => setTimeout(r, IDLE_MS - 2000));
  const idle = memory(daemon.pid!);

  // Timings alternate between the command and its baseline, so load from other processes hits both alike.
  const env = { NETSYNC_URL: url, NETSYNC_TOKEN: TOKEN };
  const nodeOnly: number[] = [];
  const version: number[] = [];
  const status: number[] = [];
  await timed([NETSYNC_BIN, '--version']); // warm-up: file cache
  for (let i = 0; i < RUNS; i++) {
    nodeOnly.push(await timed(['-e', '0']));
    version.push(await timed([NETSYNC_BIN, '--version']));
    status.push(await timed([NETSYNC_BIN, 'status'], env));
  }
  const statusOut = (await run(process.execPath, [NETSYNC_BIN, 'status'], { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 })).stdout;
  if (!statusOut.includes(`${DEVICES} devices:`)) throw new Error(`netsync status did not list ${DEVICES} devices`);

  // The peak from here on belongs to the transaction: Linux resets VmHWM to the current RSS on "5" in clear_refs
  // (the start-up peak, seeding 1,000 devices, is printed beside it).
  const startPeak = memory(daemon.pid!).hwm;
  let peakReset = true;
  try {
    writeFileSync(`/proc/${daemon.pid}/clear_refs`, '5');
  } catch {
    peakReset = false;
  }
  // One transaction over the 60 lab devices, through the daemon's REST API.
  const staged = await api<{ transaction: { id: string } }>('POST', '/api/v1/transactions', {
    devices: lab.devices.map((d) => ({
      hostname: d.hostname,
      config: labConfig(d.platform === 'eos' ? 'eos' : 'netconf', { hostname: d.hostname, vlan: 42, description: 'bench' }),
    })),
  });
  const t = performance.now();
  const committed = await api<{ transaction: { status: string } }>('POST', `/api/v1/transactions/${staged.transaction.id}/commit`, { confirm_timeout: 120 });
  const txMs = performance.now() - t;
  if (committed.transaction.status !== 'complete') throw new Error(`transaction ${committed.transaction.status}`);
  const after = memory(daemon.pid!);

  const ms = (v: number) => `${v.toFixed(0)} ms`;
  const table = new Table({ head: ['measure', `median of ${RUNS}`, 'baseline', 'ratio / target'], style: { head: [], border: [] } });
  table.push(
    ['netsync --version', ms(median(version)), `node -e 0: ${ms(median(nodeOnly))}`, `${(median(version) / median(nodeOnly)).toFixed(2)}x (target <= 1.50x)`],
    [
      `netsync status, ${DEVICES} devices`,
      ms(median(status)),
      `--version: ${ms(median(version))}`,
      `${(median(status) / median(version)).toFixed(2)}x (target < 300 ms)`,
    ],
    [
      `serve: VmRSS idle, ${IDLE_MS / 1000} s after start`,
      `${idle.rss.toFixed(1)} MB`,
      `2 s: ${early.rss.toFixed(1)} MB; VmHWM ${idle.hwm.toFixed(1)} MB`,
      `${idle.rss <= 80 ? 'ok' : 'OVER'} (target <= 80 MB)`,
    ],
    [
      `serve: VmHWM during a ${TX_DEVICES}-device transaction`,
      `${after.hwm.toFixed(1)} MB`,
      `${peakReset ? 'start-up peak' : 'peak not reset; includes start-up'}: ${startPeak.toFixed(1)} MB`,
      `${after.hwm <= 100 ? 'ok' : 'OVER'} (target <= 100 MB; took ${ms(txMs)})`,
    ],
  );
  process.stdout.write(`${table.toString()}\n`);
  process.stdout.write(
    `runs (ms): node ${nodeOnly.map((x) => x.toFixed(0)).join(', ')}\n  --version ${version.map((x) => x.toFixed(0)).join(', ')}\n  status ${status.map((x) => x.toFixed(0)).join(', ')}\n`,
  );
} finally {
  daemon?.kill('SIGTERM');
  await lab.stop();
  await rm(dir, { recursive: true, force: true });
}
