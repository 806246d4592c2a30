import { expect } from 'chai';
import { createSessionFactory } from '../../../src/drivers/sessionFactory.ts';
import { sshIdentityProbe } from '../../../src/sources/sshProbe.ts';
import { startTestLab } from '../../helpers/labFixture.ts';
import type { LabFixture } from '../../helpers/labFixture.ts';

describe('sources/sshIdentityProbe against lab devices', function () {
  let fx: LabFixture;

  before(async () => {
    fx = await startTestLab({
      devices: [
        { hostname: 'edge-1', platform: 'eos' },
        { hostname: 'core-1', platform: 'netconf' },
      ],
    });
  });
  after(async () => fx?.stop());

  const probe = () =>
    sshIdentityProbe(
      createSessionFactory({ credentials: { username: fx.lab.username, password: fx.lab.password }, timeouts: { connectMs: 5000, helloMs: 5000 } }),
    );
  const target = (h: string) => {
    const d = fx.lab.device(h);
    return {
      hostname: h,
      host: '127.0.0.1',
      port: d.port,
      platform: d.platform,
      transport: d.platform === 'eos' ? ('eos-cli' as const) : ('netconf' as const),
    };
  };

  afterEach(() => {
    for (const d of fx.lab.devices) d.setFaults({ reportedHostname: null, unreachable: false });
  });

  it('reads the hostname each device reports, over the EOS CLI and over NETCONF', async () => {
    expect(await probe().probe(target('edge-1'))).to.deep.equal({ reachable: true, hostname: 'edge-1' });
    expect(await probe().probe(target('core-1'))).to.deep.equal({ reachable: true, hostname: 'core-1' });
  });

  it('a device reporting another hostname is reachable with that name', async () => {
    fx.lab.device('edge-1').setFaults({ reportedHostname: 'EDGE-9' });
    fx.lab.device('core-1').setFaults({ reportedHostname: 'core-7' });
    expect(await probe().probe(target('edge-1'))).to.deep.equal({ reachable: true, hostname: 'EDGE-9' });
    expect(await probe().probe(target('core-1'))).to.deep.equal({ reachable: true, hostname: 'core-7' });
  });

  it('an unreachable device is reported with the reason, never thrown', async () => {
    fx.lab.device('edge-1').setFaults({ unreachable: true });
    const r = await probe().probe(target('edge-1'));
    expect(r.reachable).to.equal(false);
    expect((r as { error: string }).error).to.match(/^[A-Z_]+: /);
  });

  it('a host key other than the pinned one is refused, so a swapped box is not taken for the device', async () => {
    const pinned = sshIdentityProbe(
      createSessionFactory({ credentials: { username: fx.lab.username, password: fx.lab.password } }),
      async () => 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    );
    const r = await pinned.probe(target('edge-1'));
    expect(r.reachable).to.equal(false);
    expect((r as { error: string }).error).to.match(/^HOST_KEY_MISMATCH: /);
  });
});
