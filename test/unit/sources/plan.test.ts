import { expect } from 'chai';
import type { SourceName } from '../../../src/model/device.ts';
import type { IdentityProbe, ProbeResult, ProbeTarget } from '../../../src/sources/reconcile/identityProbe.ts';
import type { KnownDevice, Plan, SourceRead } from '../../../src/sources/reconcile/plan.ts';
import { planReconcile } from '../../../src/sources/reconcile/plan.ts';
import type { SourceDevice } from '../../../src/sources/types.ts';

/** A probe answering from a table keyed by address; records what it was asked. */
function tableProbe(answers: Record<string, ProbeResult>): IdentityProbe & { asked: ProbeTarget[] } {
  const asked: ProbeTarget[] = [];
  return {
    asked,
    async probe(target) {
      asked.push(target);
      return answers[target.host] ?? { reachable: false, error: 'connect ECONNREFUSED' };
    },
  };
}

const dev = (name: string, ip: string, extra: Partial<SourceDevice> = {}): SourceDevice => ({ name, managementIp: ip, ...extra });
const ok = (source: SourceName, devices: SourceDevice[]): SourceRead => ({ source, ok: true, devices });
const failed = (source: SourceName): SourceRead => ({ source, ok: false, error: { code: 'SOURCE_UNAVAILABLE', message: 'HTTP 503' } });
const known = (hostname: string, ip: string, sources: Partial<Record<SourceName, string>>, extra: Partial<KnownDevice> = {}): KnownDevice => ({
  key: hostname.toLowerCase(),
  hostname,
  managementIp: ip,
  sources: Object.fromEntries(Object.entries(sources).map(([s, n]) => [s, { name: n }])),
  ...extra,
});
const everywhere = (name: string, _ip: string) => ({ ui: name, nso: name, netbox: name, bss: name });
/** A device in sync everywhere, so that a system which lost another device does not look empty. */
const keep = dev('keep-1', '10.0.9.1');
const keepKnown = known('keep-1', '10.0.9.1', { ui: 'keep-1', nso: 'keep-1', netbox: 'keep-1', bss: 'keep-1' });
const answers = (hostname: string): ProbeResult => ({ reachable: true, hostname });

interface Row {
  name: string;
  reads: SourceRead[];
  known?: KnownDevice[];
  probe: Record<string, ProbeResult>;
  expect: (plan: Plan, asked: ProbeTarget[]) => void;
}

const steps = (plan: Plan, key: string) => plan.items.find((i) => i.key === key)!.steps.map((s) => `${s.op} ${s.source} ${s.name}${s.ref ? `#${s.ref}` : ''}`);
const item = (plan: Plan, key: string) => plan.items.find((i) => i.key === key)!;

const table: Row[] = [
  {
    name: 'new in one source: added to every other system after the device confirms its name',
    reads: [ok('ui', []), ok('nso', [dev('sw-9', '10.0.0.9', { port: 22, platform: 'eos' })]), ok('netbox', []), ok('bss', [])],
    probe: { '10.0.0.9': answers('sw-9') },
    expect(plan, asked) {
      expect(item(plan, 'sw-9').action).to.equal('add');
      expect(steps(plan, 'sw-9')).to.deep.equal(['add ui sw-9', 'add netbox sw-9', 'add bss sw-9']);
      expect(item(plan, 'sw-9').spec).to.include({ managementIp: '10.0.0.9', port: 22, platform: 'eos', transport: 'eos-cli', origin: 'nso' });
      expect(asked.map((a) => a.host)).to.deep.equal(['10.0.0.9']);
    },
  },
  {
    name: 'added in netsync (UI/API): reaches NSO, NetBox and the BSS',
    reads: [ok('ui', [dev('leaf-1', '10.0.1.1', { platform: 'junos', type: 'ACCESS' })]), ok('nso', []), ok('netbox', []), ok('bss', [])],
    probe: { '10.0.1.1': answers('leaf-1') },
    expect(plan) {
      expect(steps(plan, 'leaf-1')).to.deep.equal(['add nso leaf-1', 'add netbox leaf-1', 'add bss leaf-1']);
      expect(item(plan, 'leaf-1').spec).to.include({ port: 830, transport: 'netconf' });
    },
  },
  {
    name: 'deleted in one source: removed from every system once the address no longer answers with that name',
    reads: [
      ok('ui', [dev('sw-2', '10.0.0.2'), keep]),
      ok('nso', [dev('sw-2', '10.0.0.2'), keep]),
      ok('netbox', [keep]),
      ok('bss', [dev('sw-2', '10.0.0.2', { ref: 'B-17' }), keep]),
    ],
    known: [known('sw-2', '10.0.0.2', everywhere('sw-2', '10.0.0.2')), keepKnown],
    probe: { '10.0.0.2': answers('spare-7') },
    expect(plan) {
      expect(item(plan, 'sw-2')).to.include({ intent: 'delete', action: 'delete' });
      expect(item(plan, 'sw-2').reason).to.match(/removed from netbox/);
      expect(steps(plan, 'sw-2')).to.deep.equal(['remove ui sw-2', 'remove nso sw-2', 'remove bss sw-2#B-17']);
    },
  },
  {
    name: 'deleted in one source but the device still answers with that name: a conflict, not a delete',
    reads: [
      ok('ui', [dev('sw-2', '10.0.0.2'), keep]),
      ok('nso', [keep]),
      ok('netbox', [dev('sw-2', '10.0.0.2'), keep]),
      ok('bss', [dev('sw-2', '10.0.0.2'), keep]),
    ],
    known: [known('sw-2', '10.0.0.2', everywhere('sw-2', '10.0.0.2')), keepKnown],
    probe: { '10.0.0.2': answers('SW-2') },
    expect(plan) {
      expect(item(plan, 'sw-2')).to.include({ intent: 'delete', action: 'conflict', conflict: 'still_answers' });
      expect(item(plan, 'sw-2').steps).to.deep.equal([]);
    },
  },
  {
    name: 'deleted in netsync: removed from the others, each addressed with its own spelling',
    reads: [
      ok('ui', [keep]),
      ok('nso', [dev('CORE-1', '10.0.0.1'), keep]),
      ok('netbox', [dev('core-1', '10.0.0.1', { ref: '42' }), keep]),
      ok('bss', [dev('Core-1', '10.0.0.1'), keep]),
    ],
    known: [known('CORE-1', '10.0.0.1', { ui: 'CORE-1', nso: 'CORE-1', netbox: 'core-1', bss: 'Core-1' }), keepKnown],
    probe: { '10.0.0.1': { reachable: true, hostname: 'core-1-new' } },
    expect(plan) {
      expect(steps(plan, 'core-1')).to.deep.equal(['remove nso CORE-1', 'remove netbox core-1#42', 'remove bss Core-1']);
    },
  },
  {
    name: 'SW-1 vs sw-1: one device, every spelling kept, missing system gets the netsync spelling',
    reads: [ok('ui', [dev('SW-1', '10.0.0.1')]), ok('nso', [dev('sw-1', '10.0.0.1')]), ok('netbox', [dev('Sw-1', '10.0.0.1')]), ok('bss', [])],
    probe: { '10.0.0.1': answers('sw-1') },
    expect(plan) {
      expect(plan.items).to.have.length(1);
      const i = item(plan, 'sw-1');
      expect(i.hostname).to.equal('SW-1');
      expect(i.presence).to.deep.equal({
        ui: { present: true, name: 'SW-1' },
        nso: { present: true, name: 'sw-1' },
        netbox: { present: true, name: 'Sw-1' },
        bss: { present: false, name: 'SW-1' },
      });
      expect(i.action).to.equal('add');
      expect(steps(plan, 'sw-1')).to.deep.equal(['add bss SW-1']);
    },
  },
  {
    name: 'a device present everywhere is left alone and not contacted',
    reads: [
      ok('ui', [dev('sw-1', '10.0.0.1')]),
      ok('nso', [dev('SW-1', '10.0.0.1')]),
      ok('netbox', [dev('sw-1', '10.0.0.1')]),
      ok('bss', [dev('sw-1', '10.0.0.1')]),
    ],
    known: [known('sw-1', '10.0.0.1', everywhere('sw-1', '10.0.0.1'))],
    probe: {},
    expect(plan, asked) {
      expect(item(plan, 'sw-1')).to.include({ intent: 'none', action: 'none' });
      expect(asked).to.deep.equal([]);
    },
  },
  {
    name: 'same IP, different names: the device names itself; the other name is a conflict',
    reads: [ok('ui', []), ok('nso', [dev('edge-a', '10.0.0.5')]), ok('netbox', [dev('edge-b', '10.0.0.5')]), ok('bss', [])],
    probe: { '10.0.0.5': answers('EDGE-B') },
    expect(plan, asked) {
      expect(asked).to.have.length(1);
      expect(item(plan, 'edge-b').action).to.equal('add');
      expect(steps(plan, 'edge-b')).to.deep.equal(['add ui edge-b', 'add nso edge-b', 'add bss edge-b']);
      expect(item(plan, 'edge-a')).to.include({ action: 'conflict', conflict: 'same_ip' });
      expect(item(plan, 'edge-a').reason).to.contain("keeping 'edge-b'");
    },
  },
  {
    name: 'same IP, and the device answers with neither name: both are conflicts',
    reads: [ok('ui', []), ok('nso', [dev('edge-a', '10.0.0.5')]), ok('netbox', [dev('edge-b', '10.0.0.5')]), ok('bss', [])],
    probe: { '10.0.0.5': answers('edge-c') },
    expect(plan) {
      expect(item(plan, 'edge-a')).to.include({ action: 'conflict', conflict: 'hostname_mismatch' });
      expect(item(plan, 'edge-b')).to.include({ action: 'conflict', conflict: 'hostname_mismatch' });
    },
  },
  {
    name: 'a new name on the address of an in-sync device that still answers with its own name',
    reads: [
      ok('ui', [dev('sw-1', '10.0.0.1')]),
      ok('nso', [dev('sw-1', '10.0.0.1'), dev('sw-1-old', '10.0.0.1')]),
      ok('netbox', [dev('sw-1', '10.0.0.1')]),
      ok('bss', [dev('sw-1', '10.0.0.1')]),
    ],
    known: [known('sw-1', '10.0.0.1', everywhere('sw-1', '10.0.0.1'))],
    probe: { '10.0.0.1': answers('sw-1') },
    expect(plan) {
      expect(item(plan, 'sw-1').action).to.equal('none');
      expect(item(plan, 'sw-1-old')).to.include({ action: 'conflict', conflict: 'same_ip' });
    },
  },
  {
    name: 'wrong hostname on a new device: a conflict, nothing added',
    reads: [ok('ui', []), ok('nso', [dev('sw-3', '10.0.0.3')]), ok('netbox', []), ok('bss', [])],
    probe: { '10.0.0.3': answers('sw-4') },
    expect(plan) {
      expect(item(plan, 'sw-3')).to.include({ action: 'conflict', conflict: 'hostname_mismatch' });
      expect(item(plan, 'sw-3').steps).to.deep.equal([]);
    },
  },
  {
    name: 'unreachable device: neither added nor deleted, reported for the next sync',
    reads: [ok('ui', [keep]), ok('nso', [dev('new-1', '10.0.0.7'), keep]), ok('netbox', [dev('old-1', '10.0.0.8'), keep]), ok('bss', [keep])],
    known: [known('old-1', '10.0.0.8', { ui: 'old-1', netbox: 'old-1' }), keepKnown],
    probe: {},
    expect(plan) {
      expect(item(plan, 'new-1')).to.include({ intent: 'add', action: 'unreachable' });
      expect(item(plan, 'old-1')).to.include({ intent: 'delete', action: 'unreachable' });
      expect(item(plan, 'new-1').steps).to.deep.equal([]);
      expect(item(plan, 'old-1').steps).to.deep.equal([]);
      expect(plan.summary.unreachable).to.equal(2);
    },
  },
  {
    name: 'deleted in the only device of a system: the system looks empty, so nothing is deleted',
    reads: [ok('ui', [dev('sw-2', '10.0.0.2')]), ok('nso', [])],
    known: [known('sw-2', '10.0.0.2', { ui: 'sw-2', nso: 'sw-2' })],
    probe: { '10.0.0.2': answers('gone') },
    expect(plan, asked) {
      expect(plan.sources.find((s) => s.source === 'nso')).to.include({ status: 'empty' });
      expect(item(plan, 'sw-2')).to.include({ intent: 'none', action: 'none' });
      expect(asked).to.deep.equal([]);
    },
  },
  {
    name: 'empty source response: a system that answers with nothing but held devices causes no deletes and gets no adds',
    reads: [
      ok('ui', [dev('sw-1', '10.0.0.1'), dev('sw-5', '10.0.0.55')]),
      ok('nso', [dev('sw-1', '10.0.0.1')]),
      ok('netbox', []),
      ok('bss', [dev('sw-1', '10.0.0.1')]),
    ],
    known: [known('sw-1', '10.0.0.1', everywhere('sw-1', '10.0.0.1'))],
    probe: { '10.0.0.55': answers('sw-5') },
    expect(plan, asked) {
      expect(plan.sources.find((s) => s.source === 'netbox')).to.include({ status: 'empty', count: 0 });
      expect(item(plan, 'sw-1')).to.include({ intent: 'none', action: 'none' });
      expect(item(plan, 'sw-1').deferred).to.deep.equal(['netbox']);
      expect(steps(plan, 'sw-5')).to.deep.equal(['add nso sw-5', 'add bss sw-5']);
      expect(asked.map((a) => a.host)).to.deep.equal(['10.0.0.55']);
    },
  },
  {
    name: 'a system that is empty and always was takes part normally',
    reads: [ok('ui', [dev('sw-1', '10.0.0.1')]), ok('nso', []), ok('netbox', []), ok('bss', [])],
    probe: { '10.0.0.1': answers('sw-1') },
    expect(plan) {
      expect(plan.sources.map((s) => s.status)).to.deep.equal(['ok', 'ok', 'ok', 'ok']);
      expect(steps(plan, 'sw-1')).to.deep.equal(['add nso sw-1', 'add netbox sw-1', 'add bss sw-1']);
    },
  },
  {
    name: 'partial failure: a system that fails to load takes no part; the others still sync',
    reads: [
      ok('ui', [dev('sw-1', '10.0.0.1'), dev('sw-6', '10.0.0.6')]),
      ok('nso', [dev('sw-6', '10.0.0.6')]),
      ok('netbox', [dev('sw-1', '10.0.0.1')]),
      failed('bss'),
    ],
    known: [known('sw-1', '10.0.0.1', everywhere('sw-1', '10.0.0.1'))],
    probe: { '10.0.0.1': answers('other'), '10.0.0.6': answers('sw-6') },
    expect(plan) {
      expect(plan.sources.find((s) => s.source === 'bss')).to.deep.include({ status: 'failed', error: { code: 'SOURCE_UNAVAILABLE', message: 'HTTP 503' } });
      expect(item(plan, 'sw-1').action).to.equal('delete');
      expect(steps(plan, 'sw-1')).to.deep.equal(['remove ui sw-1', 'remove netbox sw-1']);
      expect(steps(plan, 'sw-6')).to.deep.equal(['add netbox sw-6']);
      expect(item(plan, 'sw-6').deferred).to.deep.equal(['bss']);
    },
  },
  {
    name: 'every source failing plans nothing at all',
    reads: [failed('ui'), failed('nso'), failed('netbox'), failed('bss')],
    known: [known('sw-1', '10.0.0.1', everywhere('sw-1', '10.0.0.1'))],
    probe: {},
    expect(plan, asked) {
      expect(plan.items.every((i) => i.action === 'none' && i.steps.length === 0)).to.equal(true);
      expect(asked).to.deep.equal([]);
    },
  },
  {
    name: 'a device pending deletion is removed from a system that comes back with it',
    reads: [ok('ui', []), ok('nso', []), ok('netbox', []), ok('bss', [dev('sw-1', '10.0.0.1', { ref: '9' })])],
    known: [known('sw-1', '10.0.0.1', { bss: 'sw-1' }, { deleting: { reason: 'removed from ui', since: '2026-01-01T00:00:00Z' } })],
    probe: { '10.0.0.1': { reachable: true, hostname: 'spare' } },
    expect(plan) {
      expect(item(plan, 'sw-1').action).to.equal('delete');
      expect(steps(plan, 'sw-1')).to.deep.equal(['remove bss sw-1#9']);
    },
  },
  {
    name: 'a name listed twice by one system in two spellings is a conflict',
    reads: [ok('ui', []), ok('nso', [dev('sw-1', '10.0.0.1'), dev('SW-1', '10.0.0.1')]), ok('netbox', []), ok('bss', [])],
    probe: { '10.0.0.1': answers('sw-1') },
    expect(plan) {
      expect(item(plan, 'sw-1')).to.include({ action: 'conflict', conflict: 'duplicate_name' });
    },
  },
  {
    name: 'a name netsync cannot manage is a conflict, not an add',
    reads: [ok('ui', []), ok('nso', [dev('odd/name,1', '10.0.0.1')]), ok('netbox', []), ok('bss', [])],
    probe: { '10.0.0.1': answers('odd/name,1') },
    expect(plan, asked) {
      expect(item(plan, 'odd/name,1')).to.include({ action: 'conflict', conflict: 'invalid_name' });
      expect(asked).to.deep.equal([]);
    },
  },
  {
    name: 'no management address anywhere: cannot be verified, so a conflict',
    reads: [ok('ui', []), ok('nso', []), ok('netbox', [{ name: 'bare-1' }]), ok('bss', [])],
    probe: {},
    expect(plan) {
      expect(item(plan, 'bare-1')).to.include({ action: 'conflict', conflict: 'missing_address' });
    },
  },
];

describe('sources/reconcile planReconcile (table)', () => {
  for (const row of table) {
    it(row.name, async () => {
      const probe = tableProbe(row.probe);
      const plan = await planReconcile({ reads: row.reads, known: row.known ?? [], defaults: { platform: 'eos', type: 'ACCESS' } }, { probe });
      row.expect(plan, probe.asked);
    });
  }

  it('a probe that throws counts as unreachable', async () => {
    const probe: IdentityProbe = {
      probe: async () => {
        throw new Error('boom');
      },
    };
    const plan = await planReconcile(
      { reads: [ok('ui', [dev('sw-1', '10.0.0.1')]), ok('nso', [])], known: [], defaults: { platform: 'eos', type: 'ACCESS' } },
      { probe },
    );
    expect(item(plan, 'sw-1')).to.include({ action: 'unreachable' });
    expect(item(plan, 'sw-1').probe).to.deep.equal({ reachable: false, error: 'boom' });
  });
});
