/**
 * The kill -9 campaign (README "Storage"): a real `netsync serve` child process pushes to lab devices of
 * both platforms, through syncto and through `/transactions`, and is killed (SIGKILL) at exact points of the
 * run: the lab holds one named request (`holdRequests`) until the daemon is dead, so each point is reached
 * deterministically, never by a sleep. After each restart and its recovery every device is read back: no
 * pending session or unconfirmed commit, no device marked synchronized that runs anything but its intended
 * config, no unsynchronized mark lost, no device of the killed job left "running", and the next sync succeeds.
 */
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { persistIdOf } from '../../../src/commit/cancelPending.ts';
import type { DeviceTarget, SessionFactory } from '../../../src/commit/session.ts';
import { canonicalRunning } from '../../../src/drivers/canonicalRunning.ts';
import { createSessionFactory } from '../../../src/drivers/sessionFactory.ts';
import type { LabDevice, LabFaults } from '../../../src/lab/index.ts';
import { NETSYNC_BIN } from '../../helpers/cli.ts';
import { removeDir, tempDir } from '../../helpers/daemon.ts';
import { git, makeRepo } from '../../helpers/gitRepos.ts';
import type { TestRepo } from '../../helpers/gitRepos.ts';
import type { LabFixture } from '../../helpers/labFixture.ts';
import { startTestLab } from '../../helpers/labFixture.ts';
import { EXAMPLES } from '../../helpers/repoFixtures.ts';
import { EXAMPLE_LAB } from '../../helpers/syncLoop.ts';
import { until } from '../../helpers/until.ts';
import { freePorts } from '../../peers/netconfdPeers.ts';

const TOKEN = 'kill-campaign-operator-token-0123';
const EOS1 = 'eos-access-1';
const EOS2 = 'eos-access-2';
const NC1 = 'nc-dist-1';
const NC2 = 'nc-core-1';
const ALL = [EOS1, EOS2, NC1, NC2];

/** Request names of each phase on each platform (see LabFaults.holdRequests). */
const REQUEST = {
  lock: { eos: 'show configuration sessions', netconf: 'lock' },
  write: { eos: 'rollback clean-config', netconf: 'edit-config' },
  validate: { eos: 'show session-config diffs', netconf: 'validate' },
  confirmedCommit: { eos: 'commit timer', netconf: 'commit confirmed' },
  confirm: { eos: 'configure session * commit', netconf: 'commit persist-id' },
  discardOrCancel: { eos: 'configure session * abort', netconf: 'cancel-commit' },
  read: { eos: 'show running-config', netconf: 'get-config' },
} as const;

interface KillPoint {
  name: string;
  via: 'syncto' | 'transaction';
  /** Faults set before the run starts (besides holds), e.g. a device that fails so the others roll back. */
  faults?: Record<string, Partial<LabFaults>>;
  /** Requests held on each device; the run is killed once `ready` holds. */
  hold: Record<string, keyof typeof REQUEST>;
  /** Then, once held: switch to these holds (releasing the first ones) and wait again. */
  thenHold?: Record<string, keyof typeof REQUEST>;
  /** Devices that must be holding a request before the kill (default: every device in `thenHold` or else `hold`). */
  ready?: string[];
  /** Devices whose confirm must have been applied before the kill. */
  confirmed?: string[];
}

/**
 * The kill points: each category of the issue (lock, write, validate, confirmed commit, before confirm,
 * confirm, rollback, the store write after a device succeeded) on at least one platform, both platforms in
 * all, through syncto and /transactions. Each costs a daemon restart, so the list is kept to what adds a case.
 */
const POINTS: KillPoint[] = [
  { name: 'syncto, EOS device lock', via: 'syncto', hold: { [EOS1]: 'lock' } },
  { name: 'syncto, NETCONF write', via: 'syncto', hold: { [NC1]: 'write' } },
  { name: 'syncto, NETCONF validate', via: 'syncto', hold: { [NC2]: 'validate' } },
  { name: 'syncto, EOS confirmed commit', via: 'syncto', hold: { [EOS1]: 'confirmedCommit' } },
  { name: 'syncto, before any confirm (both platforms)', via: 'syncto', hold: { [EOS1]: 'confirm', [EOS2]: 'confirm', [NC1]: 'confirm', [NC2]: 'confirm' } },
  { name: 'syncto, NETCONF confirm (the others confirmed)', via: 'syncto', hold: { [NC1]: 'confirm' }, confirmed: [EOS1, EOS2, NC2] },
  { name: 'syncto, NETCONF rollback (cancel-commit)', via: 'syncto', faults: { [EOS2]: { commitError: 'TCAM full' } }, hold: { [NC1]: 'discardOrCancel' } },
  { name: 'syncto, EOS rollback (abort)', via: 'syncto', faults: { [NC2]: { validationError: 'vlan name refused' } }, hold: { [EOS1]: 'discardOrCancel' } },
  { name: 'syncto, EOS store write after the device succeeded', via: 'syncto', hold: { [EOS2]: 'confirm' }, thenHold: { [EOS2]: 'read' }, confirmed: [EOS2] },
  { name: '/transactions, NETCONF confirmed commit', via: 'transaction', hold: { [NC2]: 'confirmedCommit' } },
  { name: '/transactions, EOS write', via: 'transaction', hold: { [EOS2]: 'write' } },
  {
    name: '/transactions, before any confirm (both platforms)',
    via: 'transaction',
    hold: { [EOS1]: 'confirm', [EOS2]: 'confirm', [NC1]: 'confirm', [NC2]: 'confirm' },
  },
];

describe('kill -9 campaign: crash at every phase, both platforms, syncto and /transactions', function () {
  this.timeout(240_000);
  let lab: LabFixture;
  let dir: string;
  let settings: TestRepo;
  let templates: TestRepo;
  let configFile = '';
  let url = '';
  let child: ChildProcess | undefined;
  let factory: SessionFactory;
  /** The vlan name the settings repo gives every device now. */
  let vlanName = 'users';

  const device = (h: string): LabDevice => lab.lab.device(h);
  const target = (h: string): DeviceTarget => {
    const d = device(h);
    return {
      hostname: h,
      host: '127.0.0.1',
      port: d.port,
      platform: d.platform,
      transport: d.platform === 'eos' ? 'eos-cli' : 'netconf',
      hostKeyFingerprint: d.hostKeyFingerprint,
    };
  };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const serve = async () => {
    child = spawn(process.execPath, [NETSYNC_BIN, 'serve', '--config', configFile], { stdio: 'ignore' });
    await until(
      async () =>
        await fetch(`${url}/healthz`)
          .then((r) => r.ok)
          .catch(() => false),
      'the daemon to answer',
      90_000,
    );
  };
  const kill = async () => {
    const c = child!;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  };
  const waitJob = async (id: string) => {
    let job: any;
    await until(
      async () => ['FINISHED', 'FAILED', 'ABORTED'].includes((job = (await call('GET', `/api/v1/jobs/${id}`)).body.job).status),
      `job ${id} to end`,
      60_000,
    );
    return job;
  };
  const devices = async () => Object.fromEntries(((await call('GET', '/api/v1/devices')).body.devices as any[]).map((d) => [d.hostname, d]));
  /** The running config of a device once it runs `name` as vlan 10's name (the rest is what the templates give it). */
  const withVlanName = (h: string, from: string, to: string) => device(h).runningConfig().split(from).join(to);

  /** A settings change for every device (vlan 10's name); waits until all four are unsynchronized. */
  async function pushSettings(name: string): Promise<void> {
    const file = join(settings.work, 'global/vlans.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(`name: ${vlanName} }`, `name: ${name} }`));
    git(settings.work, 'commit', '-qam', `vlan 10 is ${name}`);
    await promisify(execFile)('git', ['push', '-q', 'origin', 'HEAD:main'], { cwd: settings.work });
    expect((await call('POST', '/api/v1/repositories/settings/refresh')).status).to.be.oneOf([200, 202]);
    await until(async () => Object.values(await devices()).every((d: any) => d.synchronized === false), 'the devices to be unsynchronized');
    vlanName = name;
  }

  before(async () => {
    lab = await startTestLab({ devices: EXAMPLE_LAB, basePort: 0 });
    factory = createSessionFactory({
      credentials: { username: lab.lab.username, password: lab.lab.password },
      canonicalize: canonicalRunning,
      timeouts: { connectMs: 5000, helloMs: 5000, rpcMs: 5000 },
    });
    dir = await tempDir('netsync-kill-');
    settings = makeRepo(dir, 'settings', join(EXAMPLES, 'settings'));
    templates = makeRepo(dir, 'templates', join(EXAMPLES, 'templates'));
    const [port] = await freePorts(1);
    url = `http://127.0.0.1:${port}`;
    configFile = join(dir, 'netsync.yml');
    writeFileSync(
      configFile,
      stringify({
        listen: { host: '127.0.0.1', port },
        dataDir: join(dir, 'data'),
        log: { level: 'silent' },
        api: { tokens: [{ name: 'ops', token: TOKEN, role: 'operator' }] },
        inventory: { seed: join(EXAMPLES, 'inventory.yml') },
        repos: { settings: { path: settings.bare, branch: 'main' }, templates: { path: templates.bare, branch: 'main' } },
        intake: { poll: false },
        devices: { username: lab.lab.username, password: lab.lab.password, rpcTimeoutMs: 20_000, confirmTimeoutSeconds: 300 },
      }),
    );
    await serve();
    for (const d of lab.lab.devices)
      expect((await call('PATCH', `/api/v1/devices/${d.hostname}`, { managementIp: '127.0.0.1', port: d.port })).status).to.equal(200);
    const job = await waitJob((await call('POST', '/api/v1/syncto', { all: true })).body.job_id);
    expect(job.status, JSON.stringify(job.perDevice)).to.equal('FINISHED');
  });
  after(async () => {
    child?.kill('SIGKILL');
    await lab?.stop();
    if (dir) await removeDir(dir);
  });

  POINTS.forEach((point, i) => {
    it(`killed at: ${point.name}`, async () => {
      const before = Object.fromEntries(ALL.map((h) => [h, device(h).runningConfig()]));
      const next = `users-kp${i + 1}`;
      const previous = vlanName;
      await pushSettings(next);
      const intended = Object.fromEntries(ALL.map((h) => [h, withVlanName(h, previous, next)]));
      const commitsBefore = Object.fromEntries(ALL.map((h) => [h, device(h).counters().commits]));

      for (const [h, f] of Object.entries(point.faults ?? {})) device(h).setFaults(f);
      const holdAll = (holds: Record<string, keyof typeof REQUEST>) => {
        for (const [h, phase] of Object.entries(holds)) device(h).setFaults({ holdRequests: [REQUEST[phase][device(h).platform]] });
      };
      holdAll(point.hold);

      // Start the run; the daemon answers the syncto at once, and the transaction commit only when done (never).
      let runId: string;
      if (point.via === 'syncto') {
        runId = (await call('POST', '/api/v1/syncto', { all: true })).body.job_id;
      } else {
        const staged = await call('POST', '/api/v1/transactions', {
          devices: ALL.map((h) => ({ hostname: h, config: withVlanName(h, previous, `tx-${i + 1}`) })),
        });
        expect(staged.status, JSON.stringify(staged.body)).to.equal(201);
        runId = staged.body.transaction.id;
        void call('POST', `/api/v1/transactions/${runId}/commit`, {}).catch(() => undefined);
      }
      const heldOn = (holds: Record<string, unknown>) => Object.keys(holds).every((h) => device(h).counters().heldRequests > 0);
      await until(() => heldOn(point.hold), 'the run to reach the kill point', 60_000);
      if (point.thenHold) {
        holdAll(point.thenHold);
        await until(() => heldOn(point.thenHold!), 'the run to reach the second kill point', 60_000);
      }
      for (const h of point.confirmed ?? []) {
        await until(() => device(h).counters().commits >= commitsBefore[h]! + 2, `${h} to confirm`, 60_000);
      }
      await kill();
      // Held requests are lost with their connections: release them only once the lab has seen every connection end.
      await until(() => ALL.every((h) => device(h).counters().activeSessions === 0), "the dead daemon's connections to end");
      for (const h of ALL) device(h).clearFaults();
      await until(() => ALL.every((h) => device(h).counters().heldRequests === 0), 'held requests to be released');

      await serve();
      // Recovery is done when the owner has recorded it.
      let record: any;
      if (point.via === 'syncto') {
        await until(
          async () => ((record = (await call('GET', `/api/v1/jobs/${runId}`)).body.job).log ?? []).some((l: string) => l.startsWith('recovery:')),
          'the job recovery',
          60_000,
        );
        expect(record.status).to.equal('ABORTED');
        for (const h of ALL) expect(record.perDevice[h]?.status, `${h} in the aborted job`).to.be.oneOf(['synced', 'unchanged', 'failed']);
      } else {
        await until(
          async () => (record = (await call('GET', `/api/v1/transactions/${runId}`)).body.transaction).recovery !== undefined,
          'the transaction recovery',
          60_000,
        );
        expect(record.status).to.equal('aborted');
      }

      // Every device, read over its own protocol: nothing pending, and the store tells the truth.
      const stored = await devices();
      for (const h of ALL) {
        const s = await factory.open(target(h));
        try {
          await s.lock(); // EOS: refused while any config session is pending
          if (device(h).platform === 'netconf') {
            const refused = await s.cancelCommit(persistIdOf(runId)).then(
              () => false,
              () => true,
            );
            expect(refused, `${h}: a confirmed commit of the killed run was still pending`).to.equal(true);
          }
        } finally {
          await s.close();
        }
        const running = device(h).runningConfig();
        expect(
          [before[h], intended[h], ...(point.via === 'transaction' ? [withVlanName(h, previous, `tx-${i + 1}`)] : [])],
          `${h} runs something unexpected`,
        ).to.include(running);
        // Every device was unsynchronized before the kill: it may only have become synchronized by running its intended config.
        if (stored[h].synchronized) expect(running, `${h} is marked synchronized`).to.equal(intended[h]);
      }

      const job = await waitJob((await call('POST', '/api/v1/syncto', { all: true })).body.job_id);
      expect(job.status, JSON.stringify(job.perDevice)).to.equal('FINISHED');
      const after = await devices();
      for (const h of ALL) {
        expect(after[h].synchronized, `${h}: ${JSON.stringify(job.perDevice[h])}`).to.equal(true);
        expect(device(h).runningConfig(), h).to.equal(intended[h]);
      }
    });
  });
});
