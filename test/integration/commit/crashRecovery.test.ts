/**
 * A confirmed commit nobody confirms reverts on the device by itself (both
 * platforms). A daemon killed (SIGKILL) between the confirmed commit and the
 * confirming commit: the restarted daemon records the transaction as aborted,
 * never complete, and cancels the pending commits by persist-id at once.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { NETSYNC_BIN } from '../../helpers/cli.ts';
import { removeDir, tempDir } from '../../helpers/daemon.ts';
import { freePorts } from '../../peers/netconfdPeers.ts';
import type { LabSuite } from './labConfigs.ts';
import { canonical, labConfig, startLabSuite } from './labConfigs.ts';

const TOKEN = 'crash-test-operator-token-0123';
const DEVICES = [
  { hostname: 'cr-nc-fast', platform: 'netconf' as const },
  { hostname: 'cr-eos-fast', platform: 'eos' as const },
  { hostname: 'cr-eos-slow', platform: 'eos' as const },
];
const base = (h: string) => ({ hostname: h, vlan: 10, description: 'baseline' });
const next = (h: string) => ({ hostname: h, vlan: 20, description: 'pushed' });

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

describe('crash between confirmed commit and confirm', function () {
  this.timeout(180_000);
  let suite: LabSuite;
  let dir: string;
  let child: ChildProcess | undefined;
  let url = '';

  const running = (h: string) => suite.lab.device(h).runningConfig();
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const serve = async (configFile: string) => {
    child = spawn(process.execPath, [NETSYNC_BIN, 'serve', '--config', configFile], { stdio: 'ignore' });
    await until(
      'the daemon to answer',
      async () =>
        (await fetch(`${url}/healthz`)
          .then((r) => r.ok)
          .catch(() => false)) || undefined,
      60_000,
    );
  };

  before(async () => {
    suite = await startLabSuite(DEVICES.map((x) => ({ ...x, initialConfig: labConfig(x.platform, base(x.hostname)) })));
    dir = await tempDir('netsync-crash-');
  });
  after(async () => {
    child?.kill('SIGKILL');
    await suite?.stop();
    if (dir) await removeDir(dir);
  });
  beforeEach(() => {
    for (const x of DEVICES) {
      suite.lab.device(x.hostname).clearFaults();
      suite.lab.device(x.hostname).setRunningConfig(labConfig(x.platform, base(x.hostname)));
    }
  });

  it('a bare confirmed commit that is never confirmed reverts on NETCONF and EOS devices', async () => {
    for (const x of DEVICES.slice(0, 2)) {
      const s = await suite.factory.open(suite.target(x.hostname));
      s.useSessionName?.('netsync-bare');
      await s.lock();
      await s.loadCandidate(labConfig(x.platform, next(x.hostname)), 'replace');
      await s.commitConfirmed(1, 'netsync-bare');
      expect(running(x.hostname)).to.equal(canonical(x.platform, next(x.hostname)));
      await s.close();
    }
    for (const x of DEVICES.slice(0, 2)) {
      await until(`${x.hostname} to revert`, () => running(x.hostname) === canonical(x.platform, base(x.hostname)) || undefined, 30_000);
    }
  });

  it('SIGKILL mid-transaction: the restarted daemon says aborted and cancels the pending commits', async () => {
    const [port] = await freePorts(1);
    url = `http://127.0.0.1:${port}`;
    const configFile = join(dir, 'netsync.yml');
    await writeFile(
      configFile,
      stringify({
        listen: { host: '127.0.0.1', port },
        dataDir: join(dir, 'data'),
        log: { level: 'silent' },
        api: { tokens: [{ name: 'ops', token: TOKEN, role: 'operator' }] },
        devices: { username: suite.lab.username, password: suite.lab.password, rpcTimeoutMs: 20_000 },
      }),
    );
    await serve(configFile);
    for (const x of DEVICES) {
      const t = suite.target(x.hostname);
      const res = await call('POST', '/api/v1/devices', {
        hostname: x.hostname,
        managementIp: '127.0.0.1',
        port: t.port,
        platform: x.platform,
        transport: t.transport,
        type: 'ACCESS',
      });
      expect(res.status).to.equal(201);
    }
    const staged = await call('POST', '/api/v1/transactions', {
      devices: DEVICES.map((x) => ({ hostname: x.hostname, config: labConfig(x.platform, next(x.hostname)) })),
    });
    const id = staged.body.transaction.id as string;

    // One slow device (every reply 150 ms late) holds each phase open. Once the fast devices run the
    // confirmed config it holds its replies outright: its pending reply (still in its latency) waits,
    // so the confirmed-commit phase cannot end and the daemon can be killed before any confirm.
    const slow = suite.lab.device('cr-eos-slow');
    slow.setFaults({ latencyMs: 150 });
    const commit = call('POST', `/api/v1/transactions/${id}/commit`, { confirm_timeout: 300 }).catch(() => undefined);
    await until(
      'the fast devices to run the new config',
      () => DEVICES.slice(0, 2).every((x) => running(x.hostname) === canonical(x.platform, next(x.hostname))) || undefined,
      20_000,
      5,
    );
    slow.setFaults({ holdReplies: true });
    const tx = (await call('GET', `/api/v1/transactions/${id}`)).body.transaction;
    expect(tx.status).to.equal('committing');
    child!.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    await commit;
    slow.clearFaults();

    // Nobody confirmed: the fast devices still run the unconfirmed config (the timer is long).
    for (const x of DEVICES.slice(0, 2)) expect(running(x.hostname)).to.equal(canonical(x.platform, next(x.hostname)));
    await serve(configFile);
    const after = await until('the recovery to finish', async () => {
      const t = (await call('GET', `/api/v1/transactions/${id}`)).body.transaction;
      return t.recovery ? t : undefined;
    });
    expect(after.status).to.equal('aborted');
    expect(after.outcome).to.equal(undefined);
    const recovery = Object.fromEntries(after.recovery.map((r: { 'node-id': string; status: string }) => [r['node-id'], r.status]));
    expect(recovery).to.include({ 'cr-nc-fast': 'cancelled', 'cr-eos-fast': 'cancelled' });
    expect(recovery['cr-eos-slow']).to.be.oneOf(['cancelled', 'nothing-pending']);
    for (const x of DEVICES) expect(running(x.hostname), x.hostname).to.equal(canonical(x.platform, base(x.hostname)));
    // No config session or lock of ours is left behind on any device.
    for (const x of DEVICES) {
      const s = await suite.factory.open(suite.target(x.hostname));
      await s.lock();
      await s.close();
    }
    child!.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
  });
});
