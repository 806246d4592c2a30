/**
 * The whole loop for syncto tests: a lab with the example devices, real bare repos seeded from examples/
 * with the post-receive hook installed, and a daemon tracking them with device credentials.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DaemonOptions } from '../../src/compose/daemon.ts';
import { canonicalRunning } from '../../src/drivers/canonicalRunning.ts';
import type { Job } from '../../src/model/job.ts';
import type { GitOpsFixture } from './gitopsDaemon.ts';
import { SECRET, startGitOps } from './gitopsDaemon.ts';
import { git } from './gitRepos.ts';
import type { LabFixture } from './labFixture.ts';
import { startTestLab } from './labFixture.ts';
import { ROOT } from './repoFixtures.ts';

export const EXAMPLE_LAB = [
  { hostname: 'eos-access-1', platform: 'eos' as const },
  { hostname: 'eos-access-2', platform: 'eos' as const },
  { hostname: 'nc-dist-1', platform: 'netconf' as const },
  { hostname: 'nc-core-1', platform: 'netconf' as const },
];

export interface SyncLoop extends GitOpsFixture {
  labFixture: LabFixture;
  /** Commits, then a real `git push` (async: the daemon shares this process) that fires post-receive. */
  push(repo: 'settings' | 'templates', files: Record<string, string>, message: string): Promise<string>;
  /** POST /api/v1/syncto and wait for the job to end. */
  syncto(body: Record<string, unknown>): Promise<Job>;
  /** The device's intended config, canonical, as rendered by the daemon at the commits in force. */
  intended(hostname: string): Promise<string>;
  stopAll(): Promise<void>;
}

export async function startSyncLoop(extra: Record<string, unknown> = {}, options: DaemonOptions = {}): Promise<SyncLoop> {
  const labFixture = await startTestLab({ devices: EXAMPLE_LAB, basePort: 0 });
  const f = await startGitOps({}, undefined, { devices: { username: 'netsync', password: 'netsync', confirmTimeoutSeconds: 30 }, ...extra }, options);
  // The example inventory names the lab's devices; point it at the ports this lab got.
  for (const d of labFixture.lab.devices) {
    await f.t.call('PATCH', `/api/v1/devices/${d.hostname}`, { managementIp: '127.0.0.1', port: d.port });
  }
  for (const [repo, bare] of [
    ['settings', f.settings.bare],
    ['templates', f.templates.bare],
  ] as const) {
    copyFileSync(join(ROOT, 'hooks', 'post-receive'), join(bare, 'hooks', 'post-receive'));
    git(bare, 'config', 'netsync.url', f.t.url);
    git(bare, 'config', 'netsync.repo', repo);
    git(bare, 'config', 'netsync.secret', SECRET);
  }
  const loop: SyncLoop = {
    ...f,
    labFixture,
    async push(repo, files, message) {
      const work = repo === 'settings' ? f.settings.work : f.templates.work;
      for (const [path, text] of Object.entries(files)) writeFileSync(join(work, path), text);
      git(work, 'add', '-A');
      git(work, 'commit', '-q', '-m', message);
      await promisify(execFile)('git', ['push', '-q', 'origin', 'HEAD:main'], { cwd: work });
      return git(work, 'rev-parse', 'HEAD');
    },
    async syncto(body) {
      const res = await f.t.call('POST', '/api/v1/syncto', body);
      if (res.status !== 202) throw new Error(`syncto answered ${res.status}: ${JSON.stringify(res.body)}`);
      return f.t.daemon.jobs.wait(res.body.job_id);
    },
    async intended(hostname) {
      const device = (await f.t.daemon.store.getDevice(hostname))!;
      const rendered = await f.t.daemon.gitops!.renderer.renderDevice(device);
      return canonicalRunning(device.platform, rendered.config);
    },
    async stopAll() {
      await f.cleanup();
      await labFixture.stop();
    },
  };
  return loop;
}
