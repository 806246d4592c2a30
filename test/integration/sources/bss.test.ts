import { expect } from 'chai';
import { BssSource } from '../../../src/sources/bssSource.ts';
import type { BssOptions } from '../../../src/sources/bssSource.ts';
import { BSS_PATH, BssStub } from './stubs/bssStub.ts';
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

  it('pages through nextField until it is null, keeping the key on the configured host', async () => {
    for (let i = 1; i <= 5; i++) bss.add(`sw-${i}`, `10.3.0.${i}`);
    bss.pageSize = 2;
    bss.advertisedOrigin = 'http://bss.internal.invalid:8443';
    const list = await new BssSource({ ...opts, nextField: 'links.next' }).list();
    expect(list.map((d) => d.name)).to.deep.equal(['sw-1', 'sw-2', 'sw-3', 'sw-4', 'sw-5']);
    expect(bss.requests.filter((r) => r.method === 'GET')).to.have.length(3);
  });

  it('a 5xx on a later page fails the whole read (never a partial list), and so does a next link that loops', async () => {
    for (let i = 1; i <= 5; i++) bss.add(`sw-${i}`, `10.3.0.${i}`);
    bss.pageSize = 2;
    bss.faults.failAfter = { served: 1, status: 502 };
    const err = await rejects(new BssSource({ ...opts, nextField: 'links.next' }).list());
    expect(err.code).to.equal('SOURCE_UNAVAILABLE');
    expect(err.data).to.include({ status: 502 });
    bss.faults = {};
    bss.nextOverride = `${BSS_PATH}?page=1`; // every page says page 1 comes next
    const err2 = await rejects(new BssSource({ ...opts, nextField: 'links.next' }).list());
    expect(err2.code).to.equal('SOURCE_BAD_RESPONSE');
    expect(err2.message).to.contain("paging via 'links.next' does not end");
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
