import { expect } from 'chai';
import { BssSource } from '../../../src/sources/bssSource.ts';
import type { BssOptions } from '../../../src/sources/bssSource.ts';
import { BssStub } from './stubs/bssStub.ts';
import { bssSettings, deviceSpec, rejects } from './stubs/fixtures.ts';


describe('sources/BssSource (generic REST) against a BSS double', () => {
  let bss: BssStub;
  let opts: BssOptions;

  beforeEach(async () => {
    bss = new BssStub();
    await bss.start();
    opts = {
      ...bssSettings(bss),
      fields: { name: 'hostname', managementIp: 'mgmt.ipv4', platform: 'vendorOs' },
      extra: { customer: 'internal' },
      timeoutMs: 2000,
    };
  });
  afterEach(async () => {
    await bss.stop();
    expect(bss.violations, 'requests outside the documented API').to.deep.equal([]);
  });

  it('lists records through the configured (nested) field names', async () => {
    bss.add('SW-1', '10.3.0.1', { vendorOs: 'eos' });
    bss.add('sw-2', '10.3.0.2');
    expect(await new BssSource(opts).list()).to.deep.equal([
      { name: 'SW-1', ref: 'NE-100', managementIp: '10.3.0.1', platform: 'eos' },
      { name: 'sw-2', ref: 'NE-101', managementIp: '10.3.0.2' },
    ]);
  });

  it('adds a record built from the field names plus the constant extra fields; 409 counts as added', async () => {
    const source = new BssSource(opts);
    const spec = deviceSpec('Leaf-7', { managementIp: '10.3.0.7' });
    await source.add(spec);
    await source.add(spec);
    expect(bss.records).to.deep.equal([{ elementId: 'NE-100', hostname: 'Leaf-7', mgmt: { ipv4: '10.3.0.7' }, vendorOs: 'eos', customer: 'internal' }]);
  });

  it('removes by the configured id field; a record already gone (404) is fine', async () => {
    const r = bss.add('sw-1', '10.3.0.1');
    const source = new BssSource(opts);
    await source.remove({ name: 'sw-1', ref: r.elementId });
    await source.remove({ name: 'sw-1', ref: r.elementId });
    expect(bss.records).to.have.length(0);
  });

  it('a record without the name field is SOURCE_BAD_RESPONSE, and so is a missing items array', async () => {
    bss.records.push({ elementId: 'NE-1', mgmt: { ipv4: '10.3.0.9' } } as never);
    expect((await rejects(new BssSource(opts).list())).code).to.equal('SOURCE_BAD_RESPONSE');
    expect((await rejects(new BssSource({ ...opts, itemsField: 'items' }).list())).code).to.equal('SOURCE_BAD_RESPONSE');
  });

  it('a bad key is SOURCE_AUTH_FAILED, a 503 SOURCE_UNAVAILABLE, a slow answer SOURCE_TIMEOUT', async () => {
    expect((await rejects(new BssSource({ ...opts, token: 'wrong-key-000' }).list())).code).to.equal('SOURCE_AUTH_FAILED');
    bss.faults.failNext = { status: 503, times: 1 };
    expect((await rejects(new BssSource(opts).list())).code).to.equal('SOURCE_UNAVAILABLE');
    bss.faults.delayMs = 1500;
    expect((await rejects(new BssSource({ ...opts, timeoutMs: 200 }).list())).code).to.equal('SOURCE_TIMEOUT');
  });
});
