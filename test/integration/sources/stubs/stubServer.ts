/**
 * A small HTTP server for test doubles of systems that cannot run here (NSO,
 * NetBox, a BSS). Each double checks every request against the documented
 * API shape and records what does not fit; tests assert there were none.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  rawBody: string;
}

export interface StubReply {
  status: number;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface Faults {
  /** Answer the next N requests with this status (and a JSON error body). */
  failNext?: { status: number; times: number; body?: unknown };
  /** Serve this many requests normally, then answer every later one with `status`. */
  failAfter?: { served: number; status: number };
  /** Delay every answer by this many ms. */
  delayMs?: number;
}

export class StubServer {
  readonly violations: string[] = [];
  readonly requests: { method: string; path: string }[] = [];
  /** Every request body received, as sent: tests check no credential travels in one (issue #14). */
  readonly bodies: string[] = [];
  faults: Faults = {};
  private server: Server | undefined;
  private gate: Promise<void> | null = null;
  url = '';

  constructor(private readonly handle: (req: StubRequest) => StubReply) {}

  /** Records a request that does not match the documented shape; the reply tells the client too. */
  violation(message: string, status = 400): StubReply {
    this.violations.push(message);
    return { status, body: { stub_violation: message } };
  }

  /**
   * Holds every answer (requests are still received and recorded) until the returned function is called:
   * keeps a client's call in flight for as long as a test needs, where a delay would only keep it there for a while.
   */
  holdAnswers(): () => void {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    this.gate = gate;
    return () => {
      if (this.gate === gate) this.gate = null;
      release();
    };
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    const closed = new Promise<void>((resolve) => s.close(() => resolve()));
    s.closeAllConnections();
    await closed;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://stub');
    this.requests.push({ method: req.method ?? '', path: url.pathname });
    if (rawBody) this.bodies.push(rawBody);
    let reply: StubReply;
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    if (rawBody && body === undefined) reply = this.violation(`${req.method} ${url.pathname}: body is not JSON`);
    else if (this.faults.failNext && this.faults.failNext.times > 0) {
      this.faults.failNext.times -= 1;
      reply = { status: this.faults.failNext.status, body: this.faults.failNext.body ?? { detail: 'stub failure' } };
    } else if (this.faults.failAfter && this.faults.failAfter.served-- <= 0) {
      reply = { status: this.faults.failAfter.status, body: { detail: 'stub failure after some requests' } };
    } else {
      reply = this.handle({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body, rawBody });
    }
    if (this.faults.delayMs) await new Promise((r) => setTimeout(r, this.faults.delayMs));
    if (this.gate) await this.gate;
    if (res.destroyed) return;
    const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      ...(payload ? { 'content-type': reply.contentType ?? 'application/json' } : {}),
      ...reply.headers,
    });
    res.end(payload);
  }
}

/** True when the media type of a Content-Type or one entry of an Accept header is `type`. */
export function hasMediaType(header: string | undefined, type: string): boolean {
  return (header ?? '').split(',').some((part) => part.split(';')[0]!.trim().toLowerCase() === type);
}
