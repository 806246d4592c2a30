/** Devices and reports for the alarm unit tests. */
import type { Device } from '../../../src/model/device.ts';
import { buildDevice } from '../../../src/model/device.ts';

export const NOW = new Date('2026-11-22T12:00:00.000Z');

export function ago(seconds: number, from: Date = NOW): string {
  return new Date(from.getTime() - seconds * 1000).toISOString();
}

/** A MANAGED device unsynchronized for `seconds` (null: synchronized). */
export function device(hostname: string, seconds: number | null, extra: Partial<Device> = {}): Device {
  const d = buildDevice({ hostname, managementIp: '10.0.0.1', platform: 'eos', type: 'ACCESS' }, new Date(0));
  return {
    ...d,
    synchronized: seconds === null,
    unsyncedSince: seconds === null ? null : ago(seconds),
    lastEvent: seconds === null ? null : { cause: 'settings_changed', by: 'git:alice', at: ago(seconds) },
    ...extra,
  };
}
