/** Where to reach an inventory device, as the session factory wants it. */
import type { Device } from '../model/device.ts';
import type { DeviceTarget } from './session.ts';

export function deviceTarget(device: Device): DeviceTarget {
  return {
    hostname: device.hostname,
    host: device.managementIp,
    port: device.port,
    platform: device.platform,
    transport: device.transport,
    hostKeyFingerprint: device.hostKeyFingerprint,
  };
}
