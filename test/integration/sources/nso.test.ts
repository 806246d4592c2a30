import { expect } from 'chai';
import { NsoSource } from '../../../src/sources/nsoSource.ts';
import type { NsoOptions } from '../../../src/sources/nsoSource.ts';
import { deviceSpec, rejects } from './stubs/fixtures.ts';
import { NsoStub } from './stubs/nsoStub.ts';

const spec = deviceSpec;

describe('sources/NsoSource against a RESTCONF double', () => {
  let nso: NsoStub;
  let opts: NsoOptions;

  beforeEach(async () => {
    nso = new NsoStub();
    await nso.start();
    opts = {
      url: nso.url,
      username: 'admin',
      password: 'nso-secret',
      authgroup: 'lab',
      nedIds: { eos: 'arista-dcs-cli-5.x' },
      adminState: 'unlocked',
      actionsAfterAdd: [],
      timeoutMs: 2000,
    };
  });
  afterEach(async () => {
    await nso.stop();
    expect(nso.violations, 'requests outside the documented API').to.deep.equal([]);
  });

  it('lists devices with address, port, platform (from the ned-id) and transport', async () => {
    nso.seed(
      { name: 'SW-1', address: '10.1.0.1', port: 22, authgroup: 'lab', 'device-type': { cli: { 'ned-id': 'arista-dcs-cli-5.x:arista-dcs-cli-5.x' } } },
      { name: 'pe-1', address: '10.1.0.2', port: 830, authgroup: 'lab', 'device-type': { netconf: { 'ned-id': 'juniper-junos-nc-4.x' } } },
    );
    const list = await new NsoSource(opts).list();
    expect(list).to.deep.equal([
      { name: 'SW-1', managementIp: '10.1.0.1', port: 22, platform: 'eos', transport: 'eos-cli' },
      { name: 'pe-1', managementIp: '10.1.0.2', port: 830, transport: 'netconf' },
    ]);
  });

  it('an empty device list (204) is an empty array', async () => {
    expect(await new NsoSource(opts).list()).to.deep.equal([]);
  });

  it('adds with POST (201) in the documented shape, and an existing device (409) counts as added', async () => {
    const source = new NsoSource(opts);
    await source.add(spec('Leaf-7'));
    expect(nso.devices.get('Leaf-7')).to.deep.equal({
      name: 'Leaf-7',
      address: '10.1.0.1',
      port: 22,
      authgroup: 'lab',
      'device-type': { cli: { 'ned-id': 'arista-dcs-cli-5.x' } },
      state: { 'admin-state': 'unlocked' },
    });
    await source.add(spec('Leaf-7'));
    await source.add(spec('pe-9', { platform: 'junos', transport: 'netconf', port: 830 }));
    expect(nso.devices.get('pe-9')!['device-type']).to.deep.equal({ netconf: {} });
  });

  it('runs the configured actions on a device it adds; a failed action fails the add with the reason', async () => {
    const source = new NsoSource({ ...opts, actionsAfterAdd: ['fetch-host-keys', 'sync-from'] });
    await source.add(spec('Leaf-8'));
    expect(nso.actions).to.deep.equal(['fetch-host-keys Leaf-8', 'sync-from Leaf-8']);
    nso.failingActions.add('sync-from');
    const err = await rejects(source.add(spec('Leaf-9')));
    expect(err.code).to.equal('SOURCE_REJECTED');
    expect(err.message).to.contain('sync-from failed: Failed to connect to device');
  });

  it('removes with DELETE device=<percent-encoded key> (204); an absent device (404) is already gone', async () => {
    nso.seed({ name: 'odd/name,1', address: '10.1.0.3', authgroup: 'lab', 'device-type': { cli: {} } });
    const source = new NsoSource(opts);
    await source.remove({ name: 'odd/name,1' });
    expect(nso.devices.size).to.equal(0);
    await source.remove({ name: 'odd/name,1' });
    expect(nso.requests.filter((r) => r.method === 'DELETE')).to.have.length(2);
  });

  it('a wrong password is SOURCE_AUTH_FAILED and the password never shows in the error', async () => {
    const err = await rejects(new NsoSource({ ...opts, password: 'wrong-pass' }).list());
    expect(err.code).to.equal('SOURCE_AUTH_FAILED');
    expect(err.data).to.include({ source: 'nso', status: 401 });
    expect(JSON.stringify({ m: err.message, d: err.data })).not.to.contain('wrong-pass');
  });

  it('a 5xx is SOURCE_UNAVAILABLE with the RESTCONF error message', async () => {
    nso.faults.failNext = {
      status: 503,
      times: 1,
      body: { 'ietf-restconf:errors': { error: [{ 'error-tag': 'resource-denied', 'error-message': 'NSO is in upgrade mode' }] } },
    };
    const err = await rejects(new NsoSource(opts).list());
    expect(err.code).to.equal('SOURCE_UNAVAILABLE');
    expect(err.data.detail).to.equal('resource-denied: NSO is in upgrade mode');
  });

  it('a slow answer is cut at the client timeout: SOURCE_TIMEOUT', async () => {
    nso.faults.delayMs = 1500; // an answer after the delay would be a success, not SOURCE_TIMEOUT
    const err = await rejects(new NsoSource({ ...opts, timeoutMs: 200 }).list());
    expect(err.code).to.equal('SOURCE_TIMEOUT');
  });

  it('a server that is not there is SOURCE_UNAVAILABLE', async () => {
    await nso.stop();
    const err = await rejects(new NsoSource(opts).list());
    expect(err.code).to.equal('SOURCE_UNAVAILABLE');
  });

  it('a 404 without a RESTCONF error body (wrong URL) is not taken for an empty list', async () => {
    const err = await rejects(new NsoSource({ ...opts, url: `${nso.url}/wrong` }).list());
    expect(err.code).to.equal('SOURCE_BAD_RESPONSE');
    nso.violations.length = 0;
  });
});
