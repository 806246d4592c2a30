/**
 * POST /devices/{h}/interfaces/{name}/bounce: shut the interface on the device and bring it back
 * (docs/design/architecture.md §3: recorded in the history, never a change of the synchronized flag). Talks to the device
 * only through the front door (DeviceWrites: journaled, under the per-device lock transactions and syncto take).
 */
import type { DeviceWrites } from '../commit/deviceWrites.ts';
import { deviceTarget } from '../commit/target.ts';
import { NetsyncError, notFound } from '../model/errors.ts';
import type { SyncEvent } from '../model/events.ts';
import type { Clock } from '../model/ports.ts';
import { systemClock } from '../model/ports.ts';
import type { Store } from '../model/store.ts';

export interface InterfaceBouncePorts {
  store: Store;
  /** The front door to the devices: journal, lock, the daemon's sessions. */
  writes: Pick<DeviceWrites, 'bounce'>;
  clock?: Clock;
}

export class InterfaceBounceService {
  private readonly clock: Clock;

  constructor(private readonly ports: InterfaceBouncePorts) {
    this.clock = ports.clock ?? systemClock;
  }

  /** Bounces, then records `interface_bounced`; any refusal or device error records nothing. */
  async bounce(hostname: string, name: string, by: string): Promise<SyncEvent> {
    const { store } = this.ports;
    const device = await store.getDevice(hostname);
    if (!device) throw notFound('device', hostname);
    if (device.state !== 'MANAGED') {
      throw new NetsyncError(
        'CONFLICT',
        `device '${device.hostname}' is ${device.state}; only MANAGED devices are contacted, so its interfaces cannot be bounced`,
        {
          hostname: device.hostname,
          state: device.state,
        },
      );
    }
    const iface = device.interfaces.find((i) => i.name.toLowerCase() === name.toLowerCase());
    if (!iface) {
      // The quick start's devices have no interfaces in the inventory: say where they come from.
      throw new NetsyncError(
        'NOT_FOUND',
        `${device.hostname} has no interface '${name}' in netsync's inventory (${device.interfaces.length ? `it has ${device.interfaces.map((i) => i.name).join(', ')}` : 'it lists none'}); add it with PUT /api/v1/devices/${device.hostname}/interfaces`,
        { hostname: device.hostname, interface: name },
      );
    }

    await this.ports.writes.bounce(deviceTarget(device), iface.name);

    const at = this.clock().toISOString();
    await store.changeDevices({
      events: [{ hostname: device.hostname, cause: 'interface_bounced', by, at, clearedAt: at, detail: `interface ${iface.name} bounced` }],
    });
    const [event] = await store.listEvents({ hostname: device.hostname, limit: 1 });
    return event!;
  }
}
