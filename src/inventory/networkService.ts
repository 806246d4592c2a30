/**
 * Linknets and management domains. Changing one unsyncs the devices whose
 * configuration depends on it, in the same atomic write as the record itself.
 */
import { BlockList, isIPv4 } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { Device } from '../model/device.ts';
import { sameHostname } from '../model/device.ts';
import { NetsyncError, notFound } from '../model/errors.ts';
import type { Linknet, MgmtDomain } from '../model/network.ts';
import type { Clock } from '../model/ports.ts';
import { systemClock } from '../model/ports.ts';
import type { Store, StoreView } from '../model/store.ts';
import type { SyncStatusService } from './syncStatus.ts';

export type NewLinknet = Omit<Linknet, 'id' | 'createdAt'>;
export type NewMgmtDomain = Omit<MgmtDomain, 'id' | 'createdAt' | 'updatedAt'>;

export interface ChangeResult<T> {
  record: T;
  unsynced: string[];
}

export class NetworkService {
  constructor(
    private readonly store: Store,
    private readonly syncStatus: SyncStatusService,
    private readonly clock: Clock = systemClock,
  ) {}

  listLinknets(): Promise<Linknet[]> {
    return this.store.listRecords('linknets');
  }

  createLinknet(input: NewLinknet, by: string): Promise<ChangeResult<Linknet>> {
    return this.store.transact((view) => {
      if (input.ipv4Network !== undefined) parseCidr(input.ipv4Network);
      const a = requireDevice(view, input.deviceA);
      const b = requireDevice(view, input.deviceB);
      if (sameHostname(a.hostname, b.hostname)) {
        throw new NetsyncError('VALIDATION_FAILED', 'a linknet needs two different devices', { deviceA: a.hostname, deviceB: b.hostname });
      }
      const record: Linknet = { ...input, deviceA: a.hostname, deviceB: b.hostname, id: randomUUID(), createdAt: this.clock().toISOString() };
      const detail = `linknet ${a.hostname}:${input.interfaceA} <-> ${b.hostname}:${input.interfaceB} added`;
      const unsynced = [a.hostname, b.hostname];
      return {
        result: { record, unsynced },
        records: [{ collection: 'linknets', id: record.id, value: record }],
        devices: this.syncStatus.unsyncChange(unsynced, 'linknet_changed', { by, detail }),
      };
    });
  }

  deleteLinknet(id: string, by: string): Promise<ChangeResult<Linknet>> {
    return this.store.transact((view) => {
      const record = view.record('linknets', id);
      if (!record) throw notFound('linknet', id);
      // An end device may have been deleted since; only existing ones need a re-sync.
      const unsynced = [record.deviceA, record.deviceB].filter((h) => view.device(h));
      const detail = `linknet ${record.deviceA}:${record.interfaceA} <-> ${record.deviceB}:${record.interfaceB} removed`;
      return {
        result: { record, unsynced },
        records: [{ collection: 'linknets', id, delete: true as const }],
        devices: this.syncStatus.unsyncChange(unsynced, 'linknet_changed', { by, detail }),
      };
    });
  }

  listMgmtDomains(): Promise<MgmtDomain[]> {
    return this.store.listRecords('mgmtdomains');
  }

  createMgmtDomain(input: NewMgmtDomain, by: string): Promise<ChangeResult<MgmtDomain>> {
    return this.store.transact((view) => {
      assertGatewayInNetwork(input);
      const a = requireDevice(view, input.deviceA);
      const b = requireDevice(view, input.deviceB);
      const at = this.clock().toISOString();
      const record: MgmtDomain = { ...input, deviceA: a.hostname, deviceB: b.hostname, id: randomUUID(), createdAt: at, updatedAt: at };
      const unsynced = domainMembers(view.devices(), record);
      return {
        result: { record, unsynced },
        records: [{ collection: 'mgmtdomains', id: record.id, value: record }],
        devices: this.syncStatus.unsyncChange(unsynced, 'mgmtdomain_changed', { by, detail: `mgmtdomain ${record.name} added` }),
      };
    });
  }

  updateMgmtDomain(id: string, patch: Partial<NewMgmtDomain>, by: string): Promise<ChangeResult<MgmtDomain>> {
    return this.store.transact((view) => {
      const current = view.record('mgmtdomains', id);
      if (!current) throw notFound('mgmtdomain', id);
      const next: MgmtDomain = { ...current, ...patch, updatedAt: this.clock().toISOString() };
      assertGatewayInNetwork(next);
      next.deviceA = requireDevice(view, next.deviceA).hostname;
      next.deviceB = requireDevice(view, next.deviceB).hostname;
      // Devices that leave the domain need the change as much as those that stay or join.
      const devices = view.devices();
      const unsynced = union(domainMembers(devices, current), domainMembers(devices, next));
      return {
        result: { record: next, unsynced },
        records: [{ collection: 'mgmtdomains', id, value: next }],
        devices: this.syncStatus.unsyncChange(unsynced, 'mgmtdomain_changed', { by, detail: `mgmtdomain ${next.name} changed` }),
      };
    });
  }

  deleteMgmtDomain(id: string, by: string): Promise<ChangeResult<MgmtDomain>> {
    return this.store.transact((view) => {
      const record = view.record('mgmtdomains', id);
      if (!record) throw notFound('mgmtdomain', id);
      const unsynced = domainMembers(view.devices(), record);
      return {
        result: { record, unsynced },
        records: [{ collection: 'mgmtdomains', id, delete: true as const }],
        devices: this.syncStatus.unsyncChange(unsynced, 'mgmtdomain_changed', { by, detail: `mgmtdomain ${record.name} removed` }),
      };
    });
  }
}

function requireDevice(view: StoreView, hostname: string): Device {
  const device = view.device(hostname);
  if (!device) throw notFound('device', hostname);
  return device;
}

/** The two gateway devices plus every device whose management IP lies in the domain's network. */
export function domainMembers(devices: Device[], domain: MgmtDomain): string[] {
  const net = parseCidr(domain.ipv4Network);
  const list = new BlockList();
  list.addSubnet(net.address, net.prefix, 'ipv4');
  return devices
    .filter(
      (d) =>
        sameHostname(d.hostname, domain.deviceA) ||
        sameHostname(d.hostname, domain.deviceB) ||
        (isIPv4(d.managementIp) && list.check(d.managementIp, 'ipv4')),
    )
    .map((d) => d.hostname);
}

export function parseCidr(cidr: string): { address: string; prefix: number } {
  const [address, prefixText] = cidr.split('/');
  const prefix = Number(prefixText);
  if (!address || !isIPv4(address) || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) {
    throw new NetsyncError('VALIDATION_FAILED', `'${cidr}' is not an IPv4 network in CIDR form (e.g. 10.0.6.0/24)`, { value: cidr });
  }
  return { address, prefix };
}

function assertGatewayInNetwork(domain: Pick<MgmtDomain, 'ipv4Network' | 'ipv4Gateway'>): void {
  const net = parseCidr(domain.ipv4Network);
  const list = new BlockList();
  list.addSubnet(net.address, net.prefix, 'ipv4');
  if (!isIPv4(domain.ipv4Gateway) || !list.check(domain.ipv4Gateway, 'ipv4')) {
    throw new NetsyncError('VALIDATION_FAILED', `gateway ${domain.ipv4Gateway} is not inside ${domain.ipv4Network}`, {
      ipv4Gateway: domain.ipv4Gateway,
      ipv4Network: domain.ipv4Network,
    });
  }
}

function union(a: string[], b: string[]): string[] {
  const seen = new Map<string, string>();
  for (const h of [...a, ...b]) seen.set(h.toLowerCase(), h);
  return [...seen.values()];
}
