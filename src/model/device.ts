/** Device inventory model (docs/design/architecture.md §3). Pure: no I/O. */

export const DEVICE_STATES = ['DISCOVERED', 'INIT', 'MANAGED', 'UNMANAGED'] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];

export const TRANSPORTS = ['netconf', 'eos-cli'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/** Device types are free strings; these are the ones the default mapping knows. */
export const DEFAULT_DEVICE_TYPES = ['ACCESS', 'DIST', 'CORE'] as const;
export const FABRIC_TYPES = ['DIST', 'CORE'] as const;

export const SOURCE_NAMES = ['ui', 'nso', 'netbox', 'bss'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/** Presence of the device in one inventory system, with that system's spelling of the name. */
export interface SourcePresence {
  present: boolean;
  name: string;
}

export interface LastEventSummary {
  cause: string;
  by: string;
  at: string;
  commit?: string;
  detail?: string;
}

export interface Device {
  hostname: string;
  managementIp: string;
  port: number;
  platform: string;
  transport: Transport;
  type: string;
  groups: string[];
  state: DeviceState;
  synchronized: boolean;
  /** ISO time the device first became unsynchronized; null while synchronized. Persisted so restarts keep the clock. */
  unsyncedSince: string | null;
  configHash: string | null;
  lastSyncedAt: string | null;
  hostKeyFingerprint: string | null;
  sources: Partial<Record<SourceName, SourcePresence>>;
  /** The most recent sync event, kept on the device so listings need no join. */
  lastEvent: LastEventSummary | null;
  interfaces: DeviceInterface[];
  createdAt: string;
  updatedAt: string;
}

export interface DeviceInterface {
  name: string;
  description?: string;
  vlan?: number;
  mode?: 'access' | 'trunk' | 'routed';
  enabled?: boolean;
}

/** Hostnames are kept as given but identify a device case-insensitively. */
export function hostnameKey(hostname: string): string {
  return hostname.toLowerCase();
}

export function sameHostname(a: string, b: string): boolean {
  return hostnameKey(a) === hostnameKey(b);
}

export const HOSTNAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,62})$/;

export function isFabricType(type: string): boolean {
  return (FABRIC_TYPES as readonly string[]).includes(type.toUpperCase());
}

/** Which lifecycle moves an operator may make. MANAGED <-> UNMANAGED is the everyday one. */
const ALLOWED_TRANSITIONS: Record<DeviceState, readonly DeviceState[]> = {
  DISCOVERED: ['INIT', 'MANAGED', 'UNMANAGED'],
  INIT: ['DISCOVERED', 'MANAGED', 'UNMANAGED'],
  MANAGED: ['UNMANAGED'],
  UNMANAGED: ['MANAGED'],
};

export function canTransition(from: DeviceState, to: DeviceState): boolean {
  return from === to || ALLOWED_TRANSITIONS[from].includes(to);
}

export interface NewDevice {
  hostname: string;
  managementIp: string;
  port?: number;
  platform: string;
  transport?: Transport;
  type: string;
  groups?: string[];
  state?: DeviceState;
}

/** Default transport follows the platform: EOS speaks its CLI, everything else NETCONF. */
export function defaultTransport(platform: string): Transport {
  return platform.toLowerCase() === 'eos' ? 'eos-cli' : 'netconf';
}

export function buildDevice(input: NewDevice, now: Date): Device {
  const at = now.toISOString();
  return {
    hostname: input.hostname,
    managementIp: input.managementIp,
    port: input.port ?? (defaultTransport(input.platform) === 'netconf' ? 830 : 22),
    platform: input.platform,
    transport: input.transport ?? defaultTransport(input.platform),
    type: input.type.toUpperCase(),
    groups: input.groups ?? [],
    state: input.state ?? 'MANAGED',
    // A new device has never been pushed its intended config.
    synchronized: false,
    unsyncedSince: at,
    configHash: null,
    lastSyncedAt: null,
    hostKeyFingerprint: null,
    sources: {},
    lastEvent: null,
    interfaces: [],
    createdAt: at,
    updatedAt: at,
  };
}
