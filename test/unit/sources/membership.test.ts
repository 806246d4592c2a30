import { expect } from 'chai';
import type { ItemResult } from '../../../src/sources/reconcile/membership.ts';
import { nextMembership } from '../../../src/sources/reconcile/membership.ts';
import type { KnownDevice, PlanItem } from '../../../src/sources/reconcile/plan.ts';

const now = new Date('2026-01-02T03:04:05Z');
const spec = { name: 'sw-1', managementIp: '10.0.0.1', port: 22, platform: 'eos', transport: 'eos-cli' as const, type: 'ACCESS', origin: 'nso' as const };
const item = (over: Partial<PlanItem>): PlanItem => ({
  key: 'sw-1',
  hostname: 'sw-1',
  intent: 'add',
  action: 'add',
  reason: 'new in nso',
  presence: { ui: { present: false, name: 'sw-1' }, nso: { present: true, name: 'SW-1' }, netbox: { present: false, name: 'sw-1' } },
  deferred: [],
  spec,
  steps: [
    { source: 'ui', op: 'add', name: 'sw-1' },
    { source: 'netbox', op: 'add', name: 'sw-1' },
  ],
  ...over,
});
const result = (statuses: Record<string, 'done' | 'failed'>, op: 'add' | 'remove' = 'add'): ItemResult => ({
  key: 'sw-1',
  hostname: 'sw-1',
  status: 'partial',
  steps: Object.entries(statuses).map(([source, status]) => ({ source: source as 'ui', op, name: 'sw-1', status })),
});

describe('sources/reconcile nextMembership', () => {
  it('records only the systems that really hold the device: a failed add is tried again next time', () => {
    const change = nextMembership([item({})], [result({ ui: 'done', netbox: 'failed' })], [], now);
    expect(change.put).to.have.length(1);
    expect(change.put[0]!.sources).to.deep.equal({ ui: { name: 'sw-1' }, nso: { name: 'SW-1' } });
    expect(change.put[0]).to.include({ managementIp: '10.0.0.1', port: 22 });
    expect(change.put[0]!.deleting).to.equal(undefined);
  });

  it('a conflict or unreachable device keeps its old record, so the same question is asked next time', () => {
    const known: KnownDevice[] = [{ key: 'sw-1', hostname: 'sw-1', sources: { ui: { name: 'sw-1' } } }];
    for (const action of ['conflict', 'unreachable'] as const) {
      expect(nextMembership([item({ action, steps: [] })], [], known, now)).to.deep.equal({ put: [], drop: [] });
    }
  });

  it('a delete that failed somewhere keeps a tombstone; one that finished everywhere drops the record', () => {
    const deleting = item({
      intent: 'delete',
      action: 'delete',
      reason: 'removed from ui',
      presence: { ui: { present: false, name: 'sw-1' }, nso: { present: true, name: 'SW-1' }, netbox: { present: true, name: 'sw-1' } },
      steps: [
        { source: 'nso', op: 'remove', name: 'SW-1' },
        { source: 'netbox', op: 'remove', name: 'sw-1' },
      ],
    });
    const known: KnownDevice[] = [{ key: 'sw-1', hostname: 'sw-1', sources: { ui: { name: 'sw-1' }, nso: { name: 'SW-1' }, netbox: { name: 'sw-1' } } }];
    const partial = nextMembership([deleting], [result({ nso: 'done', netbox: 'failed' }, 'remove')], known, now);
    expect(partial.put[0]!.sources).to.deep.equal({ netbox: { name: 'sw-1' } });
    expect(partial.put[0]!.deleting).to.deep.equal({ reason: 'removed from ui', since: now.toISOString() });
    const done = nextMembership([deleting], [result({ nso: 'done', netbox: 'done' }, 'remove')], known, now);
    expect(done).to.deep.equal({ put: [], drop: ['sw-1'] });
  });

  it('systems that took no part keep what they had', () => {
    const known: KnownDevice[] = [{ key: 'sw-1', hostname: 'sw-1', sources: { bss: { name: 'Sw-1' }, nso: { name: 'SW-1' } } }];
    const change = nextMembership([item({ deferred: ['bss'], intent: 'none', action: 'none', steps: [] })], [], known, now);
    expect(change.put[0]!.sources).to.deep.equal({ nso: { name: 'SW-1' }, bss: { name: 'Sw-1' } });
  });
});
