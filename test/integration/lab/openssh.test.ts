/** An independent SSH client against the lab: OpenSSH `ssh` runs the EOS CLI (exec, piped shell, pty) with key auth. */
import { execFile, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { LabDevice } from '../../../src/lab/index.ts';
import { startTestLab, type LabFixture } from '../../helpers/labFixture.ts';

const run = promisify(execFile);

describe('lab: EOS CLI with OpenSSH ssh', function () {
  let fx: LabFixture;
  let dev: LabDevice;
  let keyFile: string;
  const sshArgs = (extra: string[] = []) => [
    '-i',
    keyFile,
    '-p',
    String(dev.port),
    '-o',
    'BatchMode=yes',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'LogLevel=ERROR',
    ...(extra.length ? extra : ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null']),
    'netsync@127.0.0.1',
  ];
  /** Runs ssh with `input` on stdin; resolves with stdout and the exit code. */
  const ssh = (args: string[], input = ''): Promise<{ stdout: string; code: number | null }> =>
    new Promise((resolve, reject) => {
      const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ stdout, code }));
      child.stdin.end(input);
    });

  before(async () => {
    fx = await startTestLab({ devices: 1, platform: 'eos', hostnamePrefix: 'sw' });
    dev = fx.lab.devices[0]!;
    keyFile = join(fx.stateDir, 'ssh_key');
    await writeFile(keyFile, fx.lab.clientPrivateKey, { mode: 0o600 });
  });
  after(() => fx.stop());

  it('runs a command over exec with key auth', async () => {
    const { stdout } = await run('ssh', [...sshArgs(), 'show hostname']);
    expect(stdout).to.equal(`Hostname: ${dev.hostname}\nFQDN:     ${dev.hostname}\n`);
  });

  it('runs a config session from a script on stdin (shell without a pty)', async () => {
    const script = [
      'configure session ossh',
      'vlan 20',
      'name voice',
      'interface Ethernet2',
      'switchport access vlan 20',
      'show session-config diffs',
      'commit',
      'show running-config',
      'exit',
      '',
    ].join('\n');
    const { stdout, code } = await ssh(['-T', ...sshArgs()], script);
    expect(code).to.equal(0);
    expect(stdout).to.include(`${dev.hostname}(config-s-ossh)#`).and.include('+vlan 20').and.include(`${dev.hostname}(config-s-ossh-if-Et2)#`);
    expect(dev.runningConfig()).to.include('vlan 20\n   name voice\n');
  });

  it("writes a known_hosts for its devices: ssh checks the key without a prompt; the piped session's lines read like EOS", async () => {
    const knownHosts = join(fx.stateDir, 'known_hosts');
    expect(await readFile(knownHosts, 'utf8')).to.contain(`[127.0.0.1]:${dev.port} ssh-ed25519 `);
    const { stdout, code } = await ssh(
      ['-T', ...sshArgs(['-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes'])],
      'configure\nvlan 999\n   name hand-made\nend\n',
    );
    expect(code).to.equal(0);
    const h = dev.hostname;
    expect(stdout.split('\n').slice(0, 5)).to.deep.equal([
      `${h}#configure`,
      `${h}(config)#vlan 999`,
      `${h}(config-vl999)#   name hand-made`,
      `${h}(config-vl999)#end`,
      `${h}#logout`,
    ]);
    // A wrong key is refused, not prompted for.
    await writeFile(join(fx.stateDir, 'other_known_hosts'), `[127.0.0.1]:${dev.port} ${fx.lab.clientPublicKey}\n`);
    const refused = await ssh(
      ['-T', ...sshArgs(['-o', `UserKnownHostsFile=${join(fx.stateDir, 'other_known_hosts')}`, '-o', 'StrictHostKeyChecking=yes'])],
      'show hostname\n',
    );
    expect(refused.code).to.equal(255);
  });

  it('replaces the config with rollback clean-config and commits with a timer, confirmed from a second ssh', async () => {
    dev.setRunningConfig(`hostname ${dev.hostname}\nvlan 20\n   name voice\n`);
    const script = [
      'configure session timed',
      'rollback clean-config',
      `hostname ${dev.hostname}`,
      'vlan 50',
      'name cams',
      'commit timer 00:05:00',
      'show configuration sessions',
      'exit',
      '',
    ].join('\n');
    const { stdout, code } = await ssh(['-T', ...sshArgs()], script);
    expect(code).to.equal(0);
    expect(stdout).to.match(/timed\s+pending-commit-timer/);
    expect(dev.runningConfig()).to.equal(`hostname ${dev.hostname}\n!\nvlan 50\n   name cams\n!\nend\n`);
    const confirm = await ssh([...sshArgs(), 'configure session timed commit']);
    expect(confirm.code).to.equal(0);
    const after = await run('ssh', [...sshArgs(), 'show configuration sessions']);
    expect(after.stdout).not.to.include('timed');
    expect(dev.runningConfig()).to.include('vlan 50');
  });

  it('echoes and answers on an interactive pty', async () => {
    const { stdout } = await ssh(['-tt', ...sshArgs()], 'show hostname\rexit\r');
    expect(stdout).to.include('show hostname\r\nHostname: ');
  });

  it('shows "session is already in use" and pending sessions to an OpenSSH user', async () => {
    await run('ssh', [...sshArgs(), 'configure session held\nvlan 30\nend']);
    const { stdout } = await ssh(['-T', ...sshArgs()], 'configure session other\nshow configuration sessions\nconfigure session held abort\nexit\n');
    expect(stdout)
      .to.match(/% Session is already in use: .*'held'/)
      .and.match(/held\s+pending/);
  });

  it('presents the host key whose fingerprint the lab reports (clients can pin it)', async () => {
    const pub = join(fx.stateDir, 'devices', dev.hostname, 'ssh_host_ed25519_key.pub');
    const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', pub]);
    expect(stdout.split(' ')[1]).to.equal(dev.hostKeyFingerprint);
    const knownHosts = join(fx.stateDir, 'known_hosts');
    const [type, key] = (await readFile(pub, 'utf8')).split(' ');
    await writeFile(knownHosts, `[127.0.0.1]:${dev.port} ${type} ${key}\n`);
    const pinned = await run('ssh', [...sshArgs(['-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`]), 'show version']);
    expect(pinned.stdout).to.include('vEOS-lab');
  });
});
