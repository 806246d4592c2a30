import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliResult } from '../../helpers/cli.ts';
import { NETSYNC_BIN, runCli } from '../../helpers/cli.ts';
import type { TestDaemon } from '../../helpers/daemon.ts';
import { OPERATOR_TOKEN, READ_TOKEN, removeDir, startTestDaemon, tempDir } from '../../helpers/daemon.ts';

describe('CLI: status and devices import', () => {
  let t: TestDaemon;
  before(async () => {
    t = await startTestDaemon();
  });
  after(async () => {
    await t.stop();
    await removeDir(t.dir);
  });

  it('imports a YAML inventory and a CSV one, skipping known hostnames in any spelling', async () => {
    const yamlFile = join(t.dir, 'inv.yml');
    await writeFile(yamlFile, 'devices:\n  - { hostname: SW-1, managementIp: 10.0.0.1, platform: eos, type: ACCESS, groups: [campus] }\n');
    const csvFile = join(t.dir, 'inv.csv');
    await writeFile(csvFile, 'hostname,managementIp,port,platform,type,groups\nsw-1,10.0.0.1,22,eos,ACCESS,\ncore-1,10.0.0.9,830,junos,CORE,a;b\n');
    const env = { NETSYNC_URL: t.url, NETSYNC_TOKEN: OPERATOR_TOKEN };
    const y = await runCli(['devices', 'import', yamlFile], env);
    expect(y.code, y.stderr).to.equal(0);
    expect(y.stdout).to.contain('imported 1 of 1');
    const c = await runCli(['devices', 'import', csvFile, '--json'], env);
    expect(c.code, c.stderr).to.equal(0);
    const result = JSON.parse(c.stdout);
    expect(result.created).to.deep.equal(['core-1']);
    expect(result.skipped[0].hostname).to.equal('sw-1');
    expect((await t.call('GET', '/api/v1/devices/core-1')).body.device.groups).to.deep.equal(['a', 'b']);
  });

  it('refuses an inventory file with a bad entry, naming it, and imports nothing (exit 2)', async () => {
    const bad = join(t.dir, 'bad.yml');
    await writeFile(
      bad,
      '- { hostname: ok-1, managementIp: 10.0.0.1, platform: eos, type: ACCESS }\n- { hostname: bad, managementIp: nope, platform: eos, type: ACCESS }\n',
    );
    const r = await runCli(['devices', 'import', bad], { NETSYNC_URL: t.url, NETSYNC_TOKEN: OPERATOR_TOKEN });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('entry 2').and.contain('managementIp');
    expect((await t.call('GET', '/api/v1/devices/ok-1')).status).to.equal(404);
  });

  it('prints a readable table for 1,000 devices, unsynchronized first, and valid JSON', async () => {
    const devices = Array.from({ length: 1000 }, (_, i) => ({
      hostname: `access-${String(i).padStart(4, '0')}`,
      managementIp: `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`,
      platform: 'eos',
      type: 'ACCESS',
    }));
    await t.call('POST', '/api/v1/devices/import', { devices });
    await t.daemon.syncStatus.markSynced(
      devices.slice(3).map((d) => d.hostname),
      { by: 'test' },
    );
    await t.call('POST', '/api/v1/devices/access-0500/unsync', { reason: 'maintenance' });

    const r = await runCli(['status'], { NETSYNC_URL: t.url, NETSYNC_TOKEN: READ_TOKEN });
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.trimEnd().split('\n');
    // header + 1002 rows + 2 borders + summary; every row the same width
    const rows = lines.filter((l) => l.startsWith('│'));
    expect(rows).to.have.length(1 + 1002);
    expect(new Set(rows.map((l) => l.length)).size).to.equal(1);
    expect(rows[1]).to.match(/^│ access-0000 .*│ NO /);
    // SW-1 and core-1 from the import test above are unsynchronized too.
    expect(lines.at(-1)).to.equal('1002 devices: 996 synchronized, 6 unsynchronized');
    expect(r.stdout).to.match(/access-0500 .* manual \(api:ops\)/);

    const j = await runCli(['status', '--unsynced', '--json'], { NETSYNC_URL: t.url, NETSYNC_TOKEN: READ_TOKEN });
    const parsed = JSON.parse(j.stdout);
    expect(parsed.devices.map((d: any) => d.hostname).sort()).to.deep.equal(['SW-1', 'access-0000', 'access-0001', 'access-0002', 'access-0500', 'core-1']);
  });

  it('stops quietly when the reader of its output goes away (`netsync status | head`)', async () => {
    const child = spawn(process.execPath, [NETSYNC_BIN, 'status'], { env: { ...process.env, NETSYNC_URL: t.url, NETSYNC_TOKEN: READ_TOKEN } });
    // Closed before the CLI has even started, so its first write meets a closed pipe.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'close')) as [number | null];
    expect(stderr).not.to.contain('EPIPE');
    expect(code).to.equal(0);
  });

  it('exits 1 with a clear message when the daemon cannot be reached, 1 for a rejected token', async () => {
    const down = await runCli(['status'], { NETSYNC_URL: 'http://127.0.0.1:1', NETSYNC_TOKEN: READ_TOKEN });
    expect(down.code).to.equal(1);
    expect(down.stderr).to.contain('cannot reach the netsync daemon');
    const denied = await runCli(['status'], { NETSYNC_URL: t.url, NETSYNC_TOKEN: 'not-a-valid-token-at-all' });
    expect(denied.code).to.equal(1);
    expect(denied.stderr).to.contain('UNAUTHENTICATED');
  });

  it('exits 2 for a usage error in a subcommand, before contacting anyone', async () => {
    const cases = [
      ['status', '--bogus'],
      ['inventory', 'sync', '--timeout', 'soon'],
      ['sync', '--all', '--confirm-timeout', '0'],
      ['serve', '--port', 'abc'],
      ['serve', '--port', '99999'],
    ];
    const results = await Promise.all(cases.map((args) => runCli(args, { NETSYNC_URL: 'http://127.0.0.1:1', NETSYNC_TOKEN: READ_TOKEN })));
    for (const [i, r] of results.entries()) expect(r.code, cases[i]!.join(' ')).to.equal(2);
  });

  it('has --help for every command', async () => {
    const cases = [['--help'], ['status', '--help'], ['devices', 'import', '--help'], ['serve', '--help']];
    const results = await Promise.all(cases.map((args) => runCli(args)));
    for (const [i, r] of results.entries()) {
      expect(r.code, cases[i]!.join(' ')).to.equal(0);
      expect(r.stdout).to.contain(`Usage: netsync ${cases[i]!.slice(0, -1).join(' ')}`.trimEnd());
    }
  });
});

describe('CLI: serve with a bad config', () => {
  it('names the bad key or the missing variable and exits 2', async () => {
    const dir = await tempDir();
    const file = join(dir, 'netsync.yml');
    await writeFile(file, 'listen: { port: 0 }\nlisen: 1\n');
    const unknownKey = await runCli(['serve', '--config', file]);
    expect(unknownKey.code).to.equal(2);
    expect(unknownKey.stderr).to.contain("unknown key 'lisen'").and.contain('CONFIG_INVALID');
    await writeFile(file, 'api:\n  tokens: [{ name: a, token: "${NETSYNC_TEST_UNSET_TOKEN}", role: read }]\n');
    const missingEnv = await runCli(['serve', '--config', file]);
    expect(missingEnv.code).to.equal(2);
    expect(missingEnv.stderr).to.contain('NETSYNC_TEST_UNSET_TOKEN');
    await removeDir(dir);
  });

  /** Starts a daemon, then `netsync serve` with the config `yaml` gives, beside it; `check` runs while the first daemon still does. */
  async function serveBesideRunning(
    yaml: (running: TestDaemon, dir: string) => string,
    check: (r: CliResult, running: TestDaemon) => Promise<void>,
  ): Promise<void> {
    const running = await startTestDaemon();
    const dir = await tempDir();
    const file = join(dir, 'netsync.yml');
    try {
      await writeFile(file, yaml(running, dir));
      await check(await runCli(['serve', '--config', file]), running);
    } finally {
      await running.stop();
      await removeDir(running.dir);
      await removeDir(dir);
    }
  }

  it('refuses to open a store another daemon is using (STORE_LOCKED), leaving it as it was', async () => {
    await serveBesideRunning(
      (running) => `listen: { host: 127.0.0.1, port: 0 }\ndataDir: ${running.dir}\n`,
      async (r, running) => {
        expect(r.code).to.equal(1);
        expect(r.stderr).to.contain('STORE_LOCKED').and.contain(join(running.dir, 'store.json')).and.contain(`pid ${process.pid}`);
        expect(
          (await running.call('POST', '/api/v1/devices', { hostname: 'sw-1', managementIp: '10.0.0.1', platform: 'eos', type: 'ACCESS' })).status,
        ).to.equal(201);
      },
    );
  });

  it('names the address when the port is taken, and exits 1 without a stack trace', async () => {
    await serveBesideRunning(
      (running, dir) => `listen: { host: 127.0.0.1, port: ${new URL(running.url).port} }\ndataDir: ${dir}\n`,
      async (r, running) => {
        expect(r.code).to.equal(1);
        expect(r.stderr)
          .to.contain('LISTEN_FAILED')
          .and.contain(`127.0.0.1:${new URL(running.url).port}`)
          .and.contain('already in use');
        expect(r.stderr).not.to.contain('    at ');
      },
    );
  });
});
