/**
 * Northbound transactions end to end: a real daemon (HTTP, lowdb) with device
 * credentials from the environment, lab devices over SSH, the REST API and the
 * `netsync commit` CLI. Device state is always read back from the devices.
 */
import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configHash } from '../../../src/render/index.ts';
import { runCli } from '../../helpers/cli.ts';
import type { TestDaemon } from '../../helpers/daemon.ts';
import { OPERATOR_TOKEN, removeDir, startTestDaemon, tempDir } from '../../helpers/daemon.ts';
import type { LabSuite } from './labConfigs.ts';
import { canonical, labConfig, startLabSuite } from './labConfigs.ts';

const DEVICES = [
  { hostname: 'api-nc-1', platform: 'netconf' as const },
  { hostname: 'api-nc-2', platform: 'netconf' as const },
  { hostname: 'api-eos-1', platform: 'eos' as const },
];
const base = (h: string) => ({ hostname: h, vlan: 10, description: 'baseline' });
const next = (h: string, vlan = 20) => ({ hostname: h, vlan, description: 'pushed' });
const PASSWORD = 'Dev1ce-S3cret-pw';

describe('transactions API and CLI (daemon + lab)', function () {
  this.timeout(60_000);
  let suite: LabSuite;
  let d: TestDaemon;
  let dir: string;

  const running = (h: string) => suite.lab.device(h).runningConfig();
  const platformOf = (h: string) => DEVICES.find((x) => x.hostname === h)!.platform;
  const stage = (configs: Record<string, string>) =>
    d.call('POST', '/api/v1/transactions', { devices: Object.entries(configs).map(([hostname, config]) => ({ hostname, config })) });

  before(async () => {
    suite = await startLabSuite(
      DEVICES.map((x) => ({ ...x, initialConfig: labConfig(x.platform, base(x.hostname)) })),
      { password: PASSWORD },
    );
    process.env.NETSYNC_TEST_DEVICE_PASSWORD = PASSWORD;
    dir = await tempDir('netsync-tx-api-');
    d = await startTestDaemon({
      dir,
      extra: { devices: { username: suite.lab.username, password: '${NETSYNC_TEST_DEVICE_PASSWORD}', connectTimeoutMs: 5000, rpcTimeoutMs: 5000 } },
    });
    for (const x of DEVICES) {
      const res = await d.call('POST', '/api/v1/devices', {
        hostname: x.hostname,
        managementIp: '127.0.0.1',
        port: suite.lab.device(x.hostname).port,
        platform: x.platform,
        transport: x.platform === 'eos' ? 'eos-cli' : 'netconf',
        type: 'ACCESS',
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    }
  });

  after(async () => {
    delete process.env.NETSYNC_TEST_DEVICE_PASSWORD;
    await d?.stop();
    await suite?.stop();
    if (dir) await removeDir(dir);
  });

  it('stages, commits and reports per device; pins host keys; never shows the password', async () => {
    const staged = await stage(Object.fromEntries(DEVICES.map((x) => [x.hostname, labConfig(x.platform, next(x.hostname))])));
    expect(staged.status).to.equal(201);
    const id = staged.body.transaction.id as string;
    expect(staged.body.transaction).to.deep.include({ status: 'staged' });
    expect(staged.body.transaction.devices.map((x: { hostname: string }) => x.hostname)).to.deep.equal(DEVICES.map((x) => x.hostname));

    const committed = await d.call('POST', `/api/v1/transactions/${id}/commit`, { confirm_timeout: 120 });
    expect(committed.status).to.equal(200);
    const tx = committed.body.transaction;
    expect(tx.status, JSON.stringify(tx.outcome)).to.equal('complete');
    expect(tx.outcome['node-results'].map((n: { 'configuration-status': string }) => n['configuration-status'])).to.deep.equal([
      'complete',
      'complete',
      'complete',
    ]);
    expect(tx.outcome['unreachable-nodes']).to.deep.equal([]);
    for (const x of DEVICES) {
      expect(running(x.hostname)).to.equal(canonical(x.platform, next(x.hostname)));
      const device = (await d.call('GET', `/api/v1/devices/${x.hostname}`)).body.device;
      expect(device.hostKeyFingerprint).to.equal(suite.lab.device(x.hostname).hostKeyFingerprint);
    }
    const got = await d.call('GET', `/api/v1/transactions/${id}`);
    expect(got.body.transaction.status).to.equal('complete');
    expect(JSON.stringify(got.body)).to.not.contain(PASSWORD);
    expect((await d.call('POST', `/api/v1/transactions/${id}/commit`, {})).body.error.code).to.equal('CONFLICT');
  });

  it('refuses bad input with a clear code and touches no device: unknown host, duplicate, empty or comment-only config, unknown flag', async () => {
    const before = Object.fromEntries(DEVICES.map((x) => [x.hostname, suite.lab.device(x.hostname).counters().sessions]));
    const listed = (await d.call('GET', '/api/v1/transactions')).body.transactions.length;
    const cfg = labConfig('netconf', next('api-nc-1', 30));
    const cases: [unknown, number, string][] = [
      [{ devices: [{ hostname: 'no-such-device', config: cfg }] }, 404, 'NOT_FOUND'],
      [
        {
          devices: [
            { hostname: 'api-nc-1', config: cfg },
            { hostname: 'API-NC-1', config: cfg },
          ],
        },
        400,
        'BAD_REQUEST',
      ],
      [{ devices: [{ hostname: 'api-nc-1', config: '   ' }] }, 400, 'BAD_REQUEST'],
      // Only comments: an XML comment loaded with replace would wipe a NETCONF device.
      [{ devices: [{ hostname: 'api-nc-1', config: '<!-- to do -->' }] }, 400, 'BAD_REQUEST'],
      [{ devices: [{ hostname: 'api-eos-1', config: '!\nend\n' }] }, 400, 'BAD_REQUEST'],
      [{ devices: [] }, 400, 'VALIDATION_FAILED'],
      [{ devices: [{ hostname: 'api-nc-1', config: cfg }], dryrun: true }, 400, 'UNKNOWN_FIELD'],
      [{ devices: [{ hostname: 'api-nc-1', config: cfg, expected_hash: 'abc' }] }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases) {
      const res = await d.call('POST', '/api/v1/transactions', body);
      expect([res.status, res.body.error.code], JSON.stringify(body)).to.deep.equal([status, code]);
    }
    const staged = await stage({ 'api-nc-1': cfg });
    const bad = await d.call('POST', `/api/v1/transactions/${staged.body.transaction.id}/commit`, { do_validate: 'yes' });
    expect(bad.body.error.code).to.equal('VALIDATION_FAILED');
    expect((await d.call('DELETE', `/api/v1/transactions/${staged.body.transaction.id}`)).status).to.equal(200);
    expect((await d.call('GET', `/api/v1/transactions/${staged.body.transaction.id}`)).status).to.equal(404);
    expect((await d.call('GET', '/api/v1/transactions')).body.transactions.length).to.equal(listed);
    for (const x of DEVICES) expect(suite.lab.device(x.hostname).counters().sessions).to.equal(before[x.hostname]);
  });

  it('a config one device rejects leaves every device as it was, with RFC 8040 errors', async () => {
    const before = Object.fromEntries(DEVICES.map((x) => [x.hostname, running(x.hostname)]));
    const configs = Object.fromEntries(DEVICES.map((x) => [x.hostname, labConfig(x.platform, next(x.hostname, 40))]));
    configs['api-nc-2'] = configs['api-nc-2']!.replace('<vlan>40</vlan></interface>', '<vlan>9999</vlan></interface>');
    const staged = await stage(configs);
    const tx = (await d.call('POST', `/api/v1/transactions/${staged.body.transaction.id}/commit`, {})).body.transaction;
    expect(tx.status).to.equal('fail');
    const [err] = tx.outcome.errors.errors.error;
    expect(err['error-info']).to.deep.include({ 'node-id': 'api-nc-2', 'configuration-status': 'fail' });
    expect(err['error-message']).to.match(/^api-nc-2: write failed: /);
    for (const x of DEVICES) expect(running(x.hostname), x.hostname).to.equal(before[x.hostname]);
  });

  it('refuses a device whose host key changed (HOST_KEY_MISMATCH) and changes nothing', async () => {
    const good = (await d.daemon.store.getDevice('api-nc-1'))!.hostKeyFingerprint;
    await d.daemon.store.changeDevices({ update: [{ hostname: 'api-nc-1', apply: (dev) => ({ ...dev, hostKeyFingerprint: `SHA256:${'B'.repeat(43)}` }) }] });
    try {
      const before = running('api-nc-2');
      const staged = await stage({ 'api-nc-1': labConfig('netconf', next('api-nc-1', 50)), 'api-nc-2': labConfig('netconf', next('api-nc-2', 50)) });
      const tx = (await d.call('POST', `/api/v1/transactions/${staged.body.transaction.id}/commit`, {})).body.transaction;
      const node = tx.outcome['node-results'].find((n: { 'node-id': string }) => n['node-id'] === 'api-nc-1');
      expect(node.error.code).to.equal('HOST_KEY_MISMATCH');
      expect(running('api-nc-2')).to.equal(before);
      expect((await d.daemon.store.getDevice('api-nc-1'))!.hostKeyFingerprint).to.equal(`SHA256:${'B'.repeat(43)}`);
    } finally {
      await d.daemon.store.changeDevices({ update: [{ hostname: 'api-nc-1', apply: (dev) => ({ ...dev, hostKeyFingerprint: good }) }] });
    }
  });

  it('a device no longer MANAGED since staging is refused at commit, not contacted, and the transaction stays staged', async () => {
    const setState = (state: 'MANAGED' | 'UNMANAGED') =>
      d.daemon.store.changeDevices({ update: [{ hostname: 'api-nc-2', apply: (dev) => ({ ...dev, state }) }] });
    const staged = await stage({ 'api-nc-1': labConfig('netconf', next('api-nc-1', 55)), 'api-nc-2': labConfig('netconf', next('api-nc-2', 55)) });
    const id = staged.body.transaction.id as string;
    const sessions = ['api-nc-1', 'api-nc-2'].map((h) => suite.lab.device(h).counters().sessions);
    await setState('UNMANAGED');
    try {
      const res = await d.call('POST', `/api/v1/transactions/${id}/commit`, {});
      expect([res.status, res.body.error.code]).to.deep.equal([409, 'CONFLICT']);
      expect(['api-nc-1', 'api-nc-2'].map((h) => suite.lab.device(h).counters().sessions)).to.deep.equal(sessions);
      expect((await d.call('GET', `/api/v1/transactions/${id}`)).body.transaction.status).to.equal('staged');
    } finally {
      await setState('MANAGED');
    }
    expect((await d.call('DELETE', `/api/v1/transactions/${id}`)).status).to.equal(200);
  });

  it('expected_hash: commits when store and device still hold the planned config; a device changed since planning fails the check and nothing is touched', async () => {
    const hosts = ['api-nc-1', 'api-eos-1'];
    // What a sync would have recorded: the hash of what each device runs.
    const setStoredHash = (h: string, hash: string | null) =>
      d.daemon.store.changeDevices({ update: [{ hostname: h, apply: (dev) => ({ ...dev, configHash: hash }) }] });
    for (const h of hosts) await setStoredHash(h, configHash(running(h)));
    const planned = async (vlan: number) => {
      const devices = [];
      for (const h of hosts) {
        const { device } = (await d.call('GET', `/api/v1/devices/${h}`)).body;
        devices.push({ hostname: h, config: labConfig(platformOf(h), next(h, vlan)), expected_hash: device.configHash });
      }
      const staged = await d.call('POST', '/api/v1/transactions', { devices });
      expect(staged.status, JSON.stringify(staged.body)).to.equal(201);
      expect(staged.body.transaction.devices[0].expectedHash).to.equal(devices[0]!.expected_hash);
      return staged.body.transaction.id as string;
    };
    const commit = async (id: string) => (await d.call('POST', `/api/v1/transactions/${id}/commit`, { confirm_timeout: 120 })).body.transaction;
    const codeOf = (tx: { outcome: { 'node-results': { 'node-id': string; error?: { code: string } }[] } }, h: string) =>
      tx.outcome['node-results'].find((n) => n['node-id'] === h)!.error?.code;
    try {
      const ok = await commit(await planned(70));
      expect(ok.status, JSON.stringify(ok.outcome)).to.equal('complete');
      for (const h of hosts) {
        expect(running(h)).to.equal(canonical(platformOf(h), next(h, 70)));
        await setStoredHash(h, configHash(running(h)));
      }

      // Out-of-band change on the device after planning.
      const id = await planned(71);
      const outOfBand = labConfig('eos', { hostname: 'api-eos-1', vlan: 99, description: 'by hand' });
      suite.lab.device('api-eos-1').setRunningConfig(outOfBand);
      const commits = Object.fromEntries(hosts.map((h) => [h, suite.lab.device(h).counters().commits]));
      const drifted = await commit(id);
      expect(drifted.status).to.equal('fail');
      expect(codeOf(drifted, 'api-eos-1')).to.equal('FINGERPRINT_MISMATCH');
      expect(running('api-eos-1')).to.equal(canonical('eos', { hostname: 'api-eos-1', vlan: 99, description: 'by hand' }));
      expect(running('api-nc-1')).to.equal(canonical('netconf', next('api-nc-1', 70)));
      for (const h of hosts) expect(suite.lab.device(h).counters().commits, h).to.equal(commits[h]);

      // The store moved on after planning (e.g. a sync recorded another hash).
      suite.lab.device('api-eos-1').setRunningConfig(labConfig('eos', next('api-eos-1', 70)));
      const id2 = await planned(72);
      await setStoredHash('api-nc-1', configHash('something else'));
      const moved = await commit(id2);
      expect(moved.status).to.equal('fail');
      expect(codeOf(moved, 'api-nc-1')).to.equal('FINGERPRINT_MISMATCH');
      for (const h of hosts) expect(running(h)).to.equal(canonical(platformOf(h), next(h, 70)));
    } finally {
      for (const h of hosts) await setStoredHash(h, null);
    }
  });

  it('netsync commit: table output, flags, exit 1 when the transaction fails', async () => {
    const files = await Promise.all(
      DEVICES.map(async (x, i) => {
        const file = join(dir, `cfg-${i}`);
        await writeFile(file, labConfig(x.platform, next(x.hostname, 60)));
        return file;
      }),
    );
    const env = { NETSYNC_URL: d.url, NETSYNC_TOKEN: OPERATOR_TOKEN };
    const args = DEVICES.flatMap((x, i) => ['--device', x.hostname, '--config', files[i]!]);
    const ok = await runCli(['commit', ...args, '--no-confirmed-commit'], env);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout.split('\n').find((l) => l.includes('api-eos-1'))).to.match(/complete\W+not-needed\W+verify\W/);
    expect(ok.stdout).to.match(/transaction [0-9a-f-]{36}: complete/);
    for (const x of DEVICES) expect(running(x.hostname)).to.equal(canonical(platformOf(x.hostname), next(x.hostname, 60)));

    suite.lab.device('api-eos-1').setFaults({ commitError: 'TCAM full' });
    try {
      const failed = await runCli(['commit', ...args.slice(0, 4), '--device', 'api-eos-1', '--config', files[0]!.replace('cfg-0', 'cfg-2'), '--json'], env);
      expect(failed.code).to.equal(1);
      const tx = JSON.parse(failed.stdout);
      expect(tx.outcome.status).to.equal('fail');
      expect(tx.outcome['node-results'].find((n: { 'node-id': string }) => n['node-id'] === 'api-eos-1').error.code).to.equal('CLI_COMMAND_REJECTED');
    } finally {
      suite.lab.device('api-eos-1').clearFaults();
    }
    for (const x of DEVICES) expect(running(x.hostname)).to.equal(canonical(platformOf(x.hostname), next(x.hostname, 60)));
    const listed = (await d.call('GET', '/api/v1/transactions')).body.transactions.length;
    const usage = await runCli(['commit', '--device', 'api-nc-1', '--config', files[0]!, '--device', 'api-nc-2'], env);
    expect(usage.code).to.equal(2);
    const badTimeout = await runCli(['commit', '--device', 'api-nc-1', '--config', files[0]!, '--confirm-timeout', '2m', '--json'], env);
    expect(badTimeout.code, badTimeout.stderr).to.equal(2);
    expect((await d.call('GET', '/api/v1/transactions')).body.transactions.length, 'nothing staged').to.equal(listed);
  });

  it('netsync commit --expected-hash: commits on the planned hash, fails the device on another, refuses a bad value before staging', async () => {
    const h = 'api-nc-1';
    const env = { NETSYNC_URL: d.url, NETSYNC_TOKEN: OPERATOR_TOKEN };
    const setStoredHash = (hash: string | null) => d.daemon.store.changeDevices({ update: [{ hostname: h, apply: (dev) => ({ ...dev, configHash: hash }) }] });
    const file = join(dir, 'cfg-expected');
    const planned = configHash(running(h));
    await setStoredHash(planned);
    try {
      await writeFile(file, labConfig('netconf', next(h, 80)));
      const stale = await runCli(['commit', '--device', h, '--config', file, '--expected-hash', `${h}=sha256:${'0'.repeat(64)}`, '--json'], env);
      expect(stale.code, stale.stderr).to.equal(1);
      expect(JSON.parse(stale.stdout).outcome['node-results'][0].error.code).to.equal('FINGERPRINT_MISMATCH');
      expect(running(h)).to.not.equal(canonical('netconf', next(h, 80)));

      const listed = (await d.call('GET', '/api/v1/transactions')).body.transactions.length;
      for (const bad of [`${h}=abc`, `other-host=${planned}`, planned]) {
        const res = await runCli(['commit', '--device', h, '--config', file, '--expected-hash', bad], env);
        expect(res.code, bad).to.equal(2);
        expect(res.stderr, bad).to.contain('--expected-hash');
      }
      expect((await d.call('GET', '/api/v1/transactions')).body.transactions.length, 'nothing staged').to.equal(listed);

      const ok = await runCli(['commit', '--device', h, '--config', file, '--expected-hash', `${h.toUpperCase()}=${planned}`], env);
      expect(ok.code, ok.stdout + ok.stderr).to.equal(0);
      expect(running(h)).to.equal(canonical('netconf', next(h, 80)));
    } finally {
      await setStoredHash(null);
    }
  });
});
