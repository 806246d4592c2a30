/**
 * The quick start (`npm start`): everything a newcomer needs on one machine.
 * On first run it makes the example settings and templates repos real git
 * repos (a bare "server" repo with the post-receive hook, and a working clone
 * to edit), then starts a lab of simulated devices and the daemon tracking
 * those repos. Like daemon.ts, this only wires; it holds no business rules.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, copyFile, cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse as parseYaml, stringify } from 'yaml';
import { parseConfig } from '../config/load.ts';
import type { Daemon } from './daemon.ts';
import { createDaemon } from './daemon.ts';
import { startLab } from '../lab/index.ts';
import type { Lab } from '../lab/types.ts';
import type { Logger } from '../model/ports.ts';

// The package root (src/compose/ or dist/compose/ -> two levels up), where examples/ and hooks/ live.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

export interface QuickstartOptions {
  /** Where state lives: store, lab, bare repos (default .netsync). */
  dataDir: string;
  /** Where the working clones go that the user edits (default ./demo). */
  workDir: string;
  port: number;
  /** 0 = free ports. */
  labBasePort: number;
  autoSync: boolean;
  logger: Logger;
  /** Where to write the config it runs with, for `netsync render -c netsync.yml` and friends (default ./netsync.yml). */
  configFile?: string;
}

export interface Quickstart {
  daemon: Daemon;
  lab: Lab;
  url: string;
  workDir: string;
  /** False when an earlier run already made the repos (the printed steps differ). */
  firstRun: boolean;
  /** The netsync.yml written, or why none was (a file of the user's own was there). */
  configFile: { path: string; written: boolean };
  stop(): Promise<void>;
}

interface ExampleDevice {
  hostname: string;
  platform: string;
  type: string;
  groups?: string[];
}

export async function startQuickstart(opts: QuickstartOptions): Promise<Quickstart> {
  const dataDir = resolve(opts.dataDir);
  const workDir = resolve(opts.workDir);
  const demoDir = join(dataDir, 'demo');
  await mkdir(demoDir, { recursive: true });

  const secret = await demoSecret(demoDir);
  const examples = (parseYaml(await readFile(join(ROOT, 'examples', 'inventory.yml'), 'utf8')) as { devices: ExampleDevice[] }).devices;
  const lab = await startLab({
    devices: examples.map((d, i) => ({
      hostname: d.hostname,
      platform: d.platform === 'eos' ? ('eos' as const) : ('netconf' as const),
      ...(opts.labBasePort ? { port: opts.labBasePort + i } : {}),
    })),
    stateDir: join(demoDir, 'lab'),
  });

  try {
    // The lab decides the ports; the example inventory gives types and groups.
    const inventory = lab.inventory().map((entry) => {
      const example = examples.find((e) => e.hostname === entry.hostname)!;
      return { ...entry, type: example.type, groups: example.groups ?? [] };
    });
    const inventoryFile = join(demoDir, 'inventory.yml');
    await writeFile(inventoryFile, stringify({ devices: inventory }));

    const bare = { settings: join(demoDir, 'git', 'settings.git'), templates: join(demoDir, 'git', 'templates.git') };
    const raw = {
      listen: { host: '127.0.0.1', port: opts.port },
      dataDir,
      inventory: { seed: inventoryFile },
      repos: {
        settings: { path: bare.settings, branch: 'main', webhookSecrets: [secret] },
        templates: { path: bare.templates, branch: 'main', webhookSecrets: [secret] },
      },
      intake: { poll: '*/1 * * * *' },
      devices: { username: lab.username, password: lab.password, confirmTimeoutSeconds: 120 },
      scheduler: { autoSync: { enabled: opts.autoSync, cron: '*/1 * * * *' }, driftCheck: { enabled: true, cron: '*/2 * * * *' } },
      log: { level: 'warn' },
    };
    const config = parseConfig(raw);
    const firstRun = !(await exists(bare.settings));
    for (const repo of ['settings', 'templates'] as const) await initRepo(repo, bare[repo], join(workDir, repo));

    const daemon = await createDaemon({ config, baseDir: dataDir, resolvePath: (p) => resolve(dataDir, p) }, { logger: opts.logger });
    await followLabPorts(daemon, inventory);
    const address = await daemon.listen();
    const url = `http://127.0.0.1:${address.port}`;
    const configPath = resolve(opts.configFile ?? 'netsync.yml');
    const written = await writeOwnConfig(configPath, { ...raw, listen: { ...raw.listen, port: address.port } });
    for (const repo of ['settings', 'templates'] as const) {
      // post-receive: tell the daemon and print its verdict; pre-receive: refuse a push netsync cannot render.
      await installHook(bare[repo], 'post-receive', { 'netsync.url': url, 'netsync.repo': repo, 'netsync.secret': secret });
      await installHook(bare[repo], 'pre-receive', {
        // The hook splits this on spaces (no quoting): fine for the usual install paths.
        'netsync.command': `${process.execPath} ${join(ROOT, 'bin', 'netsync.js')}`,
        'netsync.config': configPath,
        'netsync.branch': 'main',
      });
    }
    // Make sure the repos are baselined before anyone pushes (intake also catches up on its own at start).
    await Promise.all((['settings', 'templates'] as const).map((r) => daemon.gitops!.intake.refresh(r, 'quickstart')));
    return {
      daemon,
      lab,
      url,
      workDir,
      firstRun,
      configFile: { path: configPath, written },
      async stop() {
        await daemon.stop();
        await lab.stop();
      },
    };
  } catch (err) {
    await lab.stop();
    throw err;
  }
}

/**
 * The inventory seed is imported only into an empty store, but a restarted lab listens on new free ports:
 * point the stored devices at where the lab devices are now, or every sync after a restart is unreachable.
 */
async function followLabPorts(daemon: Daemon, lab: { hostname: string; managementIp: string; port: number }[]): Promise<void> {
  for (const entry of lab) {
    const device = await daemon.store.getDevice(entry.hostname);
    if (device && (device.port !== entry.port || device.managementIp !== entry.managementIp)) {
      await daemon.inventory.update(device.hostname, { managementIp: entry.managementIp, port: entry.port }, 'quickstart');
    }
  }
}

/** The webhook secret shared by the hook and the daemon; made once, kept in the data dir (0600). */
async function demoSecret(demoDir: string): Promise<string> {
  const file = join(demoDir, 'webhook-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const secret = randomBytes(24).toString('hex');
    await writeFile(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function git(cwd: string, ...args: string[]): Promise<void> {
  await run('git', args, {
    cwd,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'netsync quickstart',
      GIT_AUTHOR_EMAIL: 'quickstart@netsync.invalid',
      GIT_COMMITTER_NAME: 'netsync quickstart',
      GIT_COMMITTER_EMAIL: 'quickstart@netsync.invalid',
    },
  });
}

/** First run only: a bare repo seeded with examples/<repo>, and a working clone of it to edit. */
async function initRepo(repo: 'settings' | 'templates', bare: string, work: string): Promise<void> {
  if (!(await exists(bare))) {
    await mkdir(bare, { recursive: true });
    await git(bare, 'init', '--bare', '-q', '-b', 'main');
    const seed = join(bare, '..', `${repo}-seed`);
    await cp(join(ROOT, 'examples', repo), seed, { recursive: true });
    await git(seed, 'init', '-q', '-b', 'main');
    await git(seed, 'add', '-A');
    await git(seed, 'commit', '-q', '-m', `example ${repo}`);
    await git(seed, 'push', '-q', bare, 'main');
  }
  if (!(await exists(join(work, '.git')))) {
    await mkdir(work, { recursive: true });
    await git(work, 'clone', '-q', bare, '.');
  }
}

const MARKER = '# Written by `netsync quickstart` on every start: the config it runs with (edits are overwritten).\n';

/**
 * Writes the quick start's config where the user works, so `netsync render -c netsync.yml` and the other
 * documented commands see the same repos, store and devices. A netsync.yml of the user's own is left alone.
 */
async function writeOwnConfig(path: string, raw: Record<string, unknown>): Promise<boolean> {
  const current = await readFile(path, 'utf8').catch(() => undefined);
  if (current !== undefined && !current.startsWith(MARKER)) return false;
  // It holds the demo webhook secret and the lab password: readable by the user only.
  await writeFile(path, `${MARKER}${stringify(raw)}`, { mode: 0o600 });
  await chmod(path, 0o600);
  return true;
}

async function installHook(bare: string, name: 'post-receive' | 'pre-receive', settings: Record<string, string>): Promise<void> {
  const hook = join(bare, 'hooks', name);
  await copyFile(join(ROOT, 'hooks', name), hook);
  await chmod(hook, 0o755);
  for (const [key, value] of Object.entries(settings)) await git(bare, 'config', key, value);
}
