/**
 * Test double of the NetBox REST API for devices (DRF conventions):
 *   GET    /api/dcim/devices/?limit=&offset=&<filters>  200 {count, next, previous, results} (next: absolute URL)
 *   POST   /api/dcim/devices/                            201 device | 400 {field: [errors]}
 *   PATCH  /api/dcim/devices/{id}/                       200 device (primary_ip4/6 must be an IP on one of its interfaces)
 *   DELETE /api/dcim/devices/{id}/                       204 | 404 {"detail": "Not found."}
 *   POST   /api/dcim/interfaces/                         201 {device, name, type}
 *   POST   /api/ipam/ip-addresses/                       201 {address (CIDR), assigned_object_type, assigned_object_id}
 * `Authorization: Token <token>` on every request (403 {"detail": "Invalid token"} otherwise).
 */
import { StubServer, hasMediaType } from './stubServer.ts';
import type { StubReply, StubRequest } from './stubServer.ts';

export interface NetboxDevice {
  id: number;
  name: string | null;
  status: { value: string; label: string };
  primary_ip4: { id: number; address: string } | null;
  platform: { id: number; slug: string; name: string } | null;
  role: { id: number; slug: string; name: string } | null;
  site: { id: number; slug: string };
  device_type: { id: number; slug: string };
  tags: { slug: string }[];
  custom_fields: Record<string, unknown>;
}

const LIST = '/api/dcim/devices/';
const MAX_LIMIT = 1000;
const FILTERS = new Set(['limit', 'offset', 'name', 'tag', 'site', 'status', 'role']);

const INTERFACE_TYPES = new Set(['virtual', '1000base-t', '10gbase-x-sfpp', 'other']);

export class NetboxStub extends StubServer {
  readonly devices: NetboxDevice[] = [];
  readonly interfaces: { id: number; device: number; name: string }[] = [];
  readonly ips: { id: number; address: string; interface: number }[] = [];
  private nextId = 1;
  /** What `next` links point at (NetBox behind a proxy may name another host). */
  advertisedOrigin: string | undefined;
  /** Make `count` disagree with the results (a list that changed under the reader, or a broken proxy). */
  countSkew = 0;

  constructor(readonly token = 'nb-token-0123456789') {
    super((req) => this.route(req));
  }

  add(
    name: string | null,
    extra: { ip?: string; platform?: string; role?: string; status?: string; tags?: string[]; customFields?: Record<string, unknown> } = {},
  ): NetboxDevice {
    const id = this.nextId++;
    const d: NetboxDevice = {
      id,
      name,
      status: { value: extra.status ?? 'active', label: 'Active' },
      primary_ip4: extra.ip ? { id: 1000 + id, address: `${extra.ip}/32` } : null,
      platform: extra.platform ? { id: 1, slug: extra.platform, name: extra.platform } : null,
      role: extra.role ? { id: 2, slug: extra.role, name: extra.role } : null,
      site: { id: 1, slug: 'lab' },
      device_type: { id: 1, slug: 'generic' },
      tags: (extra.tags ?? []).map((slug) => ({ slug })),
      custom_fields: extra.customFields ?? {},
    };
    this.devices.push(d);
    return d;
  }

  private route(req: StubRequest): StubReply {
    if (req.headers.authorization !== `Token ${this.token}`) return { status: 403, body: { detail: 'Invalid token' } };
    if (req.method === 'GET' && req.path === LIST) return this.list(req);
    if (req.method === 'POST' && req.path === LIST) return this.create(req);
    const m = /^\/api\/dcim\/devices\/(\d+)\/$/.exec(req.path);
    if (req.method === 'DELETE' && m) return this.remove(Number(m[1]));
    if (req.method === 'PATCH' && m) return this.patch(Number(m[1]), req);
    if (req.method === 'POST' && req.path === '/api/dcim/interfaces/') return this.createInterface(req);
    if (req.method === 'POST' && req.path === '/api/ipam/ip-addresses/') return this.createIp(req);
    return this.violation(`not a documented NetBox call: ${req.method} ${req.path}`, 404);
  }

  private list(req: StubRequest): StubReply {
    for (const k of req.query.keys()) if (!FILTERS.has(k)) return this.violation(`unknown device filter '${k}'`);
    const limit = Number(req.query.get('limit') ?? 50);
    const offset = Number(req.query.get('offset') ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT || !Number.isInteger(offset) || offset < 0) return this.violation('bad limit/offset');
    const names = req.query.getAll('name');
    const tags = req.query.getAll('tag');
    const statuses = req.query.getAll('status');
    const matching = this.devices.filter(
      (d) =>
        (names.length === 0 || names.includes(d.name ?? '')) &&
        tags.every((t) => d.tags.some((x) => x.slug === t)) &&
        (statuses.length === 0 || statuses.includes(d.status.value)),
    );
    const page = matching.slice(offset, offset + limit);
    const link = (o: number) => {
      const q = new URLSearchParams(req.query);
      q.set('offset', String(o));
      q.set('limit', String(limit));
      return `${this.advertisedOrigin ?? this.url}${LIST}?${q}`;
    };
    return {
      status: 200,
      body: {
        count: matching.length + this.countSkew,
        next: offset + limit < matching.length ? link(offset + limit) : null,
        previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
        results: page,
      },
    };
  }

  private create(req: StubRequest): StubReply {
    if (!hasMediaType(req.headers['content-type'], 'application/json')) return this.violation('POST: Content-Type must be application/json', 415);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const errors: Record<string, string[]> = {};
    for (const k of ['name', 'device_type', 'role', 'site']) if (b[k] === undefined || b[k] === null || b[k] === '') errors[k] = ['This field is required.'];
    for (const k of ['device_type', 'role', 'site', 'platform']) {
      const v = b[k];
      if (v !== undefined && !(typeof v === 'number' || (typeof v === 'object' && v !== null)))
        errors[k] = ['Related objects must be referenced by numeric ID or by dictionary of attributes.'];
    }
    if (b.custom_fields !== undefined && (typeof b.custom_fields !== 'object' || b.custom_fields === null || Array.isArray(b.custom_fields))) {
      errors.custom_fields = ['Invalid data. Expected a dictionary.'];
    }
    if (b.status !== undefined && !['offline', 'active', 'planned', 'staged', 'failed', 'inventory', 'decommissioning'].includes(String(b.status))) {
      errors.status = [`"${String(b.status)}" is not a valid choice.`];
    }
    if (Object.keys(errors).length) {
      this.violation(`POST: ${JSON.stringify(errors)}`);
      return { status: 400, body: errors };
    }
    if (this.devices.some((d) => d.name === b.name)) return { status: 400, body: { __all__: ['Device name must be unique per site.'] } };
    const d = this.add(String(b.name), { status: String(b.status ?? 'active'), customFields: (b.custom_fields as Record<string, unknown>) ?? {} });
    return { status: 201, body: d };
  }

  private createInterface(req: StubRequest): StubReply {
    const b = (req.body ?? {}) as { device?: unknown; name?: unknown; type?: unknown };
    if (!this.devices.some((d) => d.id === b.device)) return this.violation(`POST interface: device ${String(b.device)} does not exist`);
    if (typeof b.name !== 'string' || !b.name) return this.violation('POST interface: name is required');
    if (!INTERFACE_TYPES.has(String(b.type))) return this.violation(`POST interface: type '${String(b.type)}' is not a valid choice`);
    const iface = { id: this.interfaces.length + 1, device: b.device as number, name: b.name };
    this.interfaces.push(iface);
    return { status: 201, body: iface };
  }

  private createIp(req: StubRequest): StubReply {
    const b = (req.body ?? {}) as { address?: unknown; assigned_object_type?: unknown; assigned_object_id?: unknown };
    if (typeof b.address !== 'string' || !/^[0-9a-f.:]+\/\d{1,3}$/i.test(b.address))
      return this.violation(`POST ip-address: address '${String(b.address)}' is not CIDR`);
    if (b.assigned_object_type !== 'dcim.interface' || !this.interfaces.some((i) => i.id === b.assigned_object_id)) {
      return this.violation('POST ip-address: must be assigned to an existing dcim.interface');
    }
    const ip = { id: 500 + this.ips.length, address: b.address, interface: b.assigned_object_id as number };
    this.ips.push(ip);
    return { status: 201, body: ip };
  }

  private patch(id: number, req: StubRequest): StubReply {
    const d = this.devices.find((x) => x.id === id);
    if (!d) return { status: 404, body: { detail: 'Not found.' } };
    const b = (req.body ?? {}) as { primary_ip4?: unknown };
    const keys = Object.keys(b);
    if (keys.length !== 1 || keys[0] !== 'primary_ip4') return this.violation(`PATCH device: only primary_ip4 is expected here, got ${keys.join(', ')}`);
    const ip = this.ips.find((x) => x.id === b.primary_ip4);
    const onDevice = ip && this.interfaces.some((i) => i.id === ip.interface && i.device === id);
    if (!onDevice) return { status: 400, body: { primary_ip4: ['The specified IP address is not assigned to this device.'] } };
    d.primary_ip4 = { id: ip.id, address: ip.address };
    return { status: 200, body: d };
  }

  private remove(id: number): StubReply {
    const i = this.devices.findIndex((d) => d.id === id);
    if (i < 0) return { status: 404, body: { detail: 'Not found.' } };
    this.devices.splice(i, 1);
    return { status: 204 };
  }
}
