/**
 * Linknets and management domains. Changing one unsyncs the devices whose
 * configuration depends on it, in the same atomic write as the record itself.
 */
import { BlockList, isIPv4 } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { Device } from '../model/device.ts';
import { hostnameKey, sameHostname } from '../model/device.ts';
import { NetsyncError, notFound } from '../model/errors.ts';
import type { Linknet, MgmtDomain } from '../model/network.ts';
import type { Clock } from '../model/ports.ts';
import { systemClock } from '../model/ports.ts';
import type { DeviceChange, Store, StoreView } from '../model/store.ts';
import type { IntendedConfigs } from './eventImpact.ts';
import { changedByEvent, networkRecords, splitByChange, unchangedEvents } from './eventImpact.ts';
import type { NetworkRecords } from './networkContext.ts';

interface Judged {
  /** Undefined: no renderer, every candidate is marked. */
  changed?: Set<string>;
  judged: Set<string>;
}
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
    /** Renders intended configs for precise impact; without it every device an event can reach is marked. */
    private readonly configs?: IntendedConfigs,
  ) {}

  listLinknets(): Promise<Linknet[]> {
    return this.store.listRecords('linknets');
  }

  async createLinknet(input: NewLinknet, by: string): Promise<ChangeResult<Linknet>> {
    if (input.ipv4Network !== undefined) parseCidr(input.ipv4Network);
    const judged = await this.judge(
      async () => [input.deviceA, input.deviceB],
      (r) => ({ ...r, linknets: [...r.linknets, { ...input, id: '(new)', createdAt: '' }] }),
    );
    return this.store.transact((view) => {
      if (input.ipv4Network !== undefined) parseCidr(input.ipv4Network);
      const a = requireDevice(view, input.deviceA);
      const b = requireDevice(view, input.deviceB);
      if (sameHostname(a.hostname, b.hostname)) {
        throw new NetsyncError('VALIDATION_FAILED', 'a linknet needs two different devices', { deviceA: a.hostname, deviceB: b.hostname });
      }
      const record: Linknet = { ...input, deviceA: a.hostname, deviceB: b.hostname, id: randomUUID(), createdAt: this.clock().toISOString() };
      const detail = `linknet ${a.hostname}:${input.interfaceA} <-> ${b.hostname}:${input.interfaceB} added`;
      const { mark, change } = this.unsync([a.hostname, b.hostname], judged, 'linknet_changed', by, detail);
      return { result: { record, unsynced: mark }, records: [{ collection: 'linknets', id: record.id, value: record }], devices: change };
    });
  }

  async deleteLinknet(id: string, by: string): Promise<ChangeResult<Linknet>> {
    const current = await this.store.getRecord('linknets', id);
    const judged = await this.judge(
      async () => (current ? [current.deviceA, current.deviceB] : []),
      (r) => ({ ...r, linknets: r.linknets.filter((l) => l.id !== id) }),
    );
    return this.store.transact((view) => {
      const record = view.record('linknets', id);
      if (!record) throw notFound('linknet', id);
      // An end device may have been deleted since; only existing ones need a re-sync.
      const unsynced = [record.deviceA, record.deviceB].filter((h) => view.device(h));
      const detail = `linknet ${record.deviceA}:${record.interfaceA} <-> ${record.deviceB}:${record.interfaceB} removed`;
      const { mark, change } = this.unsync(unsynced, judged, 'linknet_changed', by, detail);
      return { result: { record, unsynced: mark }, records: [{ collection: 'linknets', id, delete: true as const }], devices: change };
    });
  }

  listMgmtDomains(): Promise<MgmtDomain[]> {
    return this.store.listRecords('mgmtdomains');
  }

  async createMgmtDomain(input: NewMgmtDomain, by: string): Promise<ChangeResult<MgmtDomain>> {
    assertGatewayInNetwork(input);
    const proposed: MgmtDomain = { ...input, id: '(new)', createdAt: '', updatedAt: '' };
    const judged = await this.judge(
      async () => domainMembers(await this.store.listDevices(), proposed),
      (r) => ({ ...r, mgmtdomains: [...r.mgmtdomains, proposed] }),
    );
    return this.store.transact((view) => {
      assertGatewayInNetwork(input);
      const a = requireDevice(view, input.deviceA);
      const b = requireDevice(view, input.deviceB);
      const at = this.clock().toISOString();
      const record: MgmtDomain = { ...input, deviceA: a.hostname, deviceB: b.hostname, id: randomUUID(), createdAt: at, updatedAt: at };
      const { mark, change } = this.unsync(domainMembers(view.devices(), record), judged, 'mgmtdomain_changed', by, `mgmtdomain ${record.name} added`);
      return { result: { record, unsynced: mark }, records: [{ collection: 'mgmtdomains', id: record.id, value: record }], devices: change };
    });
  }

  async updateMgmtDomain(id: string, patch: Partial<NewMgmtDomain>, by: string): Promise<ChangeResult<MgmtDomain>> {
    const current = await this.store.getRecord('mgmtdomains', id);
    const proposed = current ? { ...current, ...patch } : undefined;
    const judged = await this.judge(
      async () => {
        const devices = await this.store.listDevices();
        return current && proposed ? union(domainMembers(devices, current), safeMembers(devices, proposed)) : [];
      },
      (r) => ({ ...r, mgmtdomains: r.mgmtdomains.map((m) => (m.id === id && proposed ? proposed : m)) }),
    );
    return this.store.transact((view) => {
      const current = view.record('mgmtdomains', id);
      if (!current) throw notFound('mgmtdomain', id);
      const next: MgmtDomain = { ...current, ...patch, updatedAt: this.clock().toISOString() };
      assertGatewayInNetwork(next);
      next.deviceA = requireDevice(view, next.deviceA).hostname;
      next.deviceB = requireDevice(view, next.deviceB).hostname;
      // Devices that leave the domain need the change as much as those that stay or join.
      const devices = view.devices();
      const candidates = union(domainMembers(devices, current), domainMembers(devices, next));
      const { mark, change } = this.unsync(candidates, judged, 'mgmtdomain_changed', by, `mgmtdomain ${next.name} changed`);
      return { result: { record: next, unsynced: mark }, records: [{ collection: 'mgmtdomains', id, value: next }], devices: change };
    });
  }

  async deleteMgmtDomain(id: string, by: string): Promise<ChangeResult<MgmtDomain>> {
    const current = await this.store.getRecord('mgmtdomains', id);
    const judged = await this.judge(
      async () => (current ? domainMembers(await this.store.listDevices(), current) : []),
      (r) => ({ ...r, mgmtdomains: r.mgmtdomains.filter((m) => m.id !== id) }),
    );
    return this.store.transact((view) => {
      const record = view.record('mgmtdomains', id);
      if (!record) throw notFound('mgmtdomain', id);
      const { mark, change } = this.unsync(domainMembers(view.devices(), record), judged, 'mgmtdomain_changed', by, `mgmtdomain ${record.name} removed`);
      return { result: { record, unsynced: mark }, records: [{ collection: 'mgmtdomains', id, delete: true as const }], devices: change };
    });
  }

  /**
   * Renders the event's candidates before and after the proposed change (outside the write, so it may see
   * an inventory a moment old: a candidate it did not judge is marked anyway).
   */
  private async judge(candidates: () => Promise<string[]>, apply: (records: NetworkRecords) => NetworkRecords): Promise<Judged> {
    if (!this.configs) return { judged: new Set() };
    const devices = await this.store.listDevices({ hostnames: await candidates() });
    const records = await networkRecords(this.store);
    const changed = await changedByEvent(this.configs, { before: devices, after: devices, records: { before: records, after: apply(records) } });
    return { ...(changed ? { changed } : {}), judged: new Set(devices.map((d) => hostnameKey(d.hostname))) };
  }

  /** Marks the candidates whose config changes; the rest get a `config_unchanged` history line. */
  private unsync(
    candidates: string[],
    j: Judged,
    cause: 'linknet_changed' | 'mgmtdomain_changed',
    by: string,
    detail: string,
  ): { mark: string[]; change: DeviceChange } {
    const { mark, unchanged } = splitByChange(candidates, j.changed, j.judged);
    const change = this.syncStatus.unsyncChange(mark, cause, { by, detail });
    return { mark, change: { ...change, events: [...(change.events ?? []), ...unchangedEvents(unchanged, by, detail, this.clock().toISOString())] } };
  }
}

function safeMembers(devices: Device[], domain: MgmtDomain): string[] {
  try {
    return domainMembers(devices, domain);
  } catch {
    return []; // an invalid patch is refused inside the transaction, with its own message
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
        sameHostname(d.hostname, domain.deviceA) || sameHostname(d.hostname, domain.deviceB) || (isIPv4(d.managementIp) && list.check(d.managementIp, 'ipv4')),
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
