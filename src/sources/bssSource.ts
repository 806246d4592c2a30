/**
 * A generic REST source for a business support system, described entirely by
 * configuration: one collection URL, an auth header, and which JSON fields hold
 * the name, address, platform and type (dotted paths for nested fields).
 *
 *   GET    <url>            -> 200, an array of records or {<itemsField>: [...]}; with `nextField`, the
 *                               URL of the next page is at that path, followed until it is absent or null
 *   POST   <url>            -> 200/201/204 (409: already there), a record built from `fields` + `extra`
 *   DELETE <url>/<id>       -> 200/202/204 (404: already gone); <id> is `idField` of the record, else its name
 */
import { badResponse, httpCall, joinUrl, onConfiguredOrigin, redact } from './http.ts';
import type { DeviceSpec, InventorySource, SourceDevice } from './types.ts';

export interface BssOptions {
  url: string;
  token?: string;
  authHeader: string;
  /** Prefix before the token ('Bearer'); empty to send the token alone (e.g. in an X-API-Key header). */
  authScheme: string;
  itemsField?: string;
  /** Paged lists: where each page gives the next page's URL (absolute or relative); needs itemsField. */
  nextField?: string;
  idField?: string;
  fields: { name: string; managementIp?: string; port?: string; platform?: string; type?: string };
  /** Constant fields every created record carries (e.g. {customer: 'internal'}). */
  extra: Record<string, unknown>;
  timeoutMs: number;
}

/** A guard against a `next` that never ends. */
const MAX_PAGES = 10_000;

export class BssSource implements InventorySource {
  readonly name = 'bss' as const;
  constructor(private readonly opts: BssOptions) {}

  private headers(): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json' };
    if (this.opts.token) h[this.opts.authHeader.toLowerCase()] = this.opts.authScheme ? `${this.opts.authScheme} ${this.opts.token}` : this.opts.token;
    return h;
  }

  async list(): Promise<SourceDevice[]> {
    const records: unknown[] = [];
    const seen = new Set<string>();
    let url: string | undefined = this.opts.url;
    while (url) {
      // A repeated page would loop forever or double the list; either way the read is not to be trusted.
      if (seen.has(url) || seen.size >= MAX_PAGES)
        throw badResponse('bss', `paging via '${this.opts.nextField}' does not end (page ${seen.size + 1}: ${redact(url)})`);
      seen.add(url);
      const { json } = await httpCall({ source: 'bss', method: 'GET', url, headers: this.headers(), timeoutMs: this.opts.timeoutMs });
      const items = this.opts.itemsField ? getPath(json, this.opts.itemsField) : json;
      if (!Array.isArray(items)) {
        throw badResponse(
          'bss',
          this.opts.itemsField ? `the answer has no array at '${this.opts.itemsField}'` : 'the answer is not an array (set bss.itemsField?)',
        );
      }
      records.push(...items);
      url = this.nextUrl(json);
    }
    return records.map((item, i) => this.fromRecord(item, i));
  }

  /** The next page's URL from `nextField`, on the configured origin. */
  private nextUrl(page: unknown): string | undefined {
    if (!this.opts.nextField) return undefined;
    const next = getPath(page, this.opts.nextField);
    if (next === undefined || next === null || next === '') return undefined;
    if (typeof next !== 'string') throw badResponse('bss', `'${this.opts.nextField}' is not a URL string`);
    return onConfiguredOrigin(next, this.opts.url);
  }

  private fromRecord(item: unknown, index: number): SourceDevice {
    const f = this.opts.fields;
    const name = getPath(item, f.name);
    if (typeof name !== 'string' || name === '') throw badResponse('bss', `record ${index} has no string '${f.name}'`, { index });
    const str = (path?: string) => (path ? getPath(item, path) : undefined);
    const ip = str(f.managementIp);
    const port = str(f.port);
    const platform = str(f.platform);
    const type = str(f.type);
    const id = this.opts.idField ? getPath(item, this.opts.idField) : undefined;
    return {
      name,
      ...(typeof id === 'string' || typeof id === 'number' ? { ref: String(id) } : {}),
      ...(typeof ip === 'string' && ip ? { managementIp: ip } : {}),
      ...(typeof port === 'number' ? { port } : typeof port === 'string' && /^\d+$/.test(port) ? { port: Number(port) } : {}),
      ...(typeof platform === 'string' && platform ? { platform } : {}),
      ...(typeof type === 'string' && type ? { type: type.toUpperCase() } : {}),
    };
  }

  async add(device: DeviceSpec): Promise<void> {
    const f = this.opts.fields;
    const record: Record<string, unknown> = structuredClone(this.opts.extra);
    setPath(record, f.name, device.name);
    if (f.managementIp) setPath(record, f.managementIp, device.managementIp);
    if (f.port) setPath(record, f.port, device.port);
    if (f.platform) setPath(record, f.platform, device.platform);
    if (f.type) setPath(record, f.type, device.type);
    await httpCall({ source: 'bss', method: 'POST', url: this.opts.url, headers: this.headers(), body: record, timeoutMs: this.opts.timeoutMs, accept: [409] });
  }

  async remove(device: SourceDevice): Promise<void> {
    await httpCall({
      source: 'bss',
      method: 'DELETE',
      url: joinUrl(this.opts.url, `/${encodeURIComponent(device.ref ?? device.name)}`),
      headers: this.headers(),
      timeoutMs: this.opts.timeoutMs,
      accept: [404],
    });
  }
}

export function getPath(value: unknown, path: string): unknown {
  let cur = value;
  for (const part of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = target;
  for (const part of parts.slice(0, -1)) {
    if (!cur[part] || typeof cur[part] !== 'object') cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}
