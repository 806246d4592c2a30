import { expect } from 'chai';
import { buildDevice } from '../../../src/model/device.ts';
import type { Device } from '../../../src/model/device.ts';
import { parseDeviceQuery, queryDevices } from '../../../src/ui/deviceQuery.ts';

const NOW = new Date('2026-12-06T12:00:00Z');
const T = { warningSeconds: 1800, criticalSeconds: 3600 };

function device(hostname: string, ip: string, extra: Partial<Device> = {}): Device {
  return {
    ...buildDevice({ hostname, managementIp: ip, platform: 'eos', type: 'ACCESS', groups: ['campus'] }, NOW),
    synchronized: true,
    unsyncedSince: null,
    ...extra,
  };
}

const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();

const DEVICES = [
  device('sw-10', '10.0.0.10'),
  device('sw-2', '10.0.0.9', { synchronized: false, unsyncedSince: minutesAgo(45) }),
  device('core-1', '10.0.1.1', { type: 'CORE', platform: 'junos', groups: [] }),
  device('sw-3', '10.0.0.3', { synchronized: false, unsyncedSince: minutesAgo(5) }),
  device('sw-4', '10.0.0.4', { state: 'UNMANAGED', synchronized: false, unsyncedSince: minutesAgo(600) }),
];
const names = (devices: Device[]) => devices.map((d) => d.hostname);

describe('ui: the Devices page query', () => {
  it('sorts hostnames naturally and IPs by their numbers, either way', () => {
    expect(names(queryDevices(DEVICES, parseDeviceQuery({}), T, NOW).rows)).to.deep.equal(['core-1', 'sw-2', 'sw-3', 'sw-4', 'sw-10']);
    expect(names(queryDevices(DEVICES, parseDeviceQuery({ sort: 'managementIp' }), T, NOW).rows)).to.deep.equal(['sw-3', 'sw-4', 'sw-2', 'sw-10', 'core-1']);
    expect(names(queryDevices(DEVICES, parseDeviceQuery({ sort: 'managementIp', dir: 'desc' }), T, NOW).rows)[0]).to.equal('core-1');
  });

  it('searches hostname or IP and filters by type, platform, group, state (case-insensitively)', () => {
    expect(names(queryDevices(DEVICES, parseDeviceQuery({ q: '10.0.1' }), T, NOW).rows)).to.deep.equal(['core-1']);
    expect(names(queryDevices(DEVICES, parseDeviceQuery({ q: 'SW-1' }), T, NOW).rows)).to.deep.equal(['sw-10']);
    expect(names(queryDevices(DEVICES, parseDeviceQuery({ type: 'core' }), T, NOW).rows)).to.deep.equal(['core-1']);
    expect(names(queryDevices(DEVICES, parseDeviceQuery({ platform: 'JUNOS' }), T, NOW).rows)).to.deep.equal(['core-1']);
    expect(queryDevices(DEVICES, parseDeviceQuery({ group: 'Campus' }), T, NOW).matched).to.equal(4);
    expect(names(queryDevices(DEVICES, parseDeviceQuery({ state: 'UNMANAGED' }), T, NOW).rows)).to.deep.equal(['sw-4']);
  });

  it('sync filters: synchronized, unsynchronized, and past the alarm threshold (MANAGED only, the alarm rule)', () => {
    expect(queryDevices(DEVICES, parseDeviceQuery({ sync: 'synced' }), T, NOW).matched).to.equal(2);
    expect(names(queryDevices(DEVICES, parseDeviceQuery({ sync: 'unsynced' }), T, NOW).rows)).to.deep.equal(['sw-2', 'sw-3', 'sw-4']);
    expect(names(queryDevices(DEVICES, parseDeviceQuery({ sync: 'alarm' }), T, NOW).rows)).to.deep.equal(['sw-2']);
  });

  it('pages, clamping a page past the end to the last one, and offers every type, group and platform', () => {
    const many = Array.from({ length: 60 }, (_, i) => device(`d-${i}`, `10.1.0.${i}`));
    const page = queryDevices(many, parseDeviceQuery({ per: '25', page: '9' }), T, NOW);
    expect([page.page, page.pages, page.rows.length, page.matched, page.total]).to.deep.equal([3, 3, 10, 60, 60]);
    const all = queryDevices(DEVICES, parseDeviceQuery({}), T, NOW);
    expect(all.options).to.deep.include({ types: ['ACCESS', 'CORE'], groups: ['campus'], platforms: ['eos', 'junos'] });
  });

  it('reads a crafted query string leniently: unknown sort, page size, sync and non-string values fall back', () => {
    expect(parseDeviceQuery({ sort: '__proto__', per: '7', page: '-1', sync: 'maybe', q: ['a', 'b'], dir: 'sideways' })).to.deep.equal({
      sort: 'hostname',
      dir: 'asc',
      page: 1,
      perPage: 50,
    });
  });
});
