/**
 * A local HTTP server standing in for a code host's REST API. Every request is
 * matched against an OpenAPI 3 description (method + path template) and its
 * path/query parameters and JSON body are validated with ajv. A request that
 * does not validate is answered 422 and recorded in `violations`; tests assert
 * that list is empty. Handlers (keyed by operationId) keep in-memory state.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export type OpenApiDoc = { paths: Record<string, Record<string, any>>; components?: Record<string, Record<string, any>> };

export interface StubRequest {
  method: string;
  path: string;
  operationId: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: any;
}

export interface StubReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type StubHandler = (req: StubRequest) => StubReply;

export interface OpenApiStubOptions {
  /** Human-readable name for messages, e.g. "GitHub". */
  name: string;
  doc: OpenApiDoc;
  /** Mount point, e.g. "/api/v3" for GitHub Enterprise or "/api/v1" for Gitea. */
  prefix?: string;
  handlers: Record<string, StubHandler>;
  /** Returns a problem (string) when the request is not authenticated as expected. */
  checkAuth?: (headers: IncomingMessage['headers']) => string | undefined;
  /** Rules the host documents outside its OpenAPI file (e.g. GitHub's 140-character status description). */
  extraRules?: Record<string, (req: StubRequest) => string | undefined>;
}

interface Operation {
  method: string;
  template: string;
  regex: RegExp;
  paramNames: string[];
  literalLength: number;
  op: any;
}

export class OpenApiStub {
  readonly violations: string[] = [];
  readonly requests: StubRequest[] = [];
  url = '';
  private server?: Server;
  private readonly operations: Operation[];
  private readonly ajv: Ajv;
  private readonly compiled = new Map<
    string,
    { params: ValidateFunction; body?: ValidateFunction; bodyRequired: boolean; types: Map<string, string | undefined> }
  >();

  constructor(private readonly options: OpenApiStubOptions) {
    this.ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: false, logger: false });
    addFormats(this.ajv);
    this.operations = [];
    for (const [template, item] of Object.entries(options.doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        const paramNames: string[] = [];
        const multi = new Set(
          (op.parameters ?? [])
            .map((p: any) => this.deref(p))
            .filter((p: any) => p['x-multi-segment'])
            .map((p: any) => p.name),
        );
        const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}|\{([^}]+)\}/g, (_m, a, b) => {
          const name = a ?? b;
          paramNames.push(name);
          return multi.has(name) ? '(.+)' : '([^/]+)';
        });
        this.operations.push({
          method: method.toUpperCase(),
          template,
          regex: new RegExp(`^${pattern}$`),
          paramNames,
          literalLength: template.replace(/\{[^}]+\}/g, '').length,
          op,
        });
      }
    }
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}${this.options.prefix ?? ''}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    const s = this.server;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  calls(operationId: string): StubRequest[] {
    return this.requests.filter((r) => r.operationId === operationId);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const reply = this.process(req, raw);
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...(reply.headers ?? {}) });
    res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  }

  private violation(message: string): StubReply {
    this.violations.push(message);
    return { status: 422, body: { message: `${this.options.name} stub: ${message}` } };
  }

  private process(req: IncomingMessage, raw: string): StubReply {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://stub');
    const prefix = this.options.prefix ?? '';
    const where = `${method} ${url.pathname}`;
    if (!url.pathname.startsWith(prefix)) return this.violation(`${where}: outside the API prefix ${prefix}`);
    // Path parameters are matched on the raw (still percent-encoded) path, as the host's router does.
    const path = url.pathname.slice(prefix.length) || '/';
    const candidates = this.operations
      .filter((o) => o.method === method)
      .map((o) => ({ o, m: o.regex.exec(path) }))
      .filter((c): c is { o: Operation; m: RegExpExecArray } => c.m !== null)
      .sort((a, b) => b.o.literalLength - a.o.literalLength);
    const hit = candidates[0];
    if (!hit) return this.violation(`${where}: no operation in the API description has this method and path`);
    const { o } = hit;
    const opName = o.op.operationId ?? `${o.method} ${o.template}`;
    const params: Record<string, string> = {};
    o.paramNames.forEach((name, i) => (params[name] = decodeURIComponent(hit.m[i + 1]!)));

    const authProblem = this.options.checkAuth?.(req.headers);
    if (authProblem) {
      this.violations.push(`${where}: ${authProblem}`);
      return { status: 401, body: { message: authProblem } };
    }

    const v = this.validators(o);
    const paramValues: Record<string, unknown> = {};
    for (const [k, value] of Object.entries(params)) paramValues[`path.${k}`] = coerce(value, v.types.get(`path.${k}`));
    for (const [k, value] of url.searchParams) {
      if (!v.types.has(`query.${k}`)) return this.violation(`${where} (${opName}): unknown query parameter '${k}'`);
      paramValues[`query.${k}`] = coerce(value, v.types.get(`query.${k}`));
    }
    if (!v.params(paramValues)) return this.violation(`${where} (${opName}): parameters: ${this.ajv.errorsText(v.params.errors)}`);

    let body: unknown;
    if (raw.length > 0) {
      const type = String(req.headers['content-type'] ?? '');
      if (!type.startsWith('application/json')) return this.violation(`${where} (${opName}): body sent as '${type}', not application/json`);
      try {
        body = JSON.parse(raw);
      } catch {
        return this.violation(`${where} (${opName}): body is not valid JSON`);
      }
    }
    if (v.bodyRequired && body === undefined) return this.violation(`${where} (${opName}): request body is required`);
    if (body !== undefined) {
      if (!v.body) return this.violation(`${where} (${opName}): this operation takes no request body`);
      if (!v.body(body)) return this.violation(`${where} (${opName}): body: ${this.ajv.errorsText(v.body.errors, { dataVar: 'body' })}`);
    }

    const request: StubRequest = { method, path, operationId: opName, params, query: url.searchParams, headers: req.headers, body };
    const rule = this.options.extraRules?.[opName]?.(request);
    if (rule) return this.violation(`${where} (${opName}): ${rule}`);
    this.requests.push(request);
    const handler = this.options.handlers[opName];
    if (!handler) return this.violation(`${where}: valid ${opName}, but netsync is not expected to call it`);
    return handler(request);
  }

  private validators(o: Operation) {
    const key = `${o.method} ${o.template}`;
    let v = this.compiled.get(key);
    if (v) return v;
    const properties: Record<string, unknown> = {};
    const required: string[] = [];
    const types = new Map<string, string | undefined>();
    for (const p of (o.op.parameters ?? []).map((x: any) => this.deref(x))) {
      if (p.in !== 'path' && p.in !== 'query') continue;
      const name = `${p.in}.${p.name}`;
      const schema = p.schema ?? (p.type ? { type: p.type, ...(p.enum ? { enum: p.enum } : {}) } : {});
      types.set(name, schema.type);
      properties[name] = schema;
      if (p.required) required.push(name);
    }
    const media = o.op.requestBody ? this.deref(o.op.requestBody) : undefined;
    const bodySchema = media?.content?.['application/json']?.schema;
    v = {
      params: this.ajv.compile({ type: 'object', properties, required, additionalProperties: false }),
      ...(bodySchema ? { body: this.ajv.compile(this.deref(bodySchema)) } : {}),
      bodyRequired: Boolean(media?.required),
      types,
    };
    this.compiled.set(key, v);
    return v;
  }

  /** Inlines local `$ref`s (`#/components/...`); a cycle becomes `{}` (accept anything) rather than recursing forever. */
  private deref(node: any, seen: Set<string> = new Set()): any {
    if (Array.isArray(node)) return node.map((n) => this.deref(n, seen));
    if (!node || typeof node !== 'object') return node;
    if (typeof node.$ref === 'string') {
      const ref: string = node.$ref;
      if (seen.has(ref)) return {};
      const target = ref
        .replace(/^#\//, '')
        .split('/')
        .reduce((acc: any, part) => acc?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], this.options.doc);
      if (target === undefined) throw new Error(`${this.options.name} stub: unresolved $ref ${ref}`);
      return this.deref(target, new Set([...seen, ref]));
    }
    const out: Record<string, unknown> = {};
    for (const [k, value] of Object.entries(node)) out[k] = k === 'example' || k === 'examples' ? value : this.deref(value, seen);
    return out;
  }
}

/** Path and query values arrive as text; parse them as the declared type, like the host would. */
function coerce(value: string, type: string | undefined): unknown {
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}
