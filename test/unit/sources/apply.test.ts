import { expect } from 'chai';
import { NetsyncError } from '../../../src/model/errors.ts';
import type { SourceName } from '../../../src/model/device.ts';
import { applyPlan } from '../../../src/sources/reconcile/apply.ts';
import type { PlanItem } from '../../../src/sources/reconcile/plan.ts';
import type { DeviceSpec, InventorySource, SourceDevice } from '../../../src/sources/types.ts';

/** An in-memory system that records calls and refuses the names it is told to. */
function memorySystem(name: SourceName, opts: { batch?: boolean; refuse?: string[] } = {}) {
  const calls: string[] = [];
  const refuse = (n: string) => {
    if (opts.refuse?.includes(n)) throw new NetsyncError('SOURCE_REJECTED', `${name} refuses ${n}`);
  };
  const system: InventorySource = {
    name,
    list: async () => [],
    add: async (d: DeviceSpec) => {
      calls.push(`add ${d.name}`);
      refuse(d.name);
    },
    remove: async (d: SourceDevice) => {
      calls.push(`remove ${d.name}${d.ref ? `#${d.ref}` : ''}`);
      refuse(d.name);
    },
    ...(opts.batch
      ? {
          addMany: async (ds: DeviceSpec[]) => {
            calls.push(`addMany ${ds.map((d) => d.name).join(',')}`);
            ds.forEach((d) => refuse(d.name));
          },
        }
      : {}),
  };
  return { system, calls };
}

const spec = (name: string): DeviceSpec => ({ name, managementIp: '10.0.0.1', port: 22, platform: 'eos', transport: 'eos-cli', type: 'ACCESS', origin: 'nso' });
const addItem = (name: string, targets: SourceName[]): PlanItem => ({
  key: name.toLowerCase(),
  hostname: name,
  intent: 'add',
  action: 'add',
  reason: '',
  presence: {},
  deferred: [],
  spec: spec(name),
  steps: targets.map((s) => ({ source: s, op: 'add', name })),
});

describe('sources/reconcile applyPlan', () => {
  it('gives a batch to a system that takes one, and each step its own result', async () => {
    const ui = memorySystem('ui', { batch: true });
    const nso = memorySystem('nso');
    const results = await applyPlan([addItem('a', ['ui', 'nso']), addItem('b', ['ui', 'nso'])], { ui: ui.system, nso: nso.system });
    expect(ui.calls).to.deep.equal(['addMany a,b']);
    expect(nso.calls.sort()).to.deep.equal(['add a', 'add b']);
    expect(results.map((r) => r.status)).to.deep.equal(['done', 'done']);
  });

  it('a failing batch is retried one by one, so only the bad entry fails', async () => {
    const ui = memorySystem('ui', { batch: true, refuse: ['b'] });
    const results = await applyPlan([addItem('a', ['ui']), addItem('b', ['ui'])], { ui: ui.system });
    expect(ui.calls).to.deep.equal(['addMany a,b', 'add a', 'add b']);
    expect(results.map((r) => `${r.hostname} ${r.status}`)).to.deep.equal(['a done', 'b failed']);
    expect(results[1]!.steps[0]!.error).to.deep.include({ code: 'SOURCE_REJECTED' });
  });

  it('one system failing does not stop the others; the item is partial', async () => {
    const nso = memorySystem('nso', { refuse: ['a'] });
    const bss = memorySystem('bss');
    const [r] = await applyPlan([addItem('a', ['nso', 'bss'])], { nso: nso.system, bss: bss.system });
    expect(r!.status).to.equal('partial');
    expect(r!.steps.map((s) => `${s.source} ${s.status}`)).to.deep.equal(['nso failed', 'bss done']);
  });

  it('a step for a system that is not configured fails, and conflicts are never applied', async () => {
    const conflict = { ...addItem('c', ['nso']), action: 'conflict' as const };
    const results = await applyPlan([addItem('a', ['netbox']), conflict], {});
    expect(results).to.have.length(1);
    expect(results[0]!.steps[0]).to.deep.include({ status: 'failed', error: { code: 'INTERNAL', message: 'no netbox source is configured' } });
  });
});
