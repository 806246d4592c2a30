import { expect } from 'chai';
import type { Device, DeviceState } from '../../../src/model/device.ts';
import { buildDevice } from '../../../src/model/device.ts';
import type { NetsyncError } from '../../../src/model/errors.ts';
import type { SyncTarget } from '../../../src/jobs/selection.ts';
import { selectDevices } from '../../../src/jobs/selection.ts';

function device(hostname: string, type: string, groups: string[], state: DeviceState, synchronized: boolean): Device {
  return { ...buildDevice({ hostname, managementIp: '10.0.0.1', platform: 'eos', type, groups, state }, new Date(0)), synchronized };
}

const DEVICES = [
  device('acc-1', 'ACCESS', ['campus'], 'MANAGED', false),
  device('acc-2', 'ACCESS', ['campus'], 'MANAGED', true),
  device('acc-3', 'ACCESS', [], 'UNMANAGED', false),
  device('dist-1', 'DIST', ['Campus'], 'MANAGED', false),
  device('core-1', 'CORE', [], 'MANAGED', true),
  device('new-1', 'ACCESS', ['campus'], 'DISCOVERED', false),
];

const names = (target: SyncTarget, resync = false) => selectDevices(DEVICES, target, resync).map((d) => d.hostname);

describe('jobs/selection (docs/design/architecture.md §5)', () => {
  const table: [string, SyncTarget, boolean, string[]][] = [
    ['all: unsynchronized MANAGED only', { kind: 'all' }, false, ['acc-1', 'dist-1']],
    ['all with resync: every MANAGED', { kind: 'all' }, true, ['acc-1', 'acc-2', 'dist-1', 'core-1']],
    ['group (case-insensitive)', { kind: 'group', group: 'CAMPUS' }, false, ['acc-1', 'dist-1']],
    ['group with resync', { kind: 'group', group: 'campus' }, true, ['acc-1', 'acc-2', 'dist-1']],
    ['device_type', { kind: 'device_type', type: 'access' }, false, ['acc-1']],
    ['device_type with resync', { kind: 'device_type', type: 'ACCESS' }, true, ['acc-1', 'acc-2']],
    ['hostname: always, even when synchronized', { kind: 'hostname', hostname: 'CORE-1' }, false, ['core-1']],
  ];
  for (const [name, target, resync, expected] of table) {
    it(name, () => expect(names(target, resync)).to.deep.equal(expected));
  }

  it('refuses a hostname that is unknown or not MANAGED', () => {
    for (const [hostname, code] of [
      ['nope', 'NOT_FOUND'],
      ['acc-3', 'CONFLICT'],
      ['new-1', 'CONFLICT'],
    ] as const) {
      try {
        names({ kind: 'hostname', hostname });
        expect.fail('expected an error');
      } catch (err) {
        expect((err as NetsyncError).code, hostname).to.equal(code);
      }
    }
  });
});
