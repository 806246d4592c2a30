/**
 * What replicas share, on a real PostgreSQL (a database of its own per run): advisory device locks with named
 * holders, released with their connection; two transactions on the same lab devices through two "replicas'"
 * lock services at the same moment (exactly one proceeds, the other fails in phase 1 with LOCKED and writes
 * nothing); one leader at a time and a takeover; delivery dedupe; one refresh at a time per repo.
 */
import { expect } from 'chai';
import type pg from 'pg';
import { runTransaction } from '../../../src/commit/engine.ts';
import { PgDeviceLocks } from '../../../src/postgres/deviceLocks.ts';
import { PgDeliveryLog } from '../../../src/postgres/pgDeliveryLog.ts';
import { PgExclusiveWork } from '../../../src/postgres/pgExclusiveWork.ts';
import { pgHealth } from '../../../src/postgres/pgHealth.ts';
import { PgLeadership } from '../../../src/postgres/pgLeadership.ts';
import type { TestDatabase } from '../../helpers/postgres.ts';
import { createTestDatabase } from '../../helpers/postgres.ts';
import { until } from '../../helpers/until.ts';
import type { LabSuite } from '../commit/labConfigs.ts';
import { canonical, labConfig, startLabSuite } from '../commit/labConfigs.ts';

const DEVICES = ['cl-nc-1', 'cl-eos-1', 'cl-nc-2'].map((hostname) => ({
  hostname,
  platform: hostname.includes('eos') ? ('eos' as const) : ('netconf' as const),
}));

describe('cluster on PostgreSQL (adapters)', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  const closers: (() => Promise<void>)[] = [];
  const connection = () => ({ connectionString: db.url });
  const locksFor = (replica: string) => {
    const locks = new PgDeviceLocks({ connection: connection(), pool: db.pool, replica });
    closers.push(() => locks.close());
    return locks;
  };

  before(async () => {
    db = await createTestDatabase('netsync_cluster', { migrate: true });
  });

  /**
   * Once every owner has let go: each replica keeps at most two lock connections for the next owner, holding no
   * lock and named by no holder that counts; closing the lock services closes them and removes their rows.
   */
  async function expectIdleLockConnections(services: PgDeviceLocks[]): Promise<void> {
    const state = async () =>
      (
        await db.pool.query<{ open: number; locks: number; holders: number }>(
          `SELECT (SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'netsync-device-lock') AS open,
                  (SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND pid IN
                     (SELECT pid FROM pg_stat_activity WHERE application_name = 'netsync-device-lock')) AS locks,
                  (SELECT count(*)::int FROM netsync_lock_holders) AS holders`,
        )
      ).rows[0]!;
    const idle = await state();
    expect(idle.open).to.be.within(1, 2 * services.length);
    expect(idle.locks).to.equal(0);
    for (const s of services) await s.close();
    // A backend leaves pg_stat_activity a moment after its client has hung up.
    await until(async () => JSON.stringify(await state()) === JSON.stringify({ open: 0, locks: 0, holders: 0 }), 'the lock connections to close');
  }
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });
  after(async () => {
    await db?.drop();
  });

  it('device locks: one owner at a time across replicas, case-insensitive, the holder named, re-entrant per owner', async () => {
    const a = locksFor('replica-a');
    const b = locksFor('replica-b');
    expect(await a.tryLockDevice('SW-1', 'tx-1')).to.equal(true);
    expect(await b.tryLockDevice('sw-1', 'tx-2')).to.equal(false);
    expect(await b.lockHolder('sw-1')).to.equal('tx-1 (replica replica-a)');
    // The same owner may take it again (syncto locks its devices, then its transaction does); both releases are needed.
    expect(await a.tryLockDevice('sw-1', 'tx-1')).to.equal(true);
    await a.unlockDevice('sw-1', 'tx-1');
    expect(await b.tryLockDevice('sw-1', 'tx-2')).to.equal(false);
    await a.unlockDevice('sw-1', 'tx-1');
    expect(await b.lockHolder('sw-1')).to.equal(undefined);
    expect(await b.tryLockDevice('sw-1', 'tx-2')).to.equal(true);
    await b.unlockDevice('sw-1', 'tx-2');
    await expectIdleLockConnections([a, b]);
  });

  it('device locks in one statement: taken in the order given, stopping at the first one held elsewhere', async () => {
    const a = locksFor('replica-a');
    const b = locksFor('replica-b');
    expect(await b.tryLockDevice('sw-c', 'tx-b')).to.equal(true);
    expect(await a.tryLockDevices(['sw-a', 'sw-b', 'SW-C', 'sw-d'], 'tx-a')).to.deep.equal({ locked: ['sw-a', 'sw-b'], refused: 'SW-C' });
    // Nothing after the refused device was taken.
    expect(await a.lockHolder('sw-d')).to.equal(undefined);
    expect(await b.lockHolder('sw-b')).to.equal('tx-a (replica replica-a)');
    await a.unlockDevices(['sw-a', 'sw-b'], 'tx-a');
    expect(await b.lockHolder('sw-a')).to.equal(undefined);
    expect(await b.tryLockDevices(['sw-a', 'sw-b'], 'tx-b')).to.deep.equal({ locked: ['sw-a', 'sw-b'] });
    await b.unlockDevices(['sw-a', 'sw-b', 'sw-c'], 'tx-b');
    await expectIdleLockConnections([a, b]);
  });

  it("a lock connection kept for the next owner carries none of the last one's locks and names its new owner", async () => {
    const a = locksFor('replica-a');
    const b = locksFor('replica-b');
    const lockingPids = async () =>
      (await db.pool.query<{ pid: number }>("SELECT DISTINCT pid FROM pg_locks WHERE locktype = 'advisory' AND granted")).rows.map((r) => r.pid);
    expect(await a.tryLockDevices(['sw-r1', 'sw-r2'], 'tx-1')).to.deep.equal({ locked: ['sw-r1', 'sw-r2'] });
    const first = await lockingPids();
    await a.unlockDevices(['sw-r1', 'sw-r2'], 'tx-1');
    expect(await lockingPids()).to.deep.equal([]);
    expect(await a.tryLockDevice('sw-r3', 'tx-2')).to.equal(true);
    expect(await lockingPids()).to.deep.equal(first); // tx-2 got tx-1's connection
    expect(await b.lockHolder('sw-r3')).to.equal('tx-2 (replica replica-a)');
    expect(await b.tryLockDevices(['sw-r1', 'sw-r2'], 'tx-b')).to.deep.equal({ locked: ['sw-r1', 'sw-r2'] });
    await a.unlockDevice('sw-r3', 'tx-2');
    await b.unlockDevices(['sw-r1', 'sw-r2'], 'tx-b');
  });

  it('an owner releasing its devices all at once leaves one clean connection: two later owners never share it', async () => {
    const a = locksFor('replica-a');
    const b = locksFor('replica-b');
    expect(await a.tryLockDevices(['sw-p1', 'sw-p2', 'sw-p3', 'sw-p4'], 'job-1')).to.deep.equal({ locked: ['sw-p1', 'sw-p2', 'sw-p3', 'sw-p4'] });
    // As syncto does: every device released at the same moment.
    await Promise.all(['sw-p1', 'sw-p2', 'sw-p3', 'sw-p4'].map((h) => a.unlockDevice(h, 'job-1')));
    const [second, third] = await Promise.all([a.tryLockDevice('sw-x', 'job-2'), a.tryLockDevice('sw-x', 'job-3')]);
    expect([second, third].filter(Boolean)).to.have.lengthOf(1);
    expect(await b.lockHolder('sw-x')).to.equal(second ? 'job-2 (replica replica-a)' : 'job-3 (replica replica-a)');
    await a.unlockDevice('sw-x', second ? 'job-2' : 'job-3');
    expect(await b.tryLockDevice('sw-x', 'tx-b')).to.equal(true);
    await b.unlockDevice('sw-x', 'tx-b');
  });

  it('one owner locking one device while it unlocks another keeps the new lock', async () => {
    const a = locksFor('replica-a');
    const b = locksFor('replica-b');
    expect(await a.tryLockDevice('sw-y', 'drift-check')).to.equal(true);
    // As the drift check does: many calls of one owner at once.
    const [, locked] = await Promise.all([a.unlockDevice('sw-y', 'drift-check'), a.tryLockDevice('sw-z', 'drift-check')]);
    expect(locked).to.equal(true);
    expect(await b.tryLockDevice('sw-z', 'tx-b')).to.equal(false);
    expect(await b.lockHolder('sw-z')).to.equal('drift-check (replica replica-a)');
    await a.unlockDevice('sw-z', 'drift-check');
    expect(await b.tryLockDevice('sw-z', 'tx-b')).to.equal(true);
    await b.unlockDevice('sw-z', 'tx-b');
  });

  it('a lock ends with its connection (a dead replica holds nothing)', async () => {
    const a = locksFor('replica-a');
    const b = locksFor('replica-b');
    expect(await a.tryLockDevice('sw-2', 'tx-dead')).to.equal(true);
    await db.pool.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'netsync-device-lock'",
    );
    await until(async () => (await b.tryLockDevice('sw-2', 'tx-next')) === true, 'the lock to be free after its connection died');
    expect(await a.lockHolder('sw-2')).to.equal('tx-next (replica replica-b)');
    await a.unlockDevice('sw-2', 'tx-dead'); // a no-op: that session is gone
    await b.unlockDevice('sw-2', 'tx-next');
  });

  describe('two overlapping transactions on lab devices, started at the same moment', () => {
    let suite: LabSuite;
    before(async () => {
      suite = await startLabSuite(
        DEVICES.map((d) => ({ ...d, initialConfig: labConfig(d.platform, { hostname: d.hostname, vlan: 10, description: 'baseline' }) })),
      );
    });
    after(async () => {
      await suite?.stop();
    });

    it('exactly one proceeds; the other fails in phase 1 with LOCKED naming device and holder, and writes nothing', async () => {
      const shape = (h: string, vlan: number) => ({ hostname: h, vlan, description: `from tx ${vlan}` });
      const item = (h: string, platform: 'eos' | 'netconf', vlan: number) => ({ target: suite.target(h), config: labConfig(platform, shape(h, vlan)) });
      // Overlapping on cl-eos-1 and cl-nc-2, listed in different orders.
      const t1 = { id: 'tx-one', items: DEVICES.slice(0, 3).map((d) => item(d.hostname, d.platform, 20)) };
      const t2 = {
        id: 'tx-two',
        items: DEVICES.slice(1, 3)
          .reverse()
          .map((d) => item(d.hostname, d.platform, 30)),
      };
      const replicaA = locksFor('replica-a');
      const replicaB = locksFor('replica-b');
      // Each replica starts its transaction on the same tick.
      const [o1, o2] = await Promise.all([
        runTransaction(t1, { sessions: suite.factory, locks: replicaA }),
        runTransaction(t2, { sessions: suite.factory, locks: replicaB }),
      ]);
      const outcomes = [o1, o2];
      const winners = outcomes.filter((o) => o.status === 'complete');
      expect(winners, JSON.stringify(outcomes.map((o) => o.errors))).to.have.length(1);
      const loser = outcomes.find((o) => o.status === 'fail')!;
      const refused = loser['node-results'].filter((n) => n.error);
      expect(refused).to.have.length(1);
      expect(refused[0]!.phase).to.equal('lock');
      expect(refused[0]!.error!.code).to.equal('LOCKED');
      const winnerId = winners[0]!.id;
      expect(refused[0]!.error!.message)
        .to.contain(refused[0]!['node-id'])
        .and.contain(`${winnerId} (replica replica-${winnerId === 'tx-one' ? 'a' : 'b'})`);
      // The loser touched nothing: every device runs the winner's config.
      for (const n of loser['node-results']) expect(n['configuration-status']).to.equal(n.error ? 'fail' : 'not-attempted');
      for (const n of loser['node-results']) expect(n['rollback-status']).to.equal('not-needed');
      const vlan = winnerId === 'tx-one' ? 20 : 30;
      for (const n of winners[0]!['node-results']) {
        const d = DEVICES.find((x) => x.hostname === n['node-id'])!;
        expect(suite.lab.device(d.hostname).runningConfig(), d.hostname).to.equal(canonical(d.platform, shape(d.hostname, vlan)));
      }
      if (winnerId === 'tx-two')
        expect(suite.lab.device('cl-nc-1').runningConfig()).to.equal(canonical('netconf', { hostname: 'cl-nc-1', vlan: 10, description: 'baseline' }));
      for (const d of DEVICES) expect(await replicaA.lockHolder(d.hostname)).to.equal(undefined);
    });
  });

  it('one leader at a time; when it goes, another takes over and records how long the leadership was vacant', async () => {
    const replicas = ['lead-a', 'lead-b', 'lead-c'].map((replica) => new PgLeadership({ connection: connection(), pool: db.pool, replica, intervalMs: 200 }));
    closers.push(async () => void (await Promise.all(replicas.map((r) => r.stop()))));
    for (const r of replicas) await r.start();
    await until(() => replicas.filter((r) => r.isLeader()).length === 1, 'a leader');
    const first = replicas.find((r) => r.isLeader())!;
    expect(await first.liveReplicas()).to.deep.equal(new Set(['lead-a', 'lead-b', 'lead-c']));
    // It stops (its lock ends with its connection): another replica leads and records the vacancy.
    await first.stop();
    await until(() => replicas.some((r) => r !== first && r.isLeader()), 'another leader');
    const second = replicas.find((r) => r !== first && r.isLeader())!;
    const status = second.status();
    expect(status.previousLeader).to.equal(first.replica);
    expect(status.takeoverMs).to.be.a('number').and.at.least(0);
    expect(await second.liveReplicas()).to.deep.equal(new Set(replicas.filter((r) => r !== first).map((r) => r.replica)));
    // The leader's connection is terminated by the server: it stops leading at once, reconnects, and one replica leads.
    let lost = false;
    second.onChange((leading) => (lost ||= !leading));
    await db.pool.query('SELECT pg_terminate_backend(backend_pid) FROM netsync_replicas WHERE id = $1', [second.replica]);
    await until(() => lost, 'the leader to notice it lost its connection');
    await until(() => second.connected() && replicas.filter((r) => r.isLeader()).length === 1, 'one leader again, the old one reconnected');
    expect(await second.liveReplicas()).to.include(second.replica);
  });

  it('webhook deliveries: of two replicas claiming the same delivery at once exactly one gets it; a released claim can be taken again', async () => {
    const a = new PgDeliveryLog(db.pool, 'replica-a');
    const b = new PgDeliveryLog(db.pool, 'replica-b');
    const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).claim('github', 'delivery-1')));
    expect(claims.filter(Boolean)).to.have.length(1);
    expect(await a.claim('gitea', 'delivery-1')).to.equal(true);
    await a.release('gitea', 'delivery-1');
    expect(await b.claim('gitea', 'delivery-1')).to.equal(true);
  });

  it('exclusive work: refreshes of one repo on two replicas never overlap; other repos run beside them', async () => {
    const works = [new PgExclusiveWork(db.pool, 'replica-a'), new PgExclusiveWork(db.pool, 'replica-b')];
    let inside = 0;
    let most = 0;
    const order: string[] = [];
    const job = (name: string) => async () => {
      inside++;
      most = Math.max(most, inside);
      order.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, 100));
      order.push(`end ${name}`);
      inside--;
      return name;
    };
    const results = await Promise.all([works[0]!.run('repo-refresh:settings', job('a')), works[1]!.run('repo-refresh:settings', job('b'))]);
    expect(results).to.deep.equal(['a', 'b']);
    expect(most).to.equal(1);
    const err = await works[0]!
      .run('repo-refresh:settings', async () => {
        throw new Error('refresh failed');
      })
      .catch((e: unknown) => e as Error);
    expect(err.message).to.equal('refresh failed');
    const claim = await db.pool.query<{ replica: string }>("SELECT replica FROM netsync_work_claims WHERE key = 'repo-refresh:settings'");
    expect(claim.rows[0]!.replica).to.be.oneOf(['replica-a', 'replica-b']);
  });

  it('health: reachable with the migration in force; unreachable is reported, not thrown', async () => {
    const ok = await pgHealth(db.pool);
    expect(ok.ok).to.equal(true);
    const { default: pgLib } = await import('pg');
    const nowhere: pg.Pool = new pgLib.Pool({ connectionString: db.url.replace(/\/[^/]*$/, '/netsync_no_such_database'), max: 1 });
    nowhere.on('error', () => undefined);
    const bad = await pgHealth(nowhere);
    await nowhere.end();
    expect(bad.ok).to.equal(false);
    expect(bad.problem).to.contain('cannot be reached');
  });
});
