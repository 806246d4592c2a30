/** Which devices a syncto contacts (docs/design/architecture.md §5). Pure. */
import type { Device } from '../model/device.ts';
import { sameHostname } from '../model/device.ts';
import { NetsyncError } from '../model/errors.ts';

export type SyncTarget = { kind: 'all' } | { kind: 'group'; group: string } | { kind: 'device_type'; type: string } | { kind: 'hostname'; hostname: string };

export function describeTarget(target: SyncTarget): string {
  switch (target.kind) {
    case 'all':
      return 'all devices';
    case 'group':
      return `group ${target.group}`;
    case 'device_type':
      return `type ${target.type.toUpperCase()}`;
    case 'hostname':
      return target.hostname;
  }
}

/**
 * Only MANAGED devices; only unsynchronized ones unless `resync`. A single
 * hostname is always contacted (it must exist and be MANAGED).
 */
export function selectDevices(devices: Device[], target: SyncTarget, resync: boolean): Device[] {
  if (target.kind === 'hostname') {
    const device = devices.find((d) => sameHostname(d.hostname, target.hostname));
    if (!device) throw new NetsyncError('NOT_FOUND', `device '${target.hostname}' does not exist`, { device: target.hostname });
    if (device.state !== 'MANAGED') {
      throw new NetsyncError('CONFLICT', `device '${device.hostname}' is ${device.state}; only MANAGED devices are synchronized`, {
        hostname: device.hostname,
        state: device.state,
      });
    }
    return [device];
  }
  return devices.filter((d) => d.state === 'MANAGED' && (resync || !d.synchronized) && inTarget(d, target));
}

function inTarget(device: Device, target: Exclude<SyncTarget, { kind: 'hostname' }>): boolean {
  switch (target.kind) {
    case 'all':
      return true;
    case 'group':
      return device.groups.some((g) => g.toLowerCase() === target.group.toLowerCase());
    case 'device_type':
      return device.type.toUpperCase() === target.type.toUpperCase();
  }
}
