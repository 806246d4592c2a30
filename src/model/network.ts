/** Linknets, management domains and interface bounces: inventory records whose changes unsync devices. */

export interface Linknet {
  id: string;
  deviceA: string;
  interfaceA: string;
  deviceB: string;
  interfaceB: string;
  ipv4Network?: string;
  createdAt: string;
}

/** A management network; devices whose management IP lies inside it (and its two gateway devices) are its members. */
export interface MgmtDomain {
  id: string;
  name: string;
  ipv4Network: string;
  ipv4Gateway: string;
  vlan: number;
  deviceA: string;
  deviceB: string;
  createdAt: string;
  updatedAt: string;
}

/** One end of a linknet as the device at that end sees it: its interface, the peer, both addresses. */
export interface LinknetEnd {
  id: string;
  interface: string;
  peerHostname: string;
  peerInterface: string;
  /** The linknet's network (`10.0.0.0/31`), when it has one. */
  ipv4Network?: string;
  /** This end's address with the prefix length (`10.0.0.0/31`): A gets the first usable address, B the next. */
  ipv4Address?: string;
  peerIpv4Address?: string;
}

/** The management domain the device's management IP lies in (or that it is a gateway of). */
export interface MgmtDomainContext {
  name: string;
  ipv4Network: string;
  ipv4Gateway: string;
  vlan: number;
}

/**
 * The network data of the inventory (API) that reaches a device's templates, beside the settings repo:
 * interface settings, linknets, the management domain and the neighbours the linknets imply.
 */
export interface NetworkContext {
  interfaces: { name: string; description?: string; vlan?: number; mode?: 'access' | 'trunk' | 'routed'; enabled?: boolean }[];
  linknets: LinknetEnd[];
  mgmtdomain: MgmtDomainContext | null;
  neighbors: { hostname: string; interface: string; localInterface: string }[];
}
