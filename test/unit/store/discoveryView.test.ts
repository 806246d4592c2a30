/**
 * The PostgreSQL transact view (src/store/postgres/discoveryView.ts) over an in-memory loader: a plan that reads
 * rows not loaded yet runs again once they are, only a run that missed nothing counts, and the loop ends.
 */
import { expect } from 'chai';
import { buildDevice } from '../../../src/model/device.ts';
import type { Device } from '../../../src/model/device.ts';
import type { Job } from '../../../src/model/job.ts';
import type { CollectionName } from '../../../src/model/store.ts';
import { DiscoveryView } from '../../../src/store/postgres/discoveryView.ts';

const dev = (hostname: string) => buildDevice({ hostname, managementIp: '10.0.0.1', platform: 'eos', type: 'ACCESS' }, new Date(0));
const job = (id: string): Job => ({ id, kind: 'syncto', status: 'RUNNING', args: {}, by: 't', progress: { done: 0, total: 1 }, perDevice: {}, createdAt: 'x' });

function loader(devices: Device[], jobs: Job[]) {
  const calls: string[] = [];
  return {
    calls,
    devices: async (keys: string[] | 'all') => {
      calls.push(`devices:${keys === 'all' ? 'all' : keys.join(',')}`);
      return keys === 'all' ? devices : devices.filter((d) => keys.includes(d.hostname.toLowerCase()));
    },
    records: async (collection: CollectionName, ids: string[] | 'all') => {
      calls.push(`${collection}:${ids === 'all' ? 'all' : ids.join(',')}`);
      const rows = collection === 'jobs' ? jobs : [];
      return rows.filter((j) => ids === 'all' || ids.includes(j.id)).map((j) => ({ id: j.id, value: j }));
    },
    collectionNames: (): CollectionName[] => ['jobs', 'linknets'],
  };
}

describe('store/postgres DiscoveryView', () => {
  it('loads what a run read, runs again, and keeps only the run that missed nothing', async () => {
    const l = loader([dev('SW-1'), dev('sw-2')], [job('j1')]);
    let runs = 0;
    const result = await new DiscoveryView(l).run((view) => {
      runs++;
      const j = view.record('jobs', 'j1');
      // The second read depends on the first: a chain takes one more round.
      const d = j ? view.device('sw-1') : undefined;
      return { job: j?.id, device: d?.hostname, missing: view.device('nope') };
    });
    expect(result).to.deep.equal({ job: 'j1', device: 'SW-1', missing: undefined });
    expect(runs).to.equal(3);
    expect(l.calls).to.deep.equal(['devices:nope', 'jobs:j1', 'devices:sw-1']);
  });

  it('a run that threw because a row was not loaded yet is retried; a run that throws with everything loaded throws', async () => {
    const l = loader([dev('a')], []);
    const value = await new DiscoveryView(l).run((view) => {
      const d = view.device('a');
      if (!d) throw new Error('not there');
      return d.hostname;
    });
    expect(value).to.equal('a');
    let err: unknown;
    await new DiscoveryView(l)
      .run((view) => {
        if (!view.device('b')) throw new Error('b does not exist');
        return 1;
      })
      .catch((e: unknown) => (err = e));
    expect((err as Error).message).to.equal('b does not exist');
  });

  it("gives copies, and lists in the loader's order", async () => {
    const l = loader([dev('b'), dev('a')], [job('j2'), job('j1')]);
    const view = new DiscoveryView(l);
    const out = await view.run((v) => {
      const all = v.devices();
      all[0]?.groups.push('changed');
      return { devices: all.map((d) => d.hostname), again: v.devices()[0]?.groups, jobs: v.records('jobs').map((j) => j.id) };
    });
    expect(out).to.deep.equal({ devices: ['b', 'a'], again: [], jobs: ['j2', 'j1'] });
  });

  it('ends: after a few rounds of new misses it loads everything', async () => {
    const l = loader(
      Array.from({ length: 10 }, (_, i) => dev(`d${i}`)),
      [],
    );
    let runs = 0;
    // A plan that asks for one more device each round would otherwise take ten rounds.
    const found = await new DiscoveryView(l).run((view) => {
      runs++;
      let i = 0;
      while (view.device(`d${i}`)) i++;
      return i;
    });
    expect(found).to.equal(10);
    expect(runs).to.be.at.most(5);
    expect(l.calls).to.include('devices:all');
  });
});
