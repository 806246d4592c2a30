import { expect } from 'chai';
import { buildDevice, canTransition, hostnameKey, HOSTNAME_PATTERN, sameHostname } from '../../../src/model/device.ts';

describe('model/device', () => {
  it('matches hostnames case-insensitively but keeps the given spelling', () => {
    const d = buildDevice({ hostname: 'SW-1', managementIp: '10.0.0.1', platform: 'eos', type: 'access' }, new Date(0));
    expect(d.hostname).to.equal('SW-1');
    expect(hostnameKey('SW-1')).to.equal(hostnameKey('sw-1'));
    expect(sameHostname('Sw-1', 'sW-1')).to.equal(true);
    expect(sameHostname('sw-1', 'sw-10')).to.equal(false);
  });

  it('normalises the type and picks transport and port from the platform', () => {
    const eos = buildDevice({ hostname: 'a', managementIp: '10.0.0.1', platform: 'eos', type: 'access' }, new Date(0));
    const nc = buildDevice({ hostname: 'b', managementIp: '10.0.0.2', platform: 'junos', type: 'Dist' }, new Date(0));
    expect([eos.type, eos.transport, eos.port]).to.deep.equal(['ACCESS', 'eos-cli', 22]);
    expect([nc.type, nc.transport, nc.port]).to.deep.equal(['DIST', 'netconf', 830]);
  });

  it('starts unsynchronized with unsyncedSince at creation', () => {
    const d = buildDevice({ hostname: 'a', managementIp: '10.0.0.1', platform: 'eos', type: 'ACCESS' }, new Date(5000));
    expect(d.synchronized).to.equal(false);
    expect(d.unsyncedSince).to.equal(new Date(5000).toISOString());
  });

  it('allows only the lifecycle moves of the state table', () => {
    expect(canTransition('MANAGED', 'UNMANAGED')).to.equal(true);
    expect(canTransition('UNMANAGED', 'MANAGED')).to.equal(true);
    expect(canTransition('DISCOVERED', 'MANAGED')).to.equal(true);
    expect(canTransition('MANAGED', 'DISCOVERED')).to.equal(false);
    expect(canTransition('UNMANAGED', 'INIT')).to.equal(false);
  });

  it('accepts real hostnames and rejects junk', () => {
    for (const ok of ['sw-1', 'SW_2', 'core1.example.net', 'a']) expect(HOSTNAME_PATTERN.test(ok), ok).to.equal(true);
    for (const bad of ['', '-sw', 'sw 1', 'sw/1', 'x'.repeat(64), 'sw;rm']) expect(HOSTNAME_PATTERN.test(bad), bad).to.equal(false);
  });
});
