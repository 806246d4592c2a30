/**
 * netsync's own inventory (devices added through the UI, API or CLI) as one
 * more system for the reconcile. A device it adds is unsynchronized until its
 * first syncto, and its history says where it came from.
 */
import type { Device } from '../model/device.ts';
import { buildDevice, hostnameKey } from '../model/device.ts';
import type { Clock } from '../model/ports.ts';
import { systemClock } from '../model/ports.ts';
import type { Store } from '../model/store.ts';
import type { DeviceSpec, InventorySource, SourceDevice } from './types.ts';

export const SYNC_ACTOR = 'inventory-sync';

export class StoreSource implements InventorySource {
  readonly name = 'ui' as const;
  constructor(
    private readonly store: Store,
    private readonly clock: Clock = systemClock,
    /** The SSH host key the device showed when it was verified, pinned on the new record. */
    private readonly verifiedHostKey: (hostname: string) => string | undefined = () => undefined,
  ) {}

  async list(): Promise<SourceDevice[]> {
    return (await this.store.listDevices()).map((d) => ({
      name: d.hostname,
      managementIp: d.managementIp,
      port: d.port,
      platform: d.platform,
      transport: d.transport,
      type: d.type,
    }));
  }

  add(spec: DeviceSpec): Promise<void> {
    return this.addMany([spec]);
  }

  /**
   * One store write for all of them. Names already in the inventory (any spelling) are left as they are,
   * checked at write time, so a device created through the API meanwhile does not fail the whole batch.
   */
  async addMany(specs: DeviceSpec[]): Promise<void> {
    await this.store.transact((view) => {
      const fresh = new Map<string, Device>();
      for (const spec of specs) {
        const key = hostnameKey(spec.name);
        if (fresh.has(key) || view.device(spec.name)) continue;
        fresh.set(key, this.newDevice(spec));
      }
      const devices = [...fresh.values()];
      if (devices.length === 0) return { result: undefined };
      const events = devices.map((d) => ({
        hostname: d.hostname,
        cause: 'manual' as const,
        by: SYNC_ACTOR,
        at: d.createdAt,
        detail: d.lastEvent!.detail ?? '',
      }));
      return { result: undefined, devices: { create: devices, events } };
    });
  }

  private newDevice(spec: DeviceSpec): Device {
    const device = buildDevice(
      { hostname: spec.name, managementIp: spec.managementIp, port: spec.port, platform: spec.platform, transport: spec.transport, type: spec.type },
      this.clock(),
    );
    device.sources = { ui: { present: true, name: spec.name } };
    device.hostKeyFingerprint = this.verifiedHostKey(spec.name) ?? null;
    device.lastEvent = {
      cause: 'manual',
      by: SYNC_ACTOR,
      at: device.createdAt,
      detail: `added by inventory sync (first seen in ${spec.origin}); not yet synchronized`,
    };
    return device;
  }

  remove(device: SourceDevice): Promise<void> {
    return this.removeMany([device]);
  }

  async removeMany(devices: SourceDevice[]): Promise<void> {
    const present = new Map((await this.store.listDevices()).map((d) => [hostnameKey(d.hostname), d.hostname]));
    const remove = [...new Set(devices.map((d) => present.get(hostnameKey(d.name))).filter((h): h is string => h !== undefined))];
    if (remove.length > 0) await this.store.changeDevices({ remove: { hostnames: remove, at: this.clock().toISOString() } });
  }
}
