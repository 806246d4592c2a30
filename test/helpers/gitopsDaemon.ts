/** A real daemon tracking two real bare repos (settings, templates) seeded from examples/, with the example inventory. */
import { createHmac, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Device } from '../../src/model/device.ts';
import type { SyncEvent } from '../../src/model/events.ts';
import type { TestRepo } from './gitRepos.ts';
import { makeRepo } from './gitRepos.ts';
import { EXAMPLES } from './repoFixtures.ts';
import type { DaemonOptions } from '../../src/compose/daemon.ts';
import type { TestDaemon } from './daemon.ts';
import { removeDir, startTestDaemon, tempDir } from './daemon.ts';

export const SECRET = 'test-secret-current';
export const OLD_SECRET = 'test-secret-previous';

export interface GitOpsFixture {
  t: TestDaemon;
  settings: TestRepo;
  templates: TestRepo;
  dir: string;
  /** Mark every device synchronized (the state after a successful syncto), so new marks are visible. */
  syncAll(): Promise<void>;
  device(hostname: string): Promise<Device>;
  openEvents(hostname: string): Promise<SyncEvent[]>;
  /** Polls until `check` returns a truthy value, or fails after `ms`. */
  waitFor<T>(check: () => Promise<T | undefined | false>, ms?: number): Promise<T>;
  cleanup(): Promise<void>;
}

/** `extra`: more config sections (e.g. `checks`); `options`: the daemon's (e.g. a logger to read). */
export async function startGitOps(
  intake: Record<string, unknown> = {},
  daemonDir?: string,
  extra: Record<string, unknown> = {},
  options: DaemonOptions = {},
): Promise<GitOpsFixture> {
  const dir = await tempDir('netsync-gitops-');
  const settings = makeRepo(dir, 'settings', join(EXAMPLES, 'settings'));
  const templates = makeRepo(dir, 'templates', join(EXAMPLES, 'templates'));
  const t = await startTestDaemon({
    ...options,
    dir: daemonDir ?? join(dir, 'data'),
    extra: {
      inventory: { seed: join(EXAMPLES, 'inventory.yml') },
      repos: {
        settings: { path: settings.bare, branch: 'main', names: ['netops/settings'], webhookSecrets: [SECRET, OLD_SECRET] },
        templates: { path: templates.bare, branch: 'main', names: ['netops/templates'], webhookSecrets: [SECRET] },
      },
      intake: { poll: false, bodyLimit: '256kb', ...intake },
      ...extra,
    },
  });
  const fixture: GitOpsFixture = {
    t,
    settings,
    templates,
    dir,
    async syncAll() {
      const devices = await t.daemon.store.listDevices();
      await t.daemon.syncStatus.markSynced(
        devices.map((d) => d.hostname),
        { by: 'test' },
      );
    },
    async device(hostname) {
      return (await t.daemon.store.getDevice(hostname))!;
    },
    async openEvents(hostname) {
      return t.daemon.store.listEvents({ hostname, openOnly: true });
    },
    async waitFor(check, ms = 15_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const value = await check();
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async cleanup() {
      await t.stop();
      await removeDir(dir);
    },
  };
  return fixture;
}

/** Sends a webhook the way GitHub does: raw JSON body, X-Hub-Signature-256 over it, event and delivery headers. */
export async function sendGithub(
  url: string,
  event: string,
  payload: unknown,
  opts: { secret?: string; delivery?: string; rawBody?: string } = {},
): Promise<{ status: number; body: any }> {
  const body = opts.rawBody ?? JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', opts.secret ?? SECRET)
    .update(body)
    .digest('hex')}`;
  const res = await fetch(`${url}/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': opts.delivery ?? randomUUID(),
      'x-hub-signature-256': signature,
      'user-agent': 'GitHub-Hookshot/test',
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
