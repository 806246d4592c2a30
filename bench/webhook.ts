/**
 * Webhook -> unsynchronized latency through a real daemon (real HTTP, a real git repo with one device folder
 * per ten devices, the embedded store) holding 500 and N devices: each sample pushes a change to one device's
 * folder, posts the signed webhook and waits until that device is marked unsynchronized.
 * Run: `node --import tsx bench/webhook.ts [devices]` (SAMPLES=30). Prints a table with the load average.
 */
import { execFile } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildDevice } from '../src/model/device.ts';
import { SECRET, startGitOps } from '../test/helpers/gitopsDaemon.ts';

const N = Number(process.argv[2] ?? 10_000);
const rows: [string, string, string, string][] = [];
const row = (name: string, value: string, target: string, ratio: string) => {
  rows.push([name, value, target, ratio]);
  process.stderr.write(`${name}: ${value}\n`);
};
const pct = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor((p / 100) * v.length))]!;
const devices = Array.from({ length: N }, (_, i) => {
  const type = i % 20 === 0 ? 'CORE' : i % 20 < 4 ? 'DIST' : 'ACCESS';
  return { hostname: `sw-${i}`, type, platform: type === 'ACCESS' ? 'eos' : 'netconf', groups: [`g${i % 100}`], managementIp: '10.0.0.1' };
});
row(
  'load average (1 / 5 / 15 min) at the start',
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' / '),
  '-',
  '-',
);

async function webhookLatency(count: number, samples: number): Promise<number[]> {
  const f = await startGitOps();
  const now = new Date();
  await f.t.daemon.store.changeDevices({
    create: devices
      .slice(0, count)
      .map((d) => buildDevice({ hostname: d.hostname, managementIp: d.managementIp, platform: d.platform, type: d.type, groups: d.groups }, now)),
  });
  // A settings repo of realistic size: one device folder per ten devices.
  const seed: Record<string, string> = {};
  for (let i = 0; i < count; i += 10)
    seed[`devices/sw-${i}/interfaces.yml`] = `interfaces:\n  - { name: Ethernet${i % 48}, description: port ${i}, vlan: 10 }\n`;
  f.settings.commitAndPush(seed, 'device folders');
  await f.t.daemon.gitops!.intake.pollAll();
  await f.syncAll();
  const exec = promisify(execFile);
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const host = `sw-${(i * 7919) % count}`;
    mkdirSync(join(f.settings.work, 'devices', host), { recursive: true });
    writeFileSync(join(f.settings.work, 'devices', host, 'bench.yml'), `vlans:\n  - { id: ${200 + i}, name: bench-${i} }\n`);
    await exec('git', ['add', '-A'], { cwd: f.settings.work });
    await exec('git', ['-c', 'user.name=Bench', '-c', 'user.email=bench@example.net', 'commit', '-q', '-m', `bench ${i}`], { cwd: f.settings.work });
    await exec('git', ['push', '-q', 'origin', 'HEAD:main'], { cwd: f.settings.work });
    const after = (await exec('git', ['rev-parse', 'HEAD'], { cwd: f.settings.work })).stdout.trim();
    const body = JSON.stringify({ ref: 'refs/heads/main', before: '0'.repeat(40), after, repository: { full_name: 'netops/settings' } });
    const start = performance.now();
    const res = await fetch(`${f.t.url}/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
      },
      body,
    });
    if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
    // The watcher shares the daemon's process: check every millisecond, not in a busy loop.
    while ((await f.t.daemon.store.getDevice(host))!.synchronized) await new Promise((r) => setTimeout(r, 1));
    latencies.push(performance.now() - start);
    await f.t.daemon.gitops!.intake.idle();
  }
  await f.cleanup();
  return latencies;
}
const SAMPLES = Number(process.env.SAMPLES ?? 30);
const small = await webhookLatency(500, SAMPLES);
const large = await webhookLatency(N, SAMPLES);
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
