/** `netsync lab` as a user runs it: table, inventory file that `netsync devices import` takes, Ctrl-C, restart keeps identities. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { readInventoryFile } from '../../../src/inventory/inventoryFile.ts';
import { NETSYNC_BIN, runCli } from '../../helpers/cli.ts';
import { OPERATOR_TOKEN, removeDir, startTestDaemon, tempDir, type TestDaemon } from '../../helpers/daemon.ts';
import { eosExec } from '../../helpers/labClient.ts';
import { until } from '../../helpers/until.ts';

interface Running {
  child: ChildProcess;
  output(): string;
  exit: Promise<number | null>;
}

function startCli(args: string[]): Running {
  const child = spawn(process.execPath, [NETSYNC_BIN, 'lab', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exit };
}

describe('lab: the netsync lab command', function () {
  this.timeout(60000);
  let dir: string;
  let daemon: TestDaemon | undefined;
  const children: ChildProcess[] = [];

  before(async () => {
    dir = await tempDir('netsync-labcli-');
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await daemon?.stop();
    await removeDir(dir);
  });

  it('starts devices, prints a table, writes an importable inventory, stops on SIGINT, and keeps host keys and configs on restart', async () => {
    const inventory = join(dir, 'lab.yml');
    const stateDir = join(dir, 'state');
    const args = ['--devices', '3', '--state-dir', stateDir, '--inventory-out', inventory, '--control-port', '0'];
    const first = startCli(args);
    children.push(first.child);
    await until(() => first.output().includes('inventory:'), 'the lab to start', 30000);
    expect(first.output())
      .to.match(/lab-001 +│ netconf +│ 127\.0\.0\.1:\d+ +│ SHA256:/)
      .and.match(/lab-002 +│ eos /);
    expect(first.output()).to.match(/control API: http:\/\/127\.0\.0\.1:\d+/);

    const entries = await readInventoryFile(inventory);
    expect(entries.map((e) => [e.hostname, e.platform, e.transport])).to.deep.equal([
      ['lab-001', 'netconf', 'netconf'],
      ['lab-002', 'eos', 'eos-cli'],
      ['lab-003', 'netconf', 'netconf'],
    ]);
    daemon = await startTestDaemon();
    const imported = await runCli(['devices', 'import', inventory], { NETSYNC_URL: daemon.url, NETSYNC_TOKEN: OPERATOR_TOKEN });
    expect(imported.code, imported.stderr).to.equal(0);
    expect(imported.stdout).to.include('imported 3 of 3');

    const eosPort = entries[1]!.port!;
    await eosExec(eosPort, ['configure session keep', 'vlan 77', 'commit']);
    const fingerprints = first.output().match(/SHA256:\S+/g);

    first.child.kill('SIGINT');
    expect(await first.exit).to.equal(0);
    expect(first.output()).to.include('stopping the lab');

    const second = startCli(args.slice(0, 4));
    children.push(second.child);
    await until(() => second.output().includes('devices up'), 'the lab to restart', 30000);
    expect(second.output().match(/SHA256:\S+/g)).to.deep.equal(fingerprints);
    const newPort = Number(/lab-002 +│ eos +│ 127\.0\.0\.1:(\d+)/.exec(second.output())?.[1]);
    const { stdout } = await eosExec(newPort, ['show running-config']);
    expect(stdout).to.include('vlan 77');
    expect(await readFile(join(stateDir, 'devices', 'lab-002', 'running-config.eos'), 'utf8')).to.include('vlan 77');
    second.child.kill('SIGTERM');
    expect(await second.exit).to.equal(0);
  });

  it('starts devices with the faults of a --faults file, and refuses a bad one with exit code 2', async () => {
    const faults = join(dir, 'faults.yml');
    await writeFile(faults, 'LAB-002: { lockHeld: true }\nlab-001: { reportedHostname: imposter }\n');
    const lab = startCli(['--devices', '2', '--platform', 'eos', '--state-dir', join(dir, 'faulty'), '--faults', faults]);
    children.push(lab.child);
    await until(() => lab.output().includes('devices up'), 'the lab to start', 30000);
    const port = (name: string) => Number(new RegExp(`${name} +│ eos +│ 127\\.0\\.0\\.1:(\\d+)`).exec(lab.output())?.[1]);
    expect((await eosExec(port('lab-002'), ['configure session s'])).stdout).to.include('% Session is already in use');
    expect((await eosExec(port('lab-001'), ['show hostname'])).stdout).to.include('Hostname: imposter');
    lab.child.kill('SIGINT');
    expect(await lab.exit).to.equal(0);

    await writeFile(faults, 'lab-001: { explode: true }\n');
    const bad = await runCli(['lab', '--devices', '1', '--state-dir', join(dir, 'faulty'), '--faults', faults]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include('[UNKNOWN_FIELD]');
    await writeFile(faults, 'lab-009: { lockHeld: true }\n');
    expect((await runCli(['lab', '--devices', '1', '--state-dir', join(dir, 'faulty'), '--faults', faults])).stderr).to.include('[NOT_FOUND]');
  });

  it('refuses a hostname prefix that is no hostname, and closes the devices when the inventory cannot be written, exit 2 both', async () => {
    const escape = await runCli(['lab', '--devices', '1', '--hostname-prefix', '../escaped', '--state-dir', join(dir, 'p', 'state')]);
    expect(escape.code).to.equal(2);
    expect(escape.stderr).to.include('[BAD_REQUEST]');
    expect(await readdir(dir)).to.not.include('escaped-001');
    expect(await readdir(join(dir, 'p')).catch(() => [])).to.deep.equal([]);

    // Before the fix the lab kept running (and ignored SIGTERM) after this error.
    const noDir = await runCli(
      ['lab', '--devices', '2', '--state-dir', join(dir, 'inv-state'), '--inventory-out', join(dir, 'missing', 'lab.yml')],
      {},
      20_000,
    );
    expect(noDir.code, noDir.stderr).to.equal(2);
    expect(noDir.stderr).to.include('[BAD_REQUEST]');
  });

  it('refuses a bad --platform with exit code 2', async () => {
    const r = await runCli(['lab', '--platform', 'junos', '--state-dir', join(dir, 'x')]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('--platform');
  });
});
