/**
 * Test double of a business support system with the generic shape netsync
 * documents (README "Inventory synchronization", bss):
 *   GET    <path>        200 {"data": {"elements": [...]}}   (itemsField: data.elements)
 *                         paged when `pageSize` is set: ?page=N, and {"links": {"next": <url> | null}} (nextField: links.next)
 *   POST   <path>        201, record with the configured fields
 *   DELETE <path>/<id>   204 | 404
 * `X-API-Key: <key>` on every request (401 otherwise).
 */
import { StubServer, hasMediaType } from './stubServer.ts';
import type { StubReply, StubRequest } from './stubServer.ts';

export interface BssRecord {
  elementId: string;
  hostname: string;
  mgmt: { ipv4: string };
  vendorOs?: string;
  customer?: string;
}

export const BSS_PATH = '/bss/v2/network-elements';

export class BssStub extends StubServer {
  readonly records: BssRecord[] = [];
  private nextId = 100;
  /** Page the list (links.next); unset: one answer with every record. */
  pageSize: number | undefined;
  /** The origin written into links.next (a BSS behind a proxy may name another host); default: a relative URL. */
  advertisedOrigin = '';
  /** Written as links.next on every page instead of the real next page (a BSS whose paging never ends). */
  nextOverride: string | undefined;

  constructor(readonly apiKey = 'bss-key-0123456789') {
    super((req) => this.route(req));
  }

  add(hostname: string, ip: string, extra: Partial<BssRecord> = {}): BssRecord {
    const r: BssRecord = { elementId: `NE-${this.nextId++}`, hostname, mgmt: { ipv4: ip }, ...extra };
    this.records.push(r);
    return r;
  }

  private route(req: StubRequest): StubReply {
    if (req.headers['x-api-key'] !== this.apiKey) return { status: 401, body: { message: 'missing or bad API key' } };
    if (req.method === 'GET' && req.path === BSS_PATH) return this.list(req);
    if (req.method === 'POST' && req.path === BSS_PATH) return this.create(req);
    if (req.method === 'DELETE' && req.path.startsWith(`${BSS_PATH}/`)) {
      const id = decodeURIComponent(req.path.slice(BSS_PATH.length + 1));
      const i = this.records.findIndex((r) => r.elementId === id);
      if (i < 0) return { status: 404, body: { message: 'no such element' } };
      this.records.splice(i, 1);
      return { status: 204 };
    }
    return this.violation(`not a documented BSS call: ${req.method} ${req.path}`, 404);
  }

  private list(req: StubRequest): StubReply {
    if (!this.pageSize) return { status: 200, body: { data: { elements: this.records } } };
    const page = Number(req.query.get('page') ?? '1');
    if (!Number.isInteger(page) || page < 1) return this.violation(`GET: bad page '${req.query.get('page')}'`);
    const elements = this.records.slice((page - 1) * this.pageSize, page * this.pageSize);
    const next = this.nextOverride ?? (page * this.pageSize < this.records.length ? `${this.advertisedOrigin}${BSS_PATH}?page=${page + 1}` : null);
    return { status: 200, body: { data: { elements }, links: { next } } };
  }

  private create(req: StubRequest): StubReply {
    if (!hasMediaType(req.headers['content-type'], 'application/json')) return this.violation('POST: Content-Type must be application/json', 415);
    const b = req.body as Partial<BssRecord> | undefined;
    if (typeof b?.hostname !== 'string' || typeof b.mgmt?.ipv4 !== 'string') return this.violation('POST: hostname and mgmt.ipv4 are required');
    if (b.elementId !== undefined) return this.violation('POST: elementId is assigned by the BSS');
    if (this.records.some((r) => r.hostname === b.hostname)) return { status: 409, body: { message: 'exists' } };
    return {
      status: 201,
      body: this.add(b.hostname, b.mgmt.ipv4, { ...(b.vendorOs ? { vendorOs: b.vendorOs } : {}), ...(b.customer ? { customer: b.customer } : {}) }),
    };
  }
}
