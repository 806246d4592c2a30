import { expect } from 'chai';
import type { TestDaemon } from '../../helpers/daemon.ts';
import { READ_TOKEN, deviceInput, removeDir, startTestDaemon } from '../../helpers/daemon.ts';

describe('API auth', () => {
  let t: TestDaemon;
  afterEach(async () => {
    await t.stop();
    await removeDir(t.dir);
  });

  it('refuses requests without a token or with a wrong one (401), and read tokens writing (403)', async () => {
    t = await startTestDaemon();
    expect((await t.call('GET', '/api/v1/devices', undefined, null)).status).to.equal(401);
    const anonymous = await fetch(`${t.url}/api/v1/devices`);
    expect(anonymous.headers.get('www-authenticate')).to.equal('Bearer realm="netsync"');
    expect((await t.call('GET', '/api/v1/devices', undefined, 'wrong-token-0123456789')).body.error.code).to.equal('UNAUTHENTICATED');
    expect((await t.call('POST', '/api/v1/devices', deviceInput('sw-1'), null)).status).to.equal(401);
    const forbidden = await t.call('POST', '/api/v1/devices', deviceInput('sw-1'), READ_TOKEN);
    expect(forbidden.status).to.equal(403);
    expect(forbidden.body.error.code).to.equal('FORBIDDEN');
    expect((await t.call('GET', '/api/v1/devices', undefined, READ_TOKEN)).body.devices).to.deep.equal([]);
  });

  it('records who made a change', async () => {
    t = await startTestDaemon();
    await t.call('POST', '/api/v1/devices', deviceInput('sw-1'));
    const events = (await t.call('GET', '/api/v1/devices/sw-1/events', undefined, READ_TOKEN)).body.events;
    expect(events[0].by).to.equal('api:ops');
  });

  it('with openReads, GETs need no token but writes still do', async () => {
    t = await startTestDaemon({ extra: { api: { openReads: true, tokens: [{ name: 'ops', token: 'operator-token-0123456789', role: 'operator' }] } } });
    expect((await t.call('GET', '/api/v1/devices', undefined, null)).status).to.equal(200);
    expect((await t.call('POST', '/api/v1/devices', deviceInput('sw-1'), null)).status).to.equal(401);
  });

  it('healthz needs no token and shows no secrets', async () => {
    t = await startTestDaemon();
    const res = await t.call('GET', '/healthz', undefined, null);
    expect(res.status).to.equal(200);
    expect(res.body.status).to.equal('ok');
    expect(JSON.stringify(res.body)).not.to.contain('token');
  });
});
