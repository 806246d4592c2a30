/** The state dir: a restarted lab keeps host keys, client key and committed configs; unconfirmed commits do not survive. */
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { startLab } from '../../../src/lab/index.ts';
import { tempDir } from '../../helpers/daemon.ts';
import { freePorts } from '../../peers/netconfdPeers.ts';
import { RawNetconf, connect, eosExec } from '../../helpers/labClient.ts';

describe('lab: state dir and start-up', function () {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir('netsync-labstate-');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('restarts with the same host keys, client key and committed configs; pending confirmed commits revert', async () => {
    const specs = [
      { hostname: 'p-nc', platform: 'netconf' as const },
      { hostname: 'p-eos', platform: 'eos' as const },
    ];
    let lab = await startLab({ devices: specs, stateDir: dir });
    const before = { keys: lab.devices.map((d) => d.hostKeyFingerprint), client: lab.clientPrivateKey };
    const nc = await RawNetconf.open(lab.device('p-nc').port);
    await nc.rpc('<edit-config><target><candidate/></target><config><vlans xmlns="urn:netsync:lab"><vlan><id>11</id></vlan></vlans></config></edit-config>');
    await nc.rpc('<commit/>');
    await nc.rpc('<edit-config><target><candidate/></target><config><vlans xmlns="urn:netsync:lab"><vlan><id>12</id></vlan></vlans></config></edit-config>');
    await nc.rpc('<commit><confirmed/><persist>p</persist></commit>');
    nc.close();
    await eosExec(lab.device('p-eos').port, ['configure session a', 'vlan 21', 'commit', 'configure session b', 'vlan 22', 'commit timer 01:00:00']);
    expect(lab.device('p-eos').runningConfig()).to.include('vlan 22');
    await lab.stop();

    lab = await startLab({ devices: specs, stateDir: dir });
    try {
      expect(lab.devices.map((d) => d.hostKeyFingerprint)).to.deep.equal(before.keys);
      expect(lab.clientPrivateKey).to.equal(before.client);
      expect(lab.device('P-NC').runningConfig()).to.include('<id>11</id>').and.not.include('<id>12</id>');
      expect(lab.device('p-eos').runningConfig()).to.include('vlan 21').and.not.include('vlan 22');
      const seen: string[] = [];
      const c = await connect(lab.device('p-eos').port, { privateKey: lab.clientPrivateKey }, { hostKeys: seen });
      c.end();
      expect(seen).to.have.length(1);
    } finally {
      await lab.stop();
    }
  });

  it('uses initialConfig and start-up faults from the specs', async () => {
    const lab = await startLab({
      devices: [{ hostname: 's-eos', platform: 'eos', initialConfig: 'hostname s-eos\nvlan 5\n', faults: { reportedHostname: 'other' } }],
      stateDir: dir,
    });
    try {
      expect(lab.device('s-eos').runningConfig()).to.include('vlan 5');
      expect((await eosExec(lab.device('s-eos').port, ['show hostname'])).stdout).to.include('Hostname: other');
    } finally {
      await lab.stop();
    }
  });

  it('refuses hostnames that are no hostnames (nothing written) and ports beyond 65535, with BAD_REQUEST', async () => {
    const root = join(dir, 'names');
    for (const hostname of ['../escaped', 'a b', '', '-x']) {
      const err = await startLab({ devices: [{ hostname, platform: 'eos' }], stateDir: join(root, 'state') }).catch((e: { code: string }) => e);
      expect(err, hostname).to.have.property('code', 'BAD_REQUEST');
    }
    const high = await startLab({ devices: 2, basePort: 65535, stateDir: join(root, 'state') }).catch((e: { code: string }) => e);
    expect(high).to.have.property('code', 'BAD_REQUEST');
    expect(await readdir(root).catch(() => [])).to.deep.equal([]);
  });

  it('a device that cannot listen stops the start, and the devices already listening are closed', async () => {
    const blocker = await startLab({ devices: 1, platform: 'eos', stateDir: join(dir, 'blocker') });
    try {
      const [free] = (await freePorts(1)) as [number];
      const err = await startLab({
        devices: [
          { hostname: 'first', platform: 'netconf', port: free },
          { hostname: 'second', platform: 'eos', port: blocker.devices[0]!.port },
        ],
        stateDir: join(dir, 'partial'),
      }).catch((e: { code: string }) => e);
      expect(err).to.have.property('code', 'UNAVAILABLE');
      const again = await startLab({ devices: [{ hostname: 'first', platform: 'netconf', port: free }], stateDir: join(dir, 'partial') });
      await again.stop();
    } finally {
      await blocker.stop();
    }
  });

  it('refuses duplicate hostnames, a port in use, and a corrupt saved config, with codes', async () => {
    const dup = await startLab({
      devices: [
        { hostname: 'X', platform: 'eos' },
        { hostname: 'x', platform: 'netconf' },
      ],
      stateDir: dir,
    }).catch((e: { code: string }) => e);
    expect(dup).to.have.property('code', 'CONFLICT');
    const lab = await startLab({ devices: 1, platform: 'eos', stateDir: join(dir, 'a') });
    try {
      const busy = await startLab({ devices: [{ hostname: 'y', platform: 'eos', port: lab.devices[0]!.port }], stateDir: join(dir, 'b') }).catch(
        (e: { code: string }) => e,
      );
      expect(busy).to.have.property('code', 'UNAVAILABLE');
      expect(() => lab.device('nope'))
        .to.throw()
        .with.property('code', 'NOT_FOUND');
    } finally {
      await lab.stop();
    }
    await writeFile(join(dir, 'a', 'devices', 'lab-001', 'running-config.eos'), 'frobnicate\n');
    const corrupt = await startLab({ devices: 1, platform: 'eos', stateDir: join(dir, 'a') }).catch((e: { code: string }) => e);
    expect(corrupt).to.have.property('code', 'LAB_STATE_INVALID');
  });
});
