/**
 * Device inventory operations with their sync-status consequences
 * (the API-driven rows of the CNaaS event table, docs/design/architecture.md §3).
 */
import type { Device, DeviceInterface, DeviceState, NewDevice, Transport } from '../model/device.ts';
import { buildDevice, canTransition, hostnameKey, isFabricType, sameHostname } from '../model/device.ts';
import { NetsyncError, notFound } from '../model/errors.ts';
import type { NewSyncEvent, SyncEvent } from '../model/events.ts';
import type { Clock } from '../model/ports.ts';
import { systemClock } from '../model/ports.ts';
import type { DeviceFilter, Store } from '../model/store.ts';
import type { IntendedConfigs } from './eventImpact.ts';
import { changedByEvent, networkRecords, unchangedEvents } from './eventImpact.ts';
import type { SyncStatusService } from './syncStatus.ts';

export interface DevicePatch {
  managementIp?: string;
  port?: number;
  platform?: string;
  transport?: Transport;
  type?: string;
  groups?: string[];
  state?: DeviceState;
}

export interface ImportResult {
  created: string[];
  skipped: { hostname: string; reason: string }[];
}

export class InventoryService {
  constructor(
    private readonly store: Store,
    private readonly syncStatus: SyncStatusService,
    private readonly clock: Clock = systemClock,
    /** Renders intended configs for precise impact of interface changes; without it every change marks. */
    private readonly configs?: IntendedConfigs,
  ) {}

  list(filter: DeviceFilter = {}): Promise<Device[]> {
    return this.store.listDevices(filter);
  }

  async get(hostname: string): Promise<Device> {
    const device = await this.store.getDevice(hostname);
    if (!device) throw notFound('device', hostname);
    return device;
  }

  async create(input: NewDevice, by: string): Promise<Device> {
    const device = this.newDevice(input, by, 'added to the inventory; not yet synchronized');
    const [created] = await this.store.changeDevices({
      create: [device],
      events: [{ hostname: device.hostname, cause: 'manual', by, at: device.createdAt, detail: device.lastEvent!.detail ?? '' }],
    });
    return created!;
  }

  /** Creates the devices that are new; those already known (any spelling) are skipped and reported. */
  async import(inputs: NewDevice[], by: string): Promise<ImportResult> {
    const result: ImportResult = { created: [], skipped: [] };
    const fresh: Device[] = [];
    for (const input of inputs) {
      const existing = (await this.store.getDevice(input.hostname)) ?? fresh.find((d) => sameHostname(d.hostname, input.hostname));
      if (existing) {
        result.skipped.push({ hostname: input.hostname, reason: `already in the inventory as '${existing.hostname}'` });
        continue;
      }
      fresh.push(this.newDevice(input, by, 'imported into the inventory; not yet synchronized'));
    }
    if (fresh.length > 0) {
      await this.store.changeDevices({
        create: fresh,
        events: fresh.map((d) => ({ hostname: d.hostname, cause: 'manual' as const, by, at: d.createdAt, detail: d.lastEvent!.detail ?? '' })),
      });
    }
    result.created = fresh.map((d) => d.hostname);
    return result;
  }

  /** A new device is unsynchronized until its first sync, and says so in its history. */
  private newDevice(input: NewDevice, by: string, detail: string): Device {
    const device = buildDevice(input, this.clock());
    device.sources = { ui: { present: true, name: input.hostname } };
    device.lastEvent = { cause: 'manual', by, at: device.createdAt, detail };
    return device;
  }

  /** Checks the state move against the device as it is when the write happens, so two racing PATCHes cannot both pass. */
  update(hostname: string, patch: DevicePatch, by: string): Promise<Device> {
    const at = this.clock().toISOString();
    return this.store.transact((view) => {
      const current = view.device(hostname);
      if (!current) throw notFound('device', hostname);
      if (patch.state && !canTransition(current.state, patch.state)) {
        throw new NetsyncError('INVALID_STATE_TRANSITION', `device '${current.hostname}' cannot move from ${current.state} to ${patch.state}`, {
          hostname: current.hostname,
          from: current.state,
          to: patch.state,
        });
      }
      const updates = [{ hostname: current.hostname, apply: (d: Device): Device => applyPatch(d, patch, at) }];
      let events: NewSyncEvent[] = [];
      const renderChanges = renderInputChanges(current, patch);
      // Leaving management means the device must be re-synced when it comes back.
      const leaving = patch.state === 'UNMANAGED' && current.state !== 'UNMANAGED';
      if (leaving || renderChanges.length > 0) {
        const detail = [...(leaving ? [`state ${current.state} -> UNMANAGED`] : []), ...renderChanges].join('; ');
        const unsync = this.syncStatus.unsyncChange([current.hostname], leaving ? 'unmanaged' : 'manual', { by, detail });
        updates.push(...(unsync.update ?? []));
        events = unsync.events ?? [];
      }
      const result = updates.reduce((d, u) => u.apply(d), current);
      return { result, devices: { update: updates, events } };
    });
  }

  async remove(hostname: string): Promise<Device> {
    const device = await this.get(hostname);
    await this.store.changeDevices({ remove: { hostnames: [device.hostname], at: this.clock().toISOString() } });
    return device;
  }

  /** A deleted device's history stays readable under its hostname; a hostname never seen is NOT_FOUND. */
  async events(hostname: string, openOnly = false): Promise<SyncEvent[]> {
    const device = await this.store.getDevice(hostname);
    if (device) return this.store.listEvents({ hostname: device.hostname, openOnly });
    const history = await this.store.listEvents({ hostname });
    if (history.length === 0) throw notFound('device', hostname);
    return openOnly ? history.filter((e) => !e.clearedAt) : history;
  }

  /** Replaces the interface settings; a real change unsyncs the device, an identical PUT does not. */
  async setInterfaces(hostname: string, interfaces: DeviceInterface[], by: string): Promise<Device> {
    const device = await this.get(hostname);
    assertUniqueInterfaceNames(interfaces);
    if (JSON.stringify(device.interfaces) === JSON.stringify(interfaces)) return device;
    const detail = `interface settings replaced (${interfaces.length} interfaces)`;
    // Precise, as for pushes: a change the templates do not render leaves the device synchronized.
    const records = this.configs ? await networkRecords(this.store) : undefined;
    const changed =
      records && (await changedByEvent(this.configs, { before: [device], after: [{ ...device, interfaces }], records: { before: records, after: records } }));
    const unsync =
      changed && !changed.has(hostnameKey(device.hostname))
        ? { update: [], events: unchangedEvents([device.hostname], by, detail, this.clock().toISOString()) }
        : this.syncStatus.unsyncChange([device.hostname], 'interfaces_updated', { by, detail });
    const setInterfaces = { hostname: device.hostname, apply: (d: Device): Device => ({ ...d, interfaces }) };
    await this.store.changeDevices({ update: [setInterfaces, ...(unsync.update ?? [])], events: unsync.events ?? [] });
    return this.get(device.hostname);
  }

  async postFlight(hostname: string, by: string, detail: string): Promise<Device> {
    const device = await this.get(hostname);
    const [updated] = await this.syncStatus.markUnsynced([device.hostname], 'upgrade_post_flight', { by, detail });
    return updated!;
  }

  /** A new DIST/CORE device came up by ZTP: its existing neighbours need linknet config. */
  async ztpNeighbors(hostname: string, neighbors: string[], by: string): Promise<Device[]> {
    const device = await this.get(hostname);
    if (!isFabricType(device.type)) {
      throw new NetsyncError('CONFLICT', `device '${device.hostname}' is ${device.type}; only DIST and CORE devices report ZTP neighbours`, {
        hostname: device.hostname,
        type: device.type,
      });
    }
    const found = await Promise.all(neighbors.map((n) => this.get(n)));
    return this.syncStatus.markUnsynced(
      found.map((d) => d.hostname),
      'ztp_neighbor',
      { by, detail: `new neighbour ${device.hostname} needs linknets` },
    );
  }

  async manualUnsync(hostname: string, reason: string, by: string): Promise<Device> {
    const device = await this.get(hostname);
    const [updated] = await this.syncStatus.markUnsynced([device.hostname], 'manual', { by, detail: reason });
    return updated!;
  }
}

/**
 * The fields a PATCH really changes that feed the device's rendered config (type, platform and groups pick
 * the settings and templates; the management IP is in the template context). Each is "field old -> new".
 */
function renderInputChanges(d: Device, patch: DevicePatch): string[] {
  const changes: string[] = [];
  if (patch.type !== undefined && patch.type.toUpperCase() !== d.type.toUpperCase()) changes.push(`type ${d.type} -> ${patch.type.toUpperCase()}`);
  if (patch.platform !== undefined && patch.platform !== d.platform) changes.push(`platform ${d.platform} -> ${patch.platform}`);
  if (patch.groups !== undefined && !sameGroups(patch.groups, d.groups)) changes.push(`groups [${d.groups.join(', ')}] -> [${patch.groups.join(', ')}]`);
  if (patch.managementIp !== undefined && patch.managementIp !== d.managementIp) changes.push(`managementIp ${d.managementIp} -> ${patch.managementIp}`);
  return changes;
}

/** Order does not matter: the merge orders groups by priority. */
function sameGroups(a: string[], b: string[]): boolean {
  const key = (groups: string[]) => [...new Set(groups.map((g) => g.toLowerCase()))].sort().join('\n');
  return key(a) === key(b);
}

function applyPatch(d: Device, patch: DevicePatch, at: string): Device {
  return {
    ...d,
    ...(patch.managementIp !== undefined ? { managementIp: patch.managementIp } : {}),
    ...(patch.port !== undefined ? { port: patch.port } : {}),
    ...(patch.platform !== undefined ? { platform: patch.platform } : {}),
    ...(patch.transport !== undefined ? { transport: patch.transport } : {}),
    ...(patch.type !== undefined ? { type: patch.type.toUpperCase() } : {}),
    ...(patch.groups !== undefined ? { groups: patch.groups } : {}),
    ...(patch.state !== undefined ? { state: patch.state } : {}),
    updatedAt: at,
  };
}

function assertUniqueInterfaceNames(interfaces: DeviceInterface[]): void {
  const seen = new Set<string>();
  for (const i of interfaces) {
    const key = i.name.toLowerCase();
    if (seen.has(key)) throw new NetsyncError('VALIDATION_FAILED', `interface '${i.name}' is listed twice`, { interface: i.name });
    seen.add(key);
  }
}
