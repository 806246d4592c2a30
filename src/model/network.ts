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
