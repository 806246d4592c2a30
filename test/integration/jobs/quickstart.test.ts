/**
 * The README's quick start, as a newcomer runs it: `netsync quickstart` (what `npm start` runs) in an empty
 * folder, then the printed next steps with the real CLI and a real git push.
 */
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, NETSYNC_BIN } from '../../helpers/cli.ts';
import { removeDir, tempDir } from '../../helpers/daemon.ts';
import { git } from '../../helpers/gitRepos.ts';

describe('quick start (netsync quickstart)', function () {
  this.timeout(90_000);
  let dir: string;
  let child: ChildProcess;
  let output = '';

  /** Runs `netsync quickstart` in dir until it says it is ready. */
  async function start(): Promise<void> {
    output = '';
    child = spawn(process.execPath, [NETSYNC_BIN, 'quickstart', '--port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (!output.includes('ready (Ctrl-C stops everything)')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`quickstart did not come up:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const cliEnv = () => ({ NETSYNC_URL: /export NETSYNC_URL=(\S+) /.exec(output)![1]!, NETSYNC_DATA_DIR: join(dir, '.netsync') });

  /** Edits a file in the working clone under demo/, commits and pushes it, as the README has the reader do. */
  function pushEdit(repo: 'settings' | 'templates', path: string, from: string | RegExp, to: string, message: string): void {
    const clone = join(dir, 'demo', repo);
    const file = join(clone, path);
    writeFileSync(file, readFileSync(file, 'utf8').replace(from, to));
    git(clone, 'commit', '-qam', message);
    git(clone, 'push', '-q');
  }

  /** Runs `netsync status` until its output contains `want` (the hook's refresh is asynchronous); returns that output. */
  async function statusShows(env: Record<string, string>, want: string, failure: string): Promise<string> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const status = (await runCli(['status'], env)).stdout;
      if (status.includes(want)) return status;
      if (Date.now() > deadline) throw new Error(`${failure}:\n${status}`);
    }
  }

  before(async () => {
    dir = await tempDir('netsync-quickstart-');
    await start();
  });
  after(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    if (dir) await removeDir(dir);
  });

  it('prints the devices and the next steps, and the loop in them works', async () => {
    expect(output)
      .to.match(/eos-access-1 +eos +127\.0\.0\.1:\d+/)
      .and.match(/nc-dist-1 +netconf/);
    expect(output).to.match(/Web interface: http:\/\/127\.0\.0\.1:\d+\/ \(sign in with the token in \.netsync\/api-token\)/);
    const env = cliEnv();

    const first = await runCli(['sync', '--all', '--wait'], env);
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    expect(first.stdout).to.contain('FINISHED: 4 synced');

    pushEdit('settings', 'access/interfaces.yml', /user port/g, 'staff port', 'access: staff ports');
    const status = await statusShows(env, '2 unsynchronized', 'the push did not unsync the ACCESS devices');
    expect(status).to.match(/eos-access-1 +│ ACCESS +│ MANAGED +│ NO .*settings_changed/);
    expect(status).to.match(/nc-dist-1 +│ DIST +│ MANAGED +│ yes/);

    const second = await runCli(['sync', '--all', '--wait'], env);
    expect(second.code, second.stdout).to.equal(0);
    expect(second.stdout).to.contain('FINISHED: 2 synced');
    expect((await runCli(['status'], env)).stdout).to.contain('4 devices: 4 synchronized, 0 unsynchronized');
  });

  it('writes the config it runs with: render and impact work in the folder as the README shows', async () => {
    expect(output).to.contain('The config it runs with is in netsync.yml');
    expect(statSync(join(dir, 'netsync.yml')).mode & 0o777).to.equal(0o600);
    const rendered = await runCli(['render', 'eos-access-1', '-c', 'netsync.yml'], {}, 30_000, dir);
    expect(rendered.code, rendered.stderr).to.equal(0);
    expect(rendered.stdout).to.contain('hostname eos-access-1').and.contain('staff port');
    const bare = await runCli(['render', 'eos-access-1'], {}, 30_000, dir);
    expect(bare.stdout, 'without -c it reads ./netsync.yml').to.equal(rendered.stdout);
    const impact = await runCli(['impact', '-c', 'netsync.yml', '--repo', 'settings'], {}, 30_000, dir);
    expect(impact.code, impact.stderr).to.equal(0);
    expect(impact.stdout).to.contain('devices touched');
  });

  it('installs pre-receive too: a push netsync cannot render is refused and names the file', async () => {
    expect(output).to.contain('pre-receive refuses a push netsync cannot render');
    const clone = join(dir, 'demo', 'settings');
    writeFileSync(join(clone, 'access', 'broken.yml'), 'key: value\n  bad indent: x\n');
    git(clone, 'add', '-A');
    git(clone, 'commit', '-qm', 'broken');
    const pushed = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const p = spawn('git', ['push', '-q'], { cwd: clone, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      p.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      p.once('exit', (code) => resolve({ code, stderr }));
    });
    expect(pushed.code, pushed.stderr).to.not.equal(0);
    expect(pushed.stderr).to.contain('rejected').and.contain('access/broken.yml');
    git(clone, 'reset', '-q', '--hard', 'HEAD~1');
  });

  it('stops cleanly on Ctrl-C', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).to.equal(0);
  });

  it('a second npm start keeps the state, shows the steps for a later run, and its devices are reachable', async () => {
    // The lab comes back on new free ports; the stored inventory must follow or every sync is unreachable.
    await start();
    expect(output).to.contain('where every device stands').and.not.contain('first push');
    const env = cliEnv();
    expect((await runCli(['status'], env)).stdout).to.contain('4 devices: 4 synchronized, 0 unsynchronized');

    pushEdit('templates', 'netconf/parts/vlans.xml.j2', '{{ vlan.name | e }}', '{{ vlan.name | e | upper }}', 'netconf: vlan names upper case');
    await statusShows(env, '2 unsynchronized', 'the push did not unsync the NETCONF devices');
    const sync = await runCli(['sync', '--all', '--wait'], env);
    expect(sync.code, sync.stdout).to.equal(0);
    expect(sync.stdout).to.contain('FINISHED: 2 synced');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).to.equal(0);
  });
});
