/**
 * Builds each device's `NetworkContext` (what the templates see of the inventory: interfaces, linknets,
 * management domain, neighbours) from the inventory records. Pure over its inputs, so the same function
 * gives the context before and after a change for precise impact.
 */
import { BlockList, isIPv4 } from 'node:net';
import type { Device, DeviceInterface } from '../model/device.ts';
import type { RenderTarget } from '../render/index.ts';
import type { Store } from '../model/store.ts';
import { hostnameKey, sameHostname } from '../model/device.ts';
import type { Linknet, LinknetEnd, MgmtDomain, NetworkContext } from '../model/network.ts';

export interface NetworkRecords {
  linknets: Linknet[];
  mgmtdomains: MgmtDomain[];
}

export function networkContexts(devices: Pick<Device, 'hostname' | 'managementIp' | 'interfaces'>[], records: NetworkRecords): Map<string, NetworkContext> {
  const endsByHost = new Map<string, LinknetEnd[]>();
  for (const l of records.linknets) {
    for (const { hostname, end } of endsOf(l)) endsByHost.set(hostnameKey(hostname), [...(endsByHost.get(hostnameKey(hostname)) ?? []), end]);
  }
  const out = new Map<string, NetworkContext>();
  for (const d of devices) {
    const linknets = endsByHost.get(hostnameKey(d.hostname)) ?? [];
    out.set(hostnameKey(d.hostname), {
      interfaces: d.interfaces ?? [],
      linknets,
      mgmtdomain: domainOf(d, records.mgmtdomains),
      neighbors: linknets.map((l) => ({ hostname: l.peerHostname, interface: l.peerInterface, localInterface: l.interface })),
    });
  }
  return out;
}

function endsOf(l: Linknet): { hostname: string; end: LinknetEnd }[] {
  const [a, b] = l.ipv4Network ? endAddresses(l.ipv4Network) : [undefined, undefined];
  const net = l.ipv4Network ? { ipv4Network: l.ipv4Network } : {};
  return [
    {
      hostname: l.deviceA,
      end: {
        id: l.id,
        interface: l.interfaceA,
        peerHostname: l.deviceB,
        peerInterface: l.interfaceB,
        ...net,
        ...(a ? { ipv4Address: a, peerIpv4Address: b! } : {}),
      },
    },
    {
      hostname: l.deviceB,
      end: {
        id: l.id,
        interface: l.interfaceB,
        peerHostname: l.deviceA,
        peerInterface: l.interfaceA,
        ...net,
        ...(a ? { ipv4Address: b!, peerIpv4Address: a } : {}),
      },
    },
  ];
}

/** A /31 uses both addresses (RFC 3021); larger networks skip the network address. Device A gets the first. */
function endAddresses(cidr: string): [string, string] | [undefined, undefined] {
  const [address, prefixText] = cidr.split('/');
  const prefix = Number(prefixText);
  if (!address || !isIPv4(address) || !Number.isInteger(prefix) || prefix < 0 || prefix > 31) return [undefined, undefined];
  const base = address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const first = prefix === 31 ? base : base + 1;
  return [`${toIpv4(first)}/${prefix}`, `${toIpv4(first + 1)}/${prefix}`];
}

function toIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** The domain a device is a gateway of, else the one its management IP lies in. */
function domainOf(d: Pick<Device, 'hostname' | 'managementIp'>, domains: MgmtDomain[]): NetworkContext['mgmtdomain'] {
  const domain =
    domains.find((m) => sameHostname(m.deviceA, d.hostname) || sameHostname(m.deviceB, d.hostname)) ??
    domains.find((m) => isIPv4(d.managementIp) && contains(m.ipv4Network, d.managementIp));
  return domain ? { name: domain.name, ipv4Network: domain.ipv4Network, ipv4Gateway: domain.ipv4Gateway, vlan: domain.vlan } : null;
}

function contains(cidr: string, ip: string): boolean {
  const [address, prefix] = cidr.split('/');
  const list = new BlockList();
  list.addSubnet(address!, Number(prefix), 'ipv4');
  return list.check(ip, 'ipv4');
}

/**
 * The renderer's `withNetwork` port: adds each target's network context, read from the store once per batch.
 * Targets are usually the store's device records (they carry `interfaces`); others are looked up.
 */
export function networkFromStore(store: Pick<Store, 'getDevice' | 'listRecords'>): (targets: RenderTarget[]) => Promise<RenderTarget[]> {
  return async (targets) => {
    const missing = targets.filter((t) => t.network === undefined);
    if (missing.length === 0) return targets;
    const [linknets, mgmtdomains] = await Promise.all([store.listRecords('linknets'), store.listRecords('mgmtdomains')]);
    const devices = await Promise.all(
      missing.map(async (t) => {
        const interfaces = (t as RenderTarget & { interfaces?: DeviceInterface[] }).interfaces;
        return { hostname: t.hostname, managementIp: t.managementIp ?? '', interfaces: interfaces ?? (await store.getDevice(t.hostname))?.interfaces ?? [] };
      }),
    );
    const contexts = networkContexts(devices, { linknets, mgmtdomains });
    return targets.map((t) => (t.network === undefined ? { ...t, network: contexts.get(hostnameKey(t.hostname))! } : t));
  };
}
