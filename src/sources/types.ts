/**
 * What every inventory system (netsync itself, NSO, NetBox, a BSS) looks like
 * to the reconcile: list, add, remove. Adapters implement it; the planner only
 * sees the devices they list.
 */
import type { SourceName, Transport } from '../model/device.ts';

/** One device as a system lists it, in that system's own spelling. */
export interface SourceDevice {
  /** The name exactly as the system spells it; the system is always addressed with it. */
  name: string;
  /** The system's own id, when it has one apart from the name (NetBox's numeric id, a BSS record id). */
  ref?: string;
  managementIp?: string;
  port?: number;
  platform?: string;
  transport?: Transport;
  type?: string;
}

/** Everything a system needs to create a device, merged from the systems that have it. */
export interface DeviceSpec {
  name: string;
  managementIp: string;
  port: number;
  platform: string;
  transport: Transport;
  type: string;
  /** The system the device was first seen in, for the record of why it was added. */
  origin: SourceName;
}

export interface InventorySource {
  readonly name: SourceName;
  list(): Promise<SourceDevice[]>;
  add(device: DeviceSpec): Promise<void>;
  /** Removing a device that is already gone succeeds. */
  remove(device: SourceDevice): Promise<void>;
  /** Optional: many at once, all or nothing (e.g. one store write); the applier falls back to one by one. */
  addMany?(devices: DeviceSpec[]): Promise<void>;
  removeMany?(devices: SourceDevice[]): Promise<void>;
}
