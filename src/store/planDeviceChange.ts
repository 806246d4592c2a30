/**
 * A DeviceChange checked and worked out in memory over the devices it touches, before anything is written: creates,
 * then updates in order, then removals; CONFLICT for a second spelling, NOT_FOUND for an unknown hostname. Both
 * stores (lowdb over its whole map, PostgreSQL over the rows it read) run it, so they accept and refuse alike.
 */
import type { Device } from '../model/device.ts';
import { hostnameKey } from '../model/device.ts';
import { NetsyncError, notFound } from '../model/errors.ts';
import type { DeviceChange } from '../model/store.ts';

export interface PlannedDeviceChange {
  /** Every touched key: the device after the change, or undefined when it was removed. */
  after: Map<string, Device | undefined>;
  /** Keys whose open events close, with the time; removed devices' first (where a key is in both, that time wins). */
  closing: { keys: string[]; at: string }[];
}

/** Hostname keys the change reads or writes. */
export function touchedKeys(change: DeviceChange): string[] {
  const names = [...(change.create ?? []).map((d) => d.hostname), ...(change.update ?? []).map((u) => u.hostname), ...(change.remove?.hostnames ?? [])];
  return [...new Set(names.map(hostnameKey))];
}

/** `current` holds the touched devices that exist (by key); throws before anything is written. */
export function planDeviceChange(current: Map<string, Device>, change: DeviceChange): PlannedDeviceChange {
  const after = new Map<string, Device | undefined>();
  const get = (key: string) => (after.has(key) ? after.get(key) : current.get(key));
  for (const d of change.create ?? []) {
    const key = hostnameKey(d.hostname);
    const existing = get(key);
    if (existing) {
      throw new NetsyncError('CONFLICT', `device '${d.hostname}' already exists as '${existing.hostname}' (hostnames are case-insensitive)`, {
        hostname: d.hostname,
        existing: existing.hostname,
      });
    }
    after.set(key, structuredClone(d));
  }
  for (const u of change.update ?? []) {
    const key = hostnameKey(u.hostname);
    const device = get(key);
    if (!device) throw notFound('device', u.hostname);
    after.set(key, u.apply(structuredClone(device)));
  }
  for (const h of change.remove?.hostnames ?? []) {
    const key = hostnameKey(h);
    if (!get(key)) throw notFound('device', h);
    after.set(key, undefined);
  }
  const closing: PlannedDeviceChange['closing'] = [];
  if (change.remove && change.remove.hostnames.length > 0) closing.push({ keys: change.remove.hostnames.map(hostnameKey), at: change.remove.at });
  if (change.clearEvents && change.clearEvents.hostnames.length > 0)
    closing.push({ keys: change.clearEvents.hostnames.map(hostnameKey), at: change.clearEvents.at });
  return { after, closing };
}
