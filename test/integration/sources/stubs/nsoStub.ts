/**
 * Test double of Cisco NSO's RESTCONF device list (RFC 8040 + tailf-ncs):
 *   GET    /restconf/data/tailf-ncs:devices/device[?fields=..]  200 {"tailf-ncs:device":[..]} | 204 when empty
 *   POST   /restconf/data/tailf-ncs:devices                     201 + Location | 409 data-exists
 *   DELETE /restconf/data/tailf-ncs:devices/device=<key>        204 | 404 invalid-value
 *   POST   /restconf/data/tailf-ncs:devices/device=<key>/<action>  200 {"tailf-ncs:output": {result, info?}}
 * Basic auth on every request (401 otherwise); media type application/yang-data+json.
 */
import { StubServer, hasMediaType } from './stubServer.ts';
import type { StubReply, StubRequest } from './stubServer.ts';

export interface NsoDeviceEntry {
  name: string;
  address: string;
  port?: number;
  authgroup: string;
  'device-type': Record<string, Record<string, string>>;
  state?: { 'admin-state': string };
}

const YANG = 'application/yang-data+json';
const LIST = '/restconf/data/tailf-ncs:devices/device';
const CONTAINER = '/restconf/data/tailf-ncs:devices';
const DEVICE_TYPES = ['cli', 'netconf', 'generic', 'snmp'];

function restconfError(status: number, tag: string, message: string): StubReply {
  return {
    status,
    contentType: YANG,
    body: { 'ietf-restconf:errors': { error: [{ 'error-type': 'application', 'error-tag': tag, 'error-message': message }] } },
  };
}

const ACTIONS = new Set(['fetch-host-keys', 'connect', 'sync-from', 'sync-to', 'check-sync']);

export class NsoStub extends StubServer {
  readonly devices = new Map<string, NsoDeviceEntry>();
  readonly actions: string[] = [];
  /** Actions that answer result false (the device refused, e.g. sync-from on an unreachable box). */
  failingActions = new Set<string>();

  constructor(
    readonly username = 'admin',
    readonly password = 'nso-secret',
  ) {
    super((req) => this.route(req));
  }

  seed(...entries: NsoDeviceEntry[]): void {
    for (const e of entries) this.devices.set(e.name, e);
  }

  private route(req: StubRequest): StubReply {
    const expected = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return restconfError(401, 'access-denied', 'access denied');
    if (!hasMediaType(req.headers.accept, YANG) && req.method !== 'DELETE') {
      return this.violation(`${req.method} ${req.path}: Accept must include ${YANG}, got '${req.headers.accept}'`, 406);
    }
    if (req.method === 'GET' && req.path === LIST) return this.list(req);
    if (req.method === 'POST' && req.path === CONTAINER) return this.create(req);
    if (req.method === 'DELETE' && req.path.startsWith(`${LIST}=`)) return this.remove(req);
    if (req.method === 'POST' && req.path.startsWith(`${LIST}=`)) return this.action(req);
    return this.violation(`not a documented NSO RESTCONF call: ${req.method} ${req.path}`, 404);
  }

  private list(req: StubRequest): StubReply {
    const fields = req.query.get('fields');
    if (fields !== null && !/^[a-z-]+(\/[a-z-]+)*(;[a-z-]+(\/[a-z-]+)*)*$/.test(fields)) return this.violation(`bad fields parameter '${fields}'`);
    if (this.devices.size === 0) return { status: 204 };
    return { status: 200, contentType: YANG, body: { 'tailf-ncs:device': [...this.devices.values()] } };
  }

  private create(req: StubRequest): StubReply {
    if (!hasMediaType(req.headers['content-type'], YANG)) return this.violation(`POST: Content-Type must be ${YANG}`, 415);
    const list = (req.body as Record<string, unknown> | undefined)?.['tailf-ncs:device'];
    if (!Array.isArray(list) || list.length !== 1) return this.violation("POST body must be {'tailf-ncs:device': [one entry]}");
    const e = list[0] as Partial<NsoDeviceEntry>;
    for (const k of ['name', 'address', 'authgroup'] as const) if (typeof e[k] !== 'string' || !e[k]) return this.violation(`POST: device.${k} is required`);
    if (e.port !== undefined && (!Number.isInteger(e.port) || e.port < 1 || e.port > 65535)) return this.violation('POST: device.port must be a port number');
    const types = Object.keys(e['device-type'] ?? {});
    if (types.length !== 1 || !DEVICE_TYPES.includes(types[0]!)) return this.violation(`POST: device-type must be exactly one of ${DEVICE_TYPES.join(', ')}`);
    const allowed = ['name', 'address', 'port', 'authgroup', 'device-type', 'state'];
    const extra = Object.keys(e).filter((k) => !allowed.includes(k));
    if (extra.length) return this.violation(`POST: unknown leaf ${extra.join(', ')}`);
    if (this.devices.has(e.name!)) return restconfError(409, 'data-exists', `object already exists: /ncs:devices/device{${e.name}}`);
    this.devices.set(e.name!, e as NsoDeviceEntry);
    return { status: 201, headers: { location: `${this.url}${LIST}=${encodeURIComponent(e.name!)}` } };
  }

  private action(req: StubRequest): StubReply {
    const m = /^([^/]+)\/([a-z-]+)$/.exec(req.path.slice(LIST.length + 1));
    if (!m || !ACTIONS.has(m[2]!)) return this.violation(`not a tailf-ncs device action: POST ${req.path}`, 404);
    const name = decodeURIComponent(m[1]!);
    if (!this.devices.has(name)) return restconfError(404, 'invalid-value', 'uri keypath not found');
    this.actions.push(`${m[2]} ${name}`);
    const ok = !this.failingActions.has(m[2]!);
    return { status: 200, contentType: YANG, body: { 'tailf-ncs:output': ok ? { result: true } : { result: false, info: 'Failed to connect to device' } } };
  }

  private remove(req: StubRequest): StubReply {
    const raw = req.path.slice(LIST.length + 1);
    if (/[,/]/.test(raw)) return this.violation(`DELETE: key '${raw}' is not percent-encoded (RFC 8040 §3.5.3)`);
    const name = decodeURIComponent(raw);
    if (!this.devices.delete(name)) return restconfError(404, 'invalid-value', 'uri keypath not found');
    return { status: 204 };
  }
}
