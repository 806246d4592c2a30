/**
 * Webhook -> unsynchronized latency through a real daemon (real HTTP, a real git repo with one device folder per ten
 * devices) holding `count` devices on the given store (the embedded one when none): each sample pushes a change to
 * one device's folder, posts the signed webhook and waits until that device is marked unsynchronized. The first
 * webhook after start (which also pays for code run for the first time) is reported on its own, apart from the
 * `samples` that follow it.
 * Shared by bench/webhook.ts and bench/replicas.ts.
 */
import { execFile } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildDevice } from '../../src/model/device.ts';
import { SECRET, startGitOps } from '../../test/helpers/gitopsDaemon.ts';

export async function webhookLatency(count: number, samples: number, store?: Record<string, unknown>): Promise<{ first: number; latencies: number[] }> {
  const f = await startGitOps({}, undefined, store ? { store } : {});
  const now = new Date();
  const devices = Array.from({ length: count }, (_, i) => {
    const type = i % 20 === 0 ? 'CORE' : i % 20 < 4 ? 'DIST' : 'ACCESS';
    return buildDevice({ hostname: `sw-${i}`, managementIp: '10.0.0.1', platform: type === 'ACCESS' ? 'eos' : 'netconf', type, groups: [`g${i % 100}`] }, now);
  });
  for (let i = 0; i < devices.length; i += 1000) await f.t.daemon.store.changeDevices({ create: devices.slice(i, i + 1000) });
  const seed: Record<string, string> = {};
  for (let i = 0; i < count; i += 10)
    seed[`devices/sw-${i}/interfaces.yml`] = `interfaces:\n  - { name: Ethernet${i % 48}, description: port ${i}, vlan: 10 }\n`;
  f.settings.commitAndPush(seed, 'device folders');
  await f.t.daemon.gitops!.intake.pollAll();
  await f.syncAll();
  const exec = promisify(execFile);
  const latencies: number[] = [];
  for (let i = 0; i <= samples; i++) {
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
    while ((await f.t.daemon.store.getDevice(host))!.synchronized) await new Promise((r) => setTimeout(r, 1));
    latencies.push(performance.now() - start);
    await f.t.daemon.gitops!.intake.idle();
  }
  await f.cleanup();
  return { first: latencies[0]!, latencies: latencies.slice(1) };
}
