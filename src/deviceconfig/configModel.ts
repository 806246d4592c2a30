/**
 * The lab's config model, shared by both personalities: a hostname, interfaces
 * (description, access vlan, enabled) and vlans (id, name). NETCONF devices
 * hold it as XML (netconfConfig.ts), EOS devices as CLI text (cliConfig.ts).
 */
import { naturalCompare } from '../model/naturalCompare.ts';

export interface LabInterface {
  name: string;
  description?: string;
  vlan?: number;
  enabled?: boolean;
}

export interface LabVlan {
  id: number;
  name?: string;
}

export interface LabConfig {
  hostname?: string;
  interfaces: Map<string, LabInterface>;
  vlans: Map<number, LabVlan>;
}

export function emptyConfig(): LabConfig {
  return { interfaces: new Map(), vlans: new Map() };
}

export function cloneConfig(c: LabConfig): LabConfig {
  const out: LabConfig = {
    interfaces: new Map([...c.interfaces].map(([k, v]) => [k, { ...v }])),
    vlans: new Map([...c.vlans].map(([k, v]) => [k, { ...v }])),
  };
  if (c.hostname !== undefined) out.hostname = c.hostname;
  return out;
}

/** Interfaces in natural order (Ethernet2 before Ethernet10), so serializations are stable. */
export function sortedInterfaces(c: LabConfig): LabInterface[] {
  return [...c.interfaces.values()].sort((a, b) => naturalCompare(a.name, b.name));
}

export function sortedVlans(c: LabConfig): LabVlan[] {
  return [...c.vlans.values()].sort((a, b) => a.id - b.id);
}

/** Leaf checks; each returns a reason or null. */
export const leafChecks = {
  hostname: (v: string) => (/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(v) ? null : 'hostname must be 1-63 letters, digits, dot, dash or underscore'),
  interfaceName: (v: string) => (/^[A-Za-z0-9][A-Za-z0-9/._:-]{0,63}$/.test(v) ? null : 'interface name must be 1-64 letters, digits, / . _ : -'),
  description: (v: string) => (v.length <= 240 && !/[\r\n]/.test(v) ? null : 'description must be one line of at most 240 characters'),
  vlanName: (v: string) => (/^[\x21-\x7e]{1,32}$/.test(v) ? null : 'vlan name must be 1-32 printable characters without spaces'),
};

/** Parses a vlan id (1-4094); null when not a valid id. */
export function parseVlanId(v: string): number | null {
  if (!/^\d{1,4}$/.test(v.trim())) return null;
  const n = Number(v.trim());
  return n >= 1 && n <= 4094 ? n : null;
}

/** An interface whose access vlan is not configured (a YANG leafref without its target). */
export interface DanglingVlan {
  interface: string;
  vlan: number;
}

/**
 * Cross-references a whole config must satisfy, checked at validate and commit
 * (not per edit, so a vlan and the interfaces using it may arrive in any order).
 */
export function danglingVlans(c: LabConfig): DanglingVlan[] {
  return sortedInterfaces(c)
    .filter((i) => i.vlan !== undefined && !c.vlans.has(i.vlan))
    .map((i) => ({ interface: i.name, vlan: i.vlan! }));
}
