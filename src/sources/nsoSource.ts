/**
 * Cisco NSO over RESTCONF (RFC 8040): the device list at
 * /restconf/data/tailf-ncs:devices/device, application/yang-data+json, basic auth.
 * Create is a POST on the devices container (201; 409 means it exists), delete a
 * DELETE on device=<name> (204; 404 means it is already gone).
 */
import type { Transport } from '../model/device.ts';
import { defaultTransport } from '../model/device.ts';
import { NetsyncError } from '../model/errors.ts';
import { badResponse, httpCall, joinUrl } from './http.ts';
import type { DeviceSpec, InventorySource, SourceDevice } from './types.ts';

export interface NsoOptions {
  url: string;
  username: string;
  password: string;
  /** The NSO authgroup new devices use to log in. */
  authgroup: string;
  /** ned-id per netsync platform; a platform missing here is added with the plain NETCONF device type. */
  nedIds: Record<string, string>;
  adminState: 'unlocked' | 'southbound-locked' | 'locked';
  /** NSO actions run on a device right after it is added, in order (e.g. fetch-host-keys, sync-from). */
  actionsAfterAdd: NsoAction[];
  timeoutMs: number;
}

export const NSO_ACTIONS = ['fetch-host-keys', 'connect', 'sync-from'] as const;
export type NsoAction = (typeof NSO_ACTIONS)[number];

const YANG_JSON = 'application/yang-data+json';
const DEVICES = '/restconf/data/tailf-ncs:devices';

interface NsoDevice {
  name?: unknown;
  address?: unknown;
  port?: unknown;
  'device-type'?: { cli?: { 'ned-id'?: string }; netconf?: { 'ned-id'?: string } };
}

export class NsoSource implements InventorySource {
  readonly name = 'nso' as const;
  constructor(private readonly opts: NsoOptions) {}

  private headers(): Record<string, string> {
    const basic = Buffer.from(`${this.opts.username}:${this.opts.password}`).toString('base64');
    return { authorization: `Basic ${basic}`, accept: YANG_JSON };
  }

  async list(): Promise<SourceDevice[]> {
    const fields = 'name;address;port;authgroup;device-type;state/admin-state';
    const answer = await httpCall({
      source: 'nso',
      method: 'GET',
      url: joinUrl(this.opts.url, `${DEVICES}/device?fields=${encodeURIComponent(fields)}`),
      headers: this.headers(),
      timeoutMs: this.opts.timeoutMs,
      accept: [404],
    });
    // No devices: NSO answers 204, or 404 with a RESTCONF error body; any other 404 is a wrong URL.
    if (answer.status === 204) return [];
    const body = answer.json as Record<string, unknown> | undefined;
    if (answer.status === 404) {
      if (body && 'ietf-restconf:errors' in body) return [];
      throw badResponse('nso', `${DEVICES}/device answered 404 without a RESTCONF error; is ${this.opts.url} the NSO RESTCONF root?`);
    }
    const list = body?.['tailf-ncs:device'];
    if (!Array.isArray(list)) throw badResponse('nso', "the device list has no 'tailf-ncs:device' array");
    return list.map((d: NsoDevice) => this.fromNso(d));
  }

  private fromNso(d: NsoDevice): SourceDevice {
    if (typeof d.name !== 'string' || d.name === '') throw badResponse('nso', 'a device has no name');
    const type = d['device-type'];
    const transport: Transport | undefined = type?.cli ? 'eos-cli' : type?.netconf ? 'netconf' : undefined;
    const ned = type?.cli?.['ned-id'] ?? type?.netconf?.['ned-id'];
    const platform = ned ? Object.keys(this.opts.nedIds).find((p) => sameNed(this.opts.nedIds[p]!, ned)) : undefined;
    return {
      name: d.name,
      ...(typeof d.address === 'string' ? { managementIp: d.address } : {}),
      ...(typeof d.port === 'number' ? { port: d.port } : {}),
      ...(platform ? { platform } : {}),
      ...(transport ? { transport } : {}),
    };
  }

  async add(device: DeviceSpec): Promise<void> {
    const ned = Object.hasOwn(this.opts.nedIds, device.platform) ? this.opts.nedIds[device.platform] : undefined;
    const kind = (device.transport ?? defaultTransport(device.platform)) === 'eos-cli' ? 'cli' : 'netconf';
    const entry = {
      name: device.name,
      address: device.managementIp,
      port: device.port,
      authgroup: this.opts.authgroup,
      'device-type': { [kind]: ned ? { 'ned-id': ned } : {} },
      state: { 'admin-state': this.opts.adminState },
    };
    await httpCall({
      source: 'nso',
      method: 'POST',
      url: joinUrl(this.opts.url, DEVICES),
      headers: this.headers(),
      contentType: YANG_JSON,
      body: { 'tailf-ncs:device': [entry] },
      timeoutMs: this.opts.timeoutMs,
      // 409 data-exists: someone added it meanwhile, which is what we wanted.
      accept: [409],
    });
    for (const action of this.opts.actionsAfterAdd) await this.runAction(device.name, action);
  }

  /** RESTCONF action: POST on the action node; NSO answers 200 with tailf-ncs:output, result false on failure. */
  private async runAction(name: string, action: NsoAction): Promise<void> {
    const { json } = await httpCall({
      source: 'nso',
      method: 'POST',
      url: joinUrl(this.opts.url, `${DEVICES}/device=${encodeKey(name)}/${action}`),
      headers: this.headers(),
      timeoutMs: this.opts.timeoutMs,
    });
    const output = (json as Record<string, { result?: unknown; info?: unknown }> | undefined)?.['tailf-ncs:output'];
    if (output?.result === false) {
      throw new NetsyncError('SOURCE_REJECTED', `nso: added '${name}', but ${action} failed: ${String(output.info ?? 'no detail')}`, {
        source: 'nso',
        action,
        name,
      });
    }
  }

  async remove(device: SourceDevice): Promise<void> {
    await httpCall({
      source: 'nso',
      method: 'DELETE',
      url: joinUrl(this.opts.url, `${DEVICES}/device=${encodeKey(device.name)}`),
      headers: this.headers(),
      timeoutMs: this.opts.timeoutMs,
      accept: [404],
    });
  }
}

/** RFC 8040 §3.5.3: key values are percent-encoded, including ',' and '/'. */
export function encodeKey(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** ned-ids may come back module-qualified ("mod:id"); compare the identity itself. */
function sameNed(a: string, b: string): boolean {
  const bare = (x: string) => x.slice(x.indexOf(':') + 1);
  return bare(a) === bare(b);
}
