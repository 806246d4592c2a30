/**
 * Several `netsync serve` processes on one PostgreSQL database (a database of its own per run), with real
 * bare repos and lab devices: the same webhook delivered to two replicas is processed once; overlapping
 * transactions committed on two replicas at the same moment: exactly one proceeds, the other fails in phase 1
 * with LOCKED; the leader killed with SIGKILL mid-job: another replica leads within 10 s (by the daemons'
 * own timestamps) and recovers the job's devices; a replica whose database goes away answers 503 on /healthz
 * and recovers when it comes back.
 */
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { NETSYNC_BIN } from '../../helpers/cli.ts';
import { removeDir, tempDir } from '../../helpers/daemon.ts';
import { SECRET, sendGithub } from '../../helpers/gitopsDaemon.ts';
import type { TestRepo } from '../../helpers/gitRepos.ts';
import { makeRepo } from '../../helpers/gitRepos.ts';
import type { LabFixture } from '../../helpers/labFixture.ts';
import { startTestLab } from '../../helpers/labFixture.ts';
import type { TestDatabase } from '../../helpers/postgres.ts';
import { createTestDatabase } from '../../helpers/postgres.ts';
import { EXAMPLES } from '../../helpers/repoFixtures.ts';
import { EXAMPLE_LAB } from '../../helpers/syncLoop.ts';
import { until } from '../../helpers/until.ts';
import { shippedMigrations } from '../../../src/store/postgres/schemaMigrations.ts';
import { freePorts } from '../../peers/netconfdPeers.ts';
import { canonical, labConfig } from '../commit/labConfigs.ts';

const TOKEN = 'replica-test-operator-token-0123';
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as { name: string; examples: Record<string, any>[] }[];

function pushPayload(before: string, after: string) {
  const p = structuredClone(examples.find((e) => e.name === 'push')!.examples[0]!);
  Object.assign(p, { ref: 'refs/heads/main', before, after, created: false, deleted: false });
  p.repository.full_name = 'netops/settings';
  p.repository.name = 'settings';
  return p;
}

interface Replica {
  name: string;
  url: string;
  child: ChildProcess;
  exited: Promise<void>;
}

describe('several netsync replicas on one PostgreSQL database', function () {
  this.timeout(300_000);
  let db: TestDatabase;
  let lab: LabFixture;
  let dir: string;
  let settings: TestRepo;
  let templates: TestRepo;
  const replicas: Replica[] = [];

  const call = async (r: Replica, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${r.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
  };
  const health = async (r: Replica) => {
    const res = await fetch(`${r.url}/healthz`).catch(() => undefined);
    return res ? { status: res.status, body: (await res.json()) as any } : undefined;
  };
  const running = (r: Replica) => r.child.exitCode === null && r.child.signalCode === null;
  const leaders = async () => {
    const answers = await Promise.all(replicas.filter((r) => running(r)).map(async (r) => ({ r, h: await health(r) })));
    return answers.filter((a) => a.h?.body.leader === true);
  };

  async function serve(name: string, token = TOKEN): Promise<Replica> {
    const [port] = await freePorts(1);
    const configFile = join(dir, `${name}.yml`);
    await mkdir(join(dir, name), { recursive: true });
    await writeFile(
      configFile,
      stringify({
        listen: { host: '127.0.0.1', port },
        dataDir: join(dir, name),
        store: { kind: 'postgres', url: db.url },
        log: { level: 'warn' },
        api: { tokens: [{ name: 'ops', token, role: 'operator' }] },
        devices: { username: 'netsync', password: 'netsync', rpcTimeoutMs: 20_000, confirmTimeoutSeconds: 300 },
        repos: {
          settings: { path: settings.bare, branch: 'main', names: ['netops/settings'], webhookSecrets: [SECRET] },
          templates: { path: templates.bare, branch: 'main', names: ['netops/templates'], webhookSecrets: [SECRET] },
        },
        intake: { poll: false },
      }),
    );
    // r1 is named by the environment (as docker/compose.yml does), the others by the flag.
    const naming = name === 'r1' ? { args: [], env: { NETSYNC_REPLICA: name } } : { args: ['--replica', name], env: {} };
    const child = spawn(process.execPath, [NETSYNC_BIN, 'serve', '--config', configFile, ...naming.args], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, ...naming.env },
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const replica = { name, url: `http://127.0.0.1:${port}`, child, exited };
    replicas.push(replica);
    await until(async () => (await health(replica))?.status === 200, `replica ${name} to answer`, 60_000);
    return replica;
  }

  before(async () => {
    db = await createTestDatabase('netsync_replicas', { migrate: false });
    dir = await tempDir('netsync-replicas-');
    lab = await startTestLab({ devices: EXAMPLE_LAB, basePort: 0 });
    settings = makeRepo(dir, 'settings', join(EXAMPLES, 'settings'));
    templates = makeRepo(dir, 'templates', join(EXAMPLES, 'templates'));
    const first = await serve('r1');
    await serve('r2');
    for (const d of lab.lab.devices) {
      const type = d.hostname.startsWith('eos-access') ? 'ACCESS' : d.hostname.startsWith('nc-dist') ? 'DIST' : 'CORE';
      const res = await call(first, 'POST', '/api/v1/devices', {
        hostname: d.hostname,
        managementIp: '127.0.0.1',
        port: d.port,
        platform: d.platform,
        transport: d.platform === 'eos' ? 'eos-cli' : 'netconf',
        type,
        groups: ['campus'],
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    }
  });
  after(async () => {
    for (const r of replicas) r.child.kill('SIGKILL');
    await Promise.all(replicas.map((r) => r.exited));
    await lab?.stop();
    await db?.drop();
    if (dir) await removeDir(dir);
  });

  it('two replicas, one database: one leader; each reports the backend, its leader state and the migration', async () => {
    const answers = await Promise.all(replicas.map(health));
    for (const a of answers)
      expect(a!.body).to.include({ status: 'ok', store: 'postgres' }).and.to.have.property('migration').that.equals(shippedMigrations().at(-1));
    expect(answers.filter((a) => a!.body.leader)).to.have.length(1);
    expect(answers.map((a) => a!.body.replica.split('-')[0]).sort()).to.deep.equal(['r1', 'r2']);
  });

  it('a browser signed in on one replica is signed in on the other, and signing out on either ends it on both', async () => {
    const [r1, r2] = replicas as [Replica, Replica];
    let cookie = '';
    const browse = async (r: Replica, path: string, form?: Record<string, string>) => {
      const res = await fetch(`${r.url}${path}`, {
        method: form ? 'POST' : 'GET',
        headers: { ...(cookie ? { cookie } : {}), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        ...(form ? { body: new URLSearchParams(form).toString() } : {}),
        redirect: 'manual',
      });
      const set = res.headers.get('set-cookie');
      if (set) cookie = set.split(';')[0]!;
      return { status: res.status, location: res.headers.get('location'), html: await res.text() };
    };
    const csrf = (html: string) => /name="_csrf" value="([0-9a-f]+)"/.exec(html)![1]!;
    const signin = await browse(r1, '/signin');
    expect((await browse(r1, '/signin', { _csrf: csrf(signin.html), token: TOKEN, next: '/devices' })).status).to.equal(303);
    const onOther = await browse(r2, '/devices');
    expect(onOther.status).to.equal(200);
    expect(onOther.html).to.contain('eos-access-1');
    // The CSRF token of the shared session is accepted by the other replica too.
    expect((await browse(r2, '/signout', { _csrf: csrf(onOther.html) })).status).to.equal(303);
    const after = await browse(r1, '/devices');
    expect([after.status, after.location]).to.deep.equal([303, '/signin?next=%2Fdevices']);

    // A session outlives restarts on PostgreSQL, so it keeps its token's fingerprint: a replica whose config
    // no longer has that token (removed, or given a new value) ends the session instead of honouring it.
    const again = await browse(r1, '/signin');
    expect((await browse(r1, '/signin', { _csrf: csrf(again.html), token: TOKEN, next: '/devices' })).status).to.equal(303);
    const rotated = await serve('r-rotated', `${TOKEN}-rotated`);
    try {
      const refused = await browse(rotated, '/devices');
      expect([refused.status, refused.location]).to.deep.equal([303, '/signin?next=%2Fdevices']);
      // Ended for good: the replica that still has the token sees no session either.
      expect((await browse(r1, '/devices')).status).to.equal(303);
    } finally {
      rotated.child.kill('SIGTERM');
      await rotated.exited;
      replicas.splice(replicas.indexOf(rotated), 1);
    }
  });

  it('the same webhook delivered to two replicas is processed once: one refresh, each device marked once', async () => {
    const [r1, r2] = replicas as [Replica, Replica];
    // Both replicas caught up at start: the repo's baseline is recorded (once).
    await until(
      async () => (await call(r1, 'GET', '/api/v1/repositories')).body.repositories.every((r: { knownGood: string | null }) => r.knownGood),
      'the baselines',
    );
    const before = settings.head();
    const after = settings.commitAndPush({ 'access/interfaces.yml': 'interfaces:\n  - { name: Ethernet1, description: staff port }\n' }, 'access: staff ports');
    const delivery = randomUUID();
    const answers = await Promise.all([r1, r2].map((r) => sendGithub(r.url, 'push', pushPayload(before, after), { delivery })));
    expect(answers.map((a) => a.status).sort()).to.deep.equal([200, 202]);
    expect(answers.filter((a) => a.body.duplicate === true)).to.have.length(1);
    // Another delivery of the same push (e.g. the git hook beside the provider's webhook) finds it processed.
    await sendGithub(r2.url, 'push', pushPayload(before, after));
    const applied = await until(
      async () => {
        const events = (await call(r2, 'GET', '/api/v1/repositories')).body.events.filter((e: { after: string }) => e.after === after);
        return events.length > 0;
      },
      'the push to be applied',
      30_000,
    ).then(async () => (await call(r1, 'GET', '/api/v1/repositories')).body.events.filter((e: { after: string; kind: string }) => e.after === after));
    // Let any second refresh finish before counting.
    await until(async () => (await call(r2, 'POST', '/api/v1/repositories/settings/refresh')).body.result?.status === 'up_to_date', 'an idle refresh');
    const events = (await call(r1, 'GET', '/api/v1/repositories')).body.events.filter((e: { after: string }) => e.after === after);
    expect(events, JSON.stringify(applied)).to.have.length(1);
    expect(events[0].kind).to.equal('applied');
    expect(events[0].marked.sort()).to.deep.equal(['eos-access-1', 'eos-access-2']);
    for (const h of ['eos-access-1', 'eos-access-2']) {
      const marks = (await call(r2, 'GET', `/api/v1/devices/${h}/events`)).body.events.filter((e: { commit?: string }) => e.commit === after);
      expect(marks, h).to.have.length(1);
    }
  });

  it('overlapping transactions committed on two replicas at the same moment: one proceeds, the other fails in phase 1 with LOCKED and writes nothing', async () => {
    const [r1, r2] = replicas as [Replica, Replica];
    const baseline = Object.fromEntries(lab.lab.devices.map((d) => [d.hostname, lab.lab.device(d.hostname).runningConfig()]));
    const config = (h: string, vlan: number) => labConfig(h.startsWith('eos') ? 'eos' : 'netconf', { hostname: h, vlan, description: `tx ${vlan}` });
    const stage = async (r: Replica, hosts: string[], vlan: number) => {
      const res = await call(r, 'POST', '/api/v1/transactions', { devices: hosts.map((h) => ({ hostname: h, config: config(h, vlan) })) });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body.transaction.id as string;
    };
    const t1 = await stage(r1, ['eos-access-1', 'nc-dist-1'], 21);
    const t2 = await stage(r2, ['nc-dist-1', 'nc-core-1'], 22);
    const [c1, c2] = await Promise.all([call(r1, 'POST', `/api/v1/transactions/${t1}/commit`, {}), call(r2, 'POST', `/api/v1/transactions/${t2}/commit`, {})]);
    const results = [
      { id: t1, hosts: ['eos-access-1', 'nc-dist-1'], vlan: 21, tx: c1.body.transaction },
      { id: t2, hosts: ['nc-dist-1', 'nc-core-1'], vlan: 22, tx: c2.body.transaction },
    ];
    const winners = results.filter((r) => r.tx.status === 'complete');
    expect(winners, JSON.stringify(results.map((r) => r.tx.outcome?.errors))).to.have.length(1);
    const loser = results.find((r) => r.tx.status === 'fail')!;
    const refused = loser.tx.outcome['node-results'].filter((n: { error?: unknown }) => n.error);
    expect(refused).to.have.length(1);
    expect(refused[0]).to.deep.include({ 'node-id': 'nc-dist-1', phase: 'lock' });
    expect(refused[0].error.code).to.equal('LOCKED');
    expect(refused[0].error.message).to.contain('nc-dist-1').and.contain(winners[0]!.id).and.contain('replica r');
    // Nothing of the loser reached a device: the winner's devices run its config, the loser's own device is untouched.
    for (const h of winners[0]!.hosts)
      expect(lab.lab.device(h).runningConfig(), h).to.equal(
        canonical(h.startsWith('eos') ? 'eos' : 'netconf', { hostname: h, vlan: winners[0]!.vlan, description: `tx ${winners[0]!.vlan}` }),
      );
    for (const h of loser.hosts.filter((x) => !winners[0]!.hosts.includes(x))) expect(lab.lab.device(h).runningConfig(), h).to.equal(baseline[h]);
  });

  it('a syncto job started on one replica is visible and abortable from another: the abort is recorded in the database and seen between devices', async () => {
    const [r1, r2] = replicas as [Replica, Replica];
    const baseline = Object.fromEntries(lab.lab.devices.map((d) => [d.hostname, lab.lab.device(d.hostname).runningConfig()]));
    // One device holds its replies: the job on r1 waits in its plan (reading that device's running config).
    const slow = lab.lab.device('nc-core-1');
    slow.setFaults({ holdReplies: true });
    let jobId: string;
    try {
      const started = await call(r1, 'POST', '/api/v1/syncto', { all: true, resync: true, force: true, confirm_timeout: 300 });
      expect(started.status, JSON.stringify(started.body)).to.equal(202);
      jobId = started.body.job_id as string;
      await until(
        async () => (await call(r2, 'GET', `/api/v1/jobs/${jobId}`)).body.job?.perDevice?.['nc-core-1']?.status === 'running',
        'r2 to see the job reach the held device',
        60_000,
      );
      const seen = (await call(r2, 'GET', `/api/v1/jobs/${jobId}`)).body.job;
      expect(seen).to.include({ status: 'RUNNING' });
      expect(seen.replica).to.match(/^r1/);
      const aborted = await call(r2, 'POST', `/api/v1/jobs/${jobId}/abort`, {});
      expect(aborted.status, JSON.stringify(aborted.body)).to.equal(202);
      expect(aborted.body.job.abortRequested.by).to.equal('api:ops');
    } finally {
      slow.clearFaults();
    }
    const job = await until(
      async () => (await call(r1, 'GET', `/api/v1/jobs/${jobId!}`)).body.job.status === 'ABORTED',
      'r1 to end the job ABORTED',
      60_000,
    ).then(async () => (await call(r2, 'GET', `/api/v1/jobs/${jobId!}`)).body.job);
    // r1 saw the abort before its push: no device was changed, none is left "running".
    for (const [h, r] of Object.entries(job.perDevice as Record<string, { status: string }>))
      expect(r.status, h).to.not.equal('running').and.not.equal('synced');
    for (const d of lab.lab.devices) expect(lab.lab.device(d.hostname).runningConfig(), d.hostname).to.equal(baseline[d.hostname]);
    // An ended job cannot be aborted from anywhere.
    expect((await call(r2, 'POST', `/api/v1/jobs/${jobId!}/abort`, {})).status).to.equal(409);
  });

  it('syncto jobs posted to both replicas are queued in the database and each is claimed and run exactly once', async () => {
    const [r1, r2] = replicas as [Replica, Replica];
    const hosts = lab.lab.devices.map((d) => d.hostname);
    // Dry runs, one device each, posted to both replicas at once.
    const posted = await Promise.all(
      hosts.flatMap((h) => [r1, r2].map((r) => call(r, 'POST', '/api/v1/syncto', { hostname: h, dry_run: true, resync: true }))),
    );
    for (const p of posted) expect(p.status, JSON.stringify(p.body)).to.equal(202);
    const ids = posted.map((p) => p.body.job_id as string);
    await until(
      async () => {
        const jobs = await Promise.all(ids.map(async (id) => (await call(r2, 'GET', `/api/v1/jobs/${id}`)).body.job));
        return jobs.every((j) => j.status === 'FINISHED');
      },
      'every job to finish',
      60_000,
    );
    const claims = (await db.pool.query<{ id: string; claimed_by: string | null }>('SELECT id, claimed_by FROM netsync_job_queue WHERE id = ANY($1)', [ids]))
      .rows;
    expect(claims.map((c) => c.id).sort()).to.deep.equal([...ids].sort());
    for (const id of ids) {
      const job = (await call(r1, 'GET', `/api/v1/jobs/${id}`)).body.job;
      const claim = claims.find((c) => c.id === id)!;
      // The replica that ran it is the one that claimed it, and it ran its one device once.
      expect(claim.claimed_by, id).to.be.a('string');
      expect(job.replica, id).to.equal(claim.claimed_by);
      expect(Object.keys(job.perDevice)).to.have.length(1);
      expect(job.progress).to.deep.equal({ done: 1, total: 1 });
    }
  });

  it('a job accepted by a replica that dies before starting it is run by another replica', async () => {
    const [r1, r2] = replicas as [Replica, Replica];
    // Until r1 is gone a trigger refuses every claim: the job r1 accepts is still waiting in the queue when it dies.
    await db.pool.query(`CREATE FUNCTION refuse_r1() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.claimed_by IS NOT NULL THEN RAISE EXCEPTION 'test: no claims yet'; END IF; RETURN NEW; END $$`);
    await db.pool.query('CREATE TRIGGER refuse_r1 BEFORE UPDATE ON netsync_job_queue FOR EACH ROW EXECUTE FUNCTION refuse_r1()');
    try {
      const started = await call(r1, 'POST', '/api/v1/syncto', { hostname: 'eos-access-1', dry_run: true, resync: true });
      expect(started.status, JSON.stringify(started.body)).to.equal(202);
      const jobId = started.body.job_id as string;
      expect((await call(r2, 'GET', `/api/v1/jobs/${jobId}`)).body.job.status).to.equal('SCHEDULED');
      r1.child.kill('SIGKILL');
      await r1.exited;
      await db.pool.query('DROP TRIGGER refuse_r1 ON netsync_job_queue');
      const job = await until(
        async () => (await call(r2, 'GET', `/api/v1/jobs/${jobId}`)).body.job.status === 'FINISHED',
        'another replica to run the job',
        60_000,
      ).then(async () => (await call(r2, 'GET', `/api/v1/jobs/${jobId}`)).body.job);
      expect(job.replica).to.match(/^r2/);
      expect(job.perDevice['eos-access-1'].status).to.be.oneOf(['would-change', 'unchanged']);
    } finally {
      await db.pool.query('DROP TRIGGER IF EXISTS refuse_r1 ON netsync_job_queue');
      await db.pool.query('DROP FUNCTION IF EXISTS refuse_r1()');
    }
  });

  it('kill -9 the leader mid-job: another replica leads within 10 s and recovers the job; three replicas', async () => {
    await serve('r3');
    const [leader] = await leaders();
    expect(leader, 'a leader').to.not.equal(undefined);
    const victim = leader!.r;
    // A syncto job on the leader; one slow device holds it open once the others run the unconfirmed config.
    const baseline = Object.fromEntries(lab.lab.devices.map((d) => [d.hostname, lab.lab.device(d.hostname).runningConfig()]));
    const slow = lab.lab.device('nc-core-1');
    slow.setFaults({ latencyMs: 200 });
    // The leader claims the job it accepts (at once, while the others poll the queue each second); a trigger
    // refusing every other replica's claim makes that certain, so the job runs where the SIGKILL lands.
    await db.pool.query(`CREATE FUNCTION only_victim() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.claimed_by NOT LIKE '${victim.name}-%' THEN RAISE EXCEPTION 'test: only ${victim.name} claims'; END IF; RETURN NEW; END $$`);
    await db.pool.query('CREATE TRIGGER only_victim BEFORE UPDATE ON netsync_job_queue FOR EACH ROW EXECUTE FUNCTION only_victim()');
    let jobId: string;
    const fast = ['eos-access-1', 'eos-access-2', 'nc-dist-1'];
    try {
      const started = await call(victim, 'POST', '/api/v1/syncto', { all: true, resync: true, force: true, confirm_timeout: 300 });
      expect(started.status, JSON.stringify(started.body)).to.equal(202);
      jobId = started.body.job_id as string;
      await until(() => fast.every((h) => lab.lab.device(h).runningConfig() !== baseline[h]), 'the fast devices to run the unconfirmed config', 60_000);
    } finally {
      await db.pool.query('DROP TRIGGER IF EXISTS only_victim ON netsync_job_queue');
      await db.pool.query('DROP FUNCTION IF EXISTS only_victim()');
    }
    slow.setFaults({ holdReplies: true });
    // Its progress is in the store: another replica shows the job running, on the leader.
    const other = replicas.find((r) => r !== victim && running(r))!;
    const seen = (await call(other, 'GET', `/api/v1/jobs/${jobId}`)).body.job;
    expect(seen.status).to.equal('RUNNING');
    expect(seen.replica).to.match(new RegExp(`^${victim.name}-`));
    victim.child.kill('SIGKILL');
    await victim.exited;
    slow.clearFaults();

    await until(async () => (await leaders()).length === 1, 'another leader', 30_000);
    const [next] = await leaders();
    expect(next!.r).to.not.equal(victim);
    // The takeover as the new leader recorded it: from the dead leader's last heartbeat to holding the lock.
    const takeoverMs = next!.h!.body.takeoverMs as number;
    expect(next!.h!.body.previousLeader).to.equal(leader!.h!.body.replica);
    expect(takeoverMs).to.be.a('number').and.at.most(10_000);
    console.log(`      leader takeover after SIGKILL: ${takeoverMs} ms (the new leader's record)`);

    const job = await until(
      async () => {
        const j = (await call(next!.r, 'GET', `/api/v1/jobs/${jobId}`)).body.job;
        return j.status === 'ABORTED' && (j.log ?? []).some((l: string) => l.startsWith('recovery:'));
      },
      'the job to be recovered',
      60_000,
    ).then(async () => (await call(next!.r, 'GET', `/api/v1/jobs/${jobId}`)).body.job);
    expect(job.error).to.contain(victim.name);
    for (const h of fast) expect(job.log.join('\n'), h).to.match(new RegExp(`recovery: ${h}: cancelled`));
    // The pending confirmed commits were cancelled: every device runs its old config again.
    for (const d of lab.lab.devices)
      await until(() => lab.lab.device(d.hostname).runningConfig() === baseline[d.hostname], `${d.hostname} to run its old config`, 30_000);
  });

  it('a replica whose database goes away answers 503 on /healthz, and 200 again when it is back', async () => {
    const alive = replicas.filter((r) => running(r));
    await db.admin(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
    try {
      await db.admin('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db.name]);
      for (const r of alive) {
        await until(async () => (await health(r))?.status === 503, `${r.name} to answer 503`, 30_000);
        const h = await health(r);
        expect(h!.body).to.include({ status: 'unavailable', store: 'postgres', leader: false });
        expect(h!.body.problem).to.be.a('string');
      }
    } finally {
      await db.admin(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
    }
    for (const r of alive) await until(async () => (await health(r))?.status === 200, `${r.name} to recover`, 30_000);
    await until(async () => (await leaders()).length === 1, 'one leader again', 30_000);
    expect((await call(alive[0]!, 'GET', '/api/v1/devices')).status).to.equal(200);
  });
});
