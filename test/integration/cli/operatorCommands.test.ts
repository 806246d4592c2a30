/**
 * The operator's CLI against a running daemon (real bare repos with the post-receive hook, lab devices over
 * SSH): `netsync jobs`, `history`, `transactions`, `repos`, the status banner while a head is rejected, and
 * the rejected-repo alarm in the Nagios text and in /metrics.
 */
import { expect } from 'chai';
import { runCli } from '../../helpers/cli.ts';
import { OPERATOR_TOKEN } from '../../helpers/daemon.ts';
import type { SyncLoop } from '../../helpers/syncLoop.ts';
import { startSyncLoop } from '../../helpers/syncLoop.ts';
import { labConfig } from '../commit/labConfigs.ts';

describe('CLI: the operator commands against a running daemon', function () {
  this.timeout(90_000);
  let loop: SyncLoop;
  let env: Record<string, string>;
  let jobId: string;
  const cli = async (...args: string[]) => {
    const r = await runCli(args, env);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(0);
    for (const line of r.stdout.split('\n')) if (line.startsWith('│') || line.startsWith('┌')) expect(line.length, line).to.be.at.most(120);
    return r.stdout;
  };

  before(async () => {
    loop = await startSyncLoop();
    env = { NETSYNC_URL: loop.t.url, NETSYNC_TOKEN: OPERATOR_TOKEN };
    const job = await loop.syncto({ all: true });
    expect(job.status).to.equal('FINISHED');
    jobId = job.id;
  });
  after(async () => loop?.stopAll());

  it('jobs lists the job by its short id; jobs ID (a prefix) shows per-device results and diffs; --json', async () => {
    const list = await cli('jobs');
    expect(list).to.match(new RegExp(`│ ${jobId.slice(0, 8)} │ syncto +│ FINISHED +│`));
    expect(list).to.contain('4 synced');
    const one = await cli('jobs', jobId.slice(0, 8));
    expect(one).to.contain(`job ${jobId} (syncto) FINISHED`);
    expect(one).to.match(/│ eos-access-1 +│ synced +│ \d+ +│/);
    expect(one)
      .to.match(/\neos-access-1 \(synced\):\n/)
      .and.match(/^\+vlan 10$/m);
    expect(await cli('jobs', jobId, '--no-diff')).to.not.contain('eos-access-1 (synced):');
    expect(JSON.parse(await cli('jobs', jobId.slice(0, 8), '--json')).job.perDevice['nc-core-1'].status).to.equal('synced');
    const missing = await runCli(['jobs', 'ffffffff'], env);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain('no job ffffffff [NOT_FOUND]');
  });

  it("history HOST shows why a device is unsynchronized: the author's name and a short commit", async () => {
    const commit = await loop.push(
      'settings',
      { 'access/interfaces.yml': 'interfaces:\n  - { name: Ethernet1, description: history test, vlan: 10 }\n' },
      'access: history',
    );
    const out = await cli('history', 'eos-access-1');
    expect(out).to.match(new RegExp(`│ settings_changed +│ Ada Engineer +│ ${commit.slice(0, 8)} +│ OPEN +│ settings access/interfaces\\.yml`));
    expect(out).to.match(new RegExp(`│ synchronized +│ job:${jobId.slice(0, 8)} +│ job ${jobId.slice(0, 8)} +│`));
    const open = JSON.parse(await cli('history', 'eos-access-1', '--open', '--json')).events;
    expect(open.map((e: { cause: string }) => e.cause)).to.deep.equal(['settings_changed']);
    const status = await cli('status');
    expect(status).to.match(/eos-access-1 +│ ACCESS +│ MANAGED +│ NO +│ .* │ settings_changed \(Ada Engineer, [0-9a-f]{8}\)/);
  });

  it('a rejected head: status banner, repos with verdicts, and the alarm (Nagios text, /metrics)', async () => {
    const good = git('settings');
    await loop.push('settings', { 'access/broken.yml': 'vlans: [1, 2\n' }, 'broken yaml');
    const head = git('settings');
    const status = await cli('status');
    expect(status.split('\n')[0]).to.match(
      new RegExp(`^!! settings head ${head.slice(0, 8)} REJECTED for \\d+s: the last known-good commit ${good.slice(0, 8)} stays in force`),
    );
    const repos = await cli('repos');
    expect(repos).to.match(new RegExp(`│ settings +│ ${head.slice(0, 8)} │ ${good.slice(0, 8)} +│ REJECTED for \\d+s: access/broken\\.yml: `));
    expect(repos).to.match(/│ templates +│ [0-9a-f]{8} │ [0-9a-f]{8} +│ ok/);
    expect(repos).to.match(new RegExp(`│ settings +│ ${good.slice(0, 8)}\\.\\.${head.slice(0, 8)} \\(1\\) +│ git-hook +│ REJECTED: access/broken\\.yml`));
    const json = JSON.parse(await cli('repos', '--json'));
    expect(json.repositories.find((r: { name: string }) => r.name === 'settings')).to.include({ rejected: true, head, knownGood: good });

    const nagios = await fetch(`${loop.t.url}/api/v1/alarms/nagios?warning=0s&critical=0s`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    const text = await nagios.text();
    expect(text).to.match(new RegExp(`repo settings head ${head.slice(0, 8)} rejected for \\d+s, known-good ${good.slice(0, 8)} in force`));
    expect(text).to.contain('rejected_repos=1;;;0');
    const metrics = await (await fetch(`${loop.t.url}/metrics`)).text();
    expect(metrics).to.match(/^netsync_repo_head_rejected_seconds\{repo="settings"\} \d+$/m);
    expect(metrics).to.not.contain('netsync_repo_head_rejected_seconds{repo="templates"}');
    // Under the default thresholds (30m/1h) a fresh rejection does not alarm yet.
    const alarm = await (await fetch(`${loop.t.url}/api/v1/alarms`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } })).json();
    expect(alarm.alarm.rejectedRepos[0]).to.include({ repo: 'settings', level: 'ok' });

    // Fixed: the banner goes, the head is accepted again.
    await loop.push('settings', { 'access/broken.yml': '# fixed: empty\n' }, 'fix');
    expect((await cli('status')).startsWith('!!')).to.equal(false);
    expect(await cli('repos')).to.not.match(/│ settings .*REJECTED for/);
  });

  it('transactions lists them; transactions ID shows the per-device outcome', async () => {
    const staged = await loop.t.call('POST', '/api/v1/transactions', {
      devices: [{ hostname: 'nc-core-1', config: labConfig('netconf', { hostname: 'nc-core-1', vlan: 77, description: 'cli' }) }],
      comment: 'cli test',
    });
    expect(staged.status).to.equal(201);
    const id = staged.body.transaction.id as string;
    expect(await cli('transactions')).to.match(new RegExp(`│ ${id.slice(0, 8)} │ staged +│ .* │ 1 +│ cli test`));
    const committed = await loop.t.call('POST', `/api/v1/transactions/${id}/commit`, { confirm_timeout: 60 });
    expect(committed.body.transaction.status).to.equal('complete');
    const one = await cli('transactions', id.slice(0, 6));
    expect(one).to.contain(`transaction ${id} complete`);
    expect(one).to.match(/│ nc-core-1 +│ \d+ +│ complete +│/);
    expect(JSON.parse(await cli('transactions', id, '--json')).transaction.outcome.status).to.equal('complete');
  });

  function git(repo: 'settings' | 'templates'): string {
    return loop[repo].head();
  }
});
