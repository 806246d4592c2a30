import { expect } from 'chai';
import { NetboxSource } from '../../../src/sources/netboxSource.ts';
import type { NetboxOptions } from '../../../src/sources/netboxSource.ts';
import { deviceSpec, rejects } from './stubs/fixtures.ts';
import { NetboxStub } from './stubs/netboxStub.ts';

const spec = deviceSpec('Leaf-7', { managementIp: '10.2.0.7', origin: 'nso' });

describe('sources/NetboxSource against a NetBox double', () => {
  let nb: NetboxStub;
  let opts: NetboxOptions;

  beforeEach(async () => {
    nb = new NetboxStub();
    await nb.start();
    opts = {
      url: nb.url,
      token: nb.token,
      tokenScheme: 'Token',
      pageSize: 2,
      filters: {},
      create: { site: { slug: 'lab' }, role: 4, deviceType: 7, status: 'active', platforms: { eos: { slug: 'eos' } } },
      timeoutMs: 2000,
    };
  });
  afterEach(async () => {
    await nb.stop();
    expect(nb.violations, 'requests outside the documented API').to.deep.equal([]);
  });

  it('follows next across pages and maps name, primary IP, platform and role', async () => {
    nb.add('SW-1', { ip: '10.2.0.1', platform: 'eos', role: 'access' });
    for (let i = 2; i <= 5; i++) nb.add(`sw-${i}`, { ip: `10.2.0.${i}` });
    nb.add(null); // unnamed devices exist in NetBox and are not ours
    const list = await new NetboxSource(opts).list();
    expect(list.map((d) => d.name)).to.deep.equal(['SW-1', 'sw-2', 'sw-3', 'sw-4', 'sw-5']);
    expect(list[0]).to.deep.equal({ name: 'SW-1', ref: '1', managementIp: '10.2.0.1', platform: 'eos', type: 'ACCESS' });
    expect(nb.requests.filter((r) => r.method === 'GET')).to.have.length(3);
  });

  it('passes the configured filters as query parameters', async () => {
    nb.add('in-1', { tags: ['netsync'], status: 'active' });
    nb.add('out-1', { tags: [], status: 'active' });
    nb.add('in-2', { tags: ['netsync'], status: 'planned' });
    nb.add('off-1', { tags: ['netsync'], status: 'offline' });
    const list = await new NetboxSource({ ...opts, filters: { tag: 'netsync', status: ['active', 'planned'] } }).list();
    expect(list.map((d) => d.name)).to.deep.equal(['in-1', 'in-2']);
  });

  it('keeps the token on the configured host when next names another one', async () => {
    for (let i = 1; i <= 3; i++) nb.add(`sw-${i}`);
    nb.advertisedOrigin = 'http://netbox.internal.invalid:8000';
    expect(await new NetboxSource(opts).list()).to.have.length(3);
  });

  it('refuses a read whose results do not add up to count (never a partial list)', async () => {
    for (let i = 1; i <= 3; i++) nb.add(`sw-${i}`);
    nb.countSkew = 2;
    const err = await rejects(new NetboxSource(opts).list());
    expect(err.code).to.equal('SOURCE_BAD_RESPONSE');
    expect(err.data).to.include({ seen: 3, count: 5 });
  });

  it('a 5xx on a later page fails the whole read', async () => {
    for (let i = 1; i <= 5; i++) nb.add(`sw-${i}`);
    nb.faults.failAfter = { served: 1, status: 502 };
    const err = await rejects(new NetboxSource(opts).list());
    expect(err.code).to.equal('SOURCE_UNAVAILABLE');
    expect(err.data).to.include({ status: 502 });
    expect(nb.requests).to.have.length(2);
  });

  it('adds with POST (201) in the documented shape', async () => {
    await new NetboxSource(opts).add(spec);
    expect(nb.devices.map((d) => d.name)).to.deep.equal(['Leaf-7']);
  });

  it('reads and writes the management port through the configured custom field', async () => {
    nb.add('sw-1', { ip: '10.2.0.1', customFields: { ssh_port: 2201 } });
    const source = new NetboxSource({ ...opts, portField: 'ssh_port' });
    expect((await source.list())[0]).to.include({ port: 2201 });
    await source.add(spec);
    expect(nb.devices.find((d) => d.name === 'Leaf-7')!.custom_fields).to.deep.equal({ ssh_port: 22 });
  });

  it('with create.managementInterface the address becomes the primary IP (interface, IP object, PATCH)', async () => {
    const source = new NetboxSource({ ...opts, create: { ...opts.create!, managementInterface: 'mgmt0' } });
    await source.add(spec);
    expect(nb.interfaces).to.deep.equal([{ id: 1, device: 1, name: 'mgmt0' }]);
    expect((await source.list())[0]).to.include({ name: 'Leaf-7', managementIp: '10.2.0.7' });
  });

  it('a primary IP that cannot be set fails the add with a message saying the device exists', async () => {
    nb.faults.failAfter = { served: 2, status: 500 };
    const source = new NetboxSource({ ...opts, create: { ...opts.create!, managementInterface: 'mgmt0' } });
    const err = await rejects(source.add(spec));
    expect(err.code).to.equal('SOURCE_UNAVAILABLE');
    expect(err.message).to.contain("created 'Leaf-7' but could not set its primary IP");
  });

  it('without sources.netbox.create an add is SOURCE_NOT_CONFIGURED and nothing is sent', async () => {
    const { create: _create, ...rest } = opts;
    const err = await rejects(new NetboxSource(rest).add(spec));
    expect(err.code).to.equal('SOURCE_NOT_CONFIGURED');
    expect(nb.requests).to.have.length(0);
  });

  it('a rejected create (400) is SOURCE_REJECTED with the field errors', async () => {
    nb.add('Leaf-7');
    const err = await rejects(new NetboxSource(opts).add(spec));
    expect(err.code).to.equal('SOURCE_REJECTED');
    expect(String(err.data.detail)).to.contain('unique');
  });

  it('removes by id (204), finds the id by exact name when it has none, and a missing device is already gone', async () => {
    const a = nb.add('Sw-A');
    nb.add('sw-b');
    const source = new NetboxSource(opts);
    await source.remove({ name: 'Sw-A', ref: String(a.id) });
    await source.remove({ name: 'sw-b' });
    expect(nb.devices).to.have.length(0);
    await source.remove({ name: 'Sw-A', ref: String(a.id) });
    await source.remove({ name: 'sw-b' });
  });

  it('a bad token is SOURCE_AUTH_FAILED (403) and the token is not in the error', async () => {
    const err = await rejects(new NetboxSource({ ...opts, token: 'not-the-token' }).list());
    expect(err.code).to.equal('SOURCE_AUTH_FAILED');
    expect(err.data).to.include({ status: 403, detail: 'Invalid token' });
    expect(err.message).not.to.contain('not-the-token');
  });

  it('a slow answer is cut at the client timeout: SOURCE_TIMEOUT', async () => {
    nb.faults.delayMs = 1500;
    const err = await rejects(new NetboxSource({ ...opts, timeoutMs: 200 }).list());
    expect(err.code).to.equal('SOURCE_TIMEOUT');
  });
});
