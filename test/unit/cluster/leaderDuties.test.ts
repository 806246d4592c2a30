/** The leader's duties: periodic work only while leading and serving; recovery on taking over and when a replica is gone. */
import { expect } from 'chai';
import { LeaderDuties } from '../../../src/cluster/leaderDuties.ts';
import type { Leadership, LeaderStatus } from '../../../src/model/cluster.ts';
import { silentLogger } from '../../../src/model/ports.ts';
import { until } from '../../helpers/until.ts';

class FakeLeadership implements Leadership {
  readonly replica = 'me';
  private leading = false;
  private readonly listeners: ((l: boolean) => void)[] = [];
  isLeader(): boolean {
    return this.leading;
  }
  status(): LeaderStatus {
    return { replica: this.replica, leader: this.leading };
  }
  onChange(listener: (l: boolean) => void): void {
    this.listeners.push(listener);
  }
  set(leading: boolean): void {
    this.leading = leading;
    for (const l of this.listeners) l(leading);
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}

describe('cluster/LeaderDuties', () => {
  let duties: LeaderDuties | undefined;
  afterEach(async () => {
    await duties?.stop();
  });

  function setup() {
    const leadership = new FakeLeadership();
    let live = new Set(['me', 'other']);
    const scheduler = {
      running: false,
      start() {
        this.running = true;
      },
      async stop() {
        this.running = false;
      },
    };
    const recoveries: { other: boolean; me: boolean; unnamed: boolean }[] = [];
    duties = new LeaderDuties({
      leadership,
      registry: { liveReplicas: async () => new Set(live) },
      scheduler,
      recover: async (gone) => void recoveries.push({ other: gone('other'), me: gone('me'), unnamed: gone(undefined) }),
      logger: silentLogger,
      watchMs: 10,
    });
    return { leadership, scheduler, recoveries, setLive: (ids: string[]) => (live = new Set(ids)) };
  }

  it('runs the periodic work only while this replica leads and serves', async () => {
    const { leadership, scheduler } = setup();
    duties!.setServing(true);
    expect(scheduler.running).to.equal(false);
    leadership.set(true);
    expect(scheduler.running).to.equal(true);
    leadership.set(false);
    expect(scheduler.running).to.equal(false);
    leadership.set(true);
    duties!.setServing(false);
    expect(scheduler.running).to.equal(false);
  });

  it('recovers on taking over (work of replicas not alive and of none), and again when a live replica is gone', async () => {
    const { leadership, recoveries, setLive } = setup();
    leadership.set(true);
    await until(() => recoveries.length === 1, 'the recovery on taking over');
    expect(recoveries[0]).to.deep.equal({ other: false, me: false, unnamed: true });
    setLive(['me']);
    await until(() => recoveries.length === 2, 'the recovery of the replica that is gone');
    expect(recoveries[1]).to.deep.equal({ other: true, me: false, unnamed: true });
    // Nothing changed since: no further recovery until the next full look.
    await new Promise((r) => setTimeout(r, 60));
    expect(recoveries).to.have.length(2);
  });

  it('a follower recovers nothing', async () => {
    const { recoveries } = setup();
    duties!.setServing(true);
    await new Promise((r) => setTimeout(r, 50));
    await duties!.idle();
    expect(recoveries).to.deep.equal([]);
  });
});
