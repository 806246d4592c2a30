/**
 * netsync's own inventory (devices added through the UI, API or CLI) as one
 * more system for the reconcile. A device it adds is unsynchronized until its
 * first syncto, and its history says where it came from.
 */
import type { Device } from '../model/device.ts';
import { buildDevice } from '../model/device.ts';
import type { Clock } from '../model/ports.ts';
import { systemClock } from '../model/ports.ts';
import type { Store } from '../store/store.ts';
import type { DeviceSpec, InventorySource, SourceDevice } from './types.ts';

export const SYNC_ACTOR = 'inventory-sync';

export class StoreSource implements InventorySource {
  readonly name = 'ui' as const;
  constructor(
    private readonly store: Store,
    private readonly clock: Clock = systemClock,
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

  async add(spec: DeviceSpec): Promise<void> {
    if (await this.store.getDevice(spec.name)) return;
    const device: Device = buildDevice(
      { hostname: spec.name, managementIp: spec.managementIp, port: spec.port, platform: spec.platform, transport: spec.transport, type: spec.type },
      this.clock(),
    );
    const detail = `added by inventory sync (first seen in ${spec.origin}); not yet synchronized`;
    device.sources = { ui: { present: true, name: spec.name } };
    device.lastEvent = { cause: 'manual', by: SYNC_ACTOR, at: device.createdAt, detail };
    await this.store.changeDevices({
      create: [device],
      events: [{ hostname: device.hostname, cause: 'manual', by: SYNC_ACTOR, at: device.createdAt, detail }],
    });
  }

  async remove(device: SourceDevice): Promise<void> {
    const found = await this.store.getDevice(device.name);
    if (found) await this.store.changeDevices({ remove: [found.hostname] });
  }
}
