/**
 * NetBox REST API: /api/dcim/devices/ with `Authorization: Token <token>`,
 * paged with limit/offset and followed through `next` until it is null. A
 * read whose results do not add up to `count` is refused (a partial read must
 * never look like deleted devices).
 */
import { NetsyncError } from '../model/errors.ts';
import { badResponse, httpCall, joinUrl, onConfiguredOrigin } from './http.ts';
import type { DeviceSpec, InventorySource, SourceDevice } from './types.ts';

/** A related object given by id, or by attributes NetBox looks up (e.g. {slug: "lab"}). */
export type NetboxRef = number | Record<string, string>;

export interface NetboxOptions {
  url: string;
  token: string;
  /** 'Token' for v1 tokens, 'Bearer' for NetBox 4.5+ v2 tokens. */
  tokenScheme: 'Token' | 'Bearer';
  pageSize: number;
  /** Extra filters for the device list, e.g. {tag: 'netsync', site: 'lab'}. */
  filters: Record<string, string | string[]>;
  /** A custom field holding the device's SSH/NETCONF port (NetBox has no port of its own). */
  portField?: string;
  /** What a device created by netsync gets. */
  create?: {
    site: NetboxRef;
    role: NetboxRef;
    deviceType: NetboxRef;
    status: string;
    platforms: Record<string, NetboxRef>;
    /** When set, the management address is added as the primary IP on an interface of this name. */
    managementInterface?: string;
  };
  timeoutMs: number;
}

interface Page {
  count: number;
  next: string | null;
  results: NetboxDevice[];
}

interface NetboxDevice {
  id?: unknown;
  name?: unknown;
  primary_ip4?: { address?: string } | null;
  platform?: { slug?: string } | null;
  role?: { slug?: string } | null;
  device_role?: { slug?: string } | null;
  custom_fields?: Record<string, unknown> | null;
}

const DEVICES = '/api/dcim/devices/';

export class NetboxSource implements InventorySource {
  readonly name = 'netbox' as const;
  constructor(private readonly opts: NetboxOptions) {}

  private headers(): Record<string, string> {
    return { authorization: `${this.opts.tokenScheme} ${this.opts.token}`, accept: 'application/json' };
  }

  async list(): Promise<SourceDevice[]> {
    const query = new URLSearchParams({ limit: String(this.opts.pageSize), offset: '0' });
    for (const [k, v] of Object.entries(this.opts.filters)) for (const one of [v].flat()) query.append(k, one);
    let url: string | null = joinUrl(this.opts.url, `${DEVICES}?${query}`);
    const devices: SourceDevice[] = [];
    let count = 0;
    let seen = 0;
    let pages = 0;
    while (url) {
      const page = await this.page(url);
      count = page.count;
      seen += page.results.length;
      for (const d of page.results) {
        // Unnamed devices exist in NetBox; they cannot be matched, so they are not ours.
        if (typeof d.name === 'string' && d.name !== '') devices.push(fromNetbox(d, this.opts.portField));
      }
      pages += 1;
      if (pages > 10_000) throw badResponse('netbox', 'more than 10000 pages; is `next` looping?');
      url = page.next ? onConfiguredOrigin(page.next, this.opts.url) : null;
    }
    if (seen !== count)
      throw badResponse('netbox', `read ${seen} devices over ${pages} pages but count says ${count}; not using a partial list`, { seen, count });
    return devices;
  }

  private async page(url: string): Promise<Page & { results: NetboxDevice[] }> {
    const { json } = await httpCall({ source: 'netbox', method: 'GET', url, headers: this.headers(), timeoutMs: this.opts.timeoutMs });
    const p = json as Partial<Page> | undefined;
    if (!p || typeof p.count !== 'number' || !Array.isArray(p.results) || (p.next !== null && typeof p.next !== 'string')) {
      throw badResponse('netbox', `${DEVICES} did not answer with a page {count, next, results}`);
    }
    return p as Page;
  }

  async add(device: DeviceSpec): Promise<void> {
    const { create } = this.opts;
    if (!create) {
      throw new NetsyncError('SOURCE_NOT_CONFIGURED', `netbox: cannot create '${device.name}': set sources.netbox.create (site, role, deviceType)`, {
        source: 'netbox',
      });
    }
    const platform = Object.hasOwn(create.platforms, device.platform) ? create.platforms[device.platform] : undefined;
    const created = await this.post(DEVICES, {
      name: device.name,
      device_type: create.deviceType,
      role: create.role,
      site: create.site,
      status: create.status,
      ...(platform !== undefined ? { platform } : {}),
      ...(this.opts.portField ? { custom_fields: { [this.opts.portField]: device.port } } : {}),
    });
    if (create.managementInterface) await this.setPrimaryIp(created, device, create.managementInterface);
  }

  /** NetBox keeps a primary IP only as an IP object on one of the device's interfaces: create both, then point at it. */
  private async setPrimaryIp(deviceId: number, device: DeviceSpec, interfaceName: string): Promise<void> {
    const v6 = device.managementIp.includes(':');
    try {
      const iface = await this.post('/api/dcim/interfaces/', { device: deviceId, name: interfaceName, type: 'virtual', mgmt_only: true });
      const ip = await this.post('/api/ipam/ip-addresses/', {
        address: `${device.managementIp}/${v6 ? 128 : 32}`,
        assigned_object_type: 'dcim.interface',
        assigned_object_id: iface,
        status: 'active',
      });
      await httpCall({
        source: 'netbox',
        method: 'PATCH',
        url: joinUrl(this.opts.url, `${DEVICES}${deviceId}/`),
        headers: this.headers(),
        body: { [v6 ? 'primary_ip6' : 'primary_ip4']: ip },
        timeoutMs: this.opts.timeoutMs,
      });
    } catch (err) {
      const e = err as NetsyncError;
      throw new NetsyncError(e.code, `netbox: created '${device.name}' but could not set its primary IP: ${e.message}`, { ...e.data, device: device.name });
    }
  }

  /** POST a new object; resolves with its id. */
  private async post(path: string, body: Record<string, unknown>): Promise<number> {
    const { json } = await httpCall({
      source: 'netbox',
      method: 'POST',
      url: joinUrl(this.opts.url, path),
      headers: this.headers(),
      body,
      timeoutMs: this.opts.timeoutMs,
    });
    const id = (json as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'number') throw badResponse('netbox', `POST ${path} answered without the new object's id`);
    return id;
  }

  async remove(device: SourceDevice): Promise<void> {
    const id = device.ref ?? (await this.findId(device.name));
    if (id === undefined) return;
    await httpCall({
      source: 'netbox',
      method: 'DELETE',
      url: joinUrl(this.opts.url, `${DEVICES}${encodeURIComponent(id)}/`),
      headers: this.headers(),
      timeoutMs: this.opts.timeoutMs,
      accept: [404],
    });
  }

  private async findId(name: string): Promise<string | undefined> {
    const page = await this.page(joinUrl(this.opts.url, `${DEVICES}?${new URLSearchParams({ name, limit: '2' })}`));
    if (page.results.length > 1) throw new NetsyncError('CONFLICT', `netbox has several devices named '${name}'`, { source: 'netbox', name });
    const id = page.results[0]?.id;
    return id === undefined ? undefined : String(id);
  }
}

function fromNetbox(d: NetboxDevice, portField: string | undefined): SourceDevice {
  const ip = d.primary_ip4?.address?.split('/')[0];
  const role = (d.role ?? d.device_role)?.slug;
  const port = portField ? d.custom_fields?.[portField] : undefined;
  return {
    name: d.name as string,
    ...(d.id !== undefined ? { ref: String(d.id) } : {}),
    ...(ip ? { managementIp: ip } : {}),
    ...(d.platform?.slug ? { platform: d.platform.slug } : {}),
    ...(role ? { type: role.toUpperCase() } : {}),
    ...(typeof port === 'number' && Number.isInteger(port) ? { port } : {}),
  };
}
