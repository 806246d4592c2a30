/**
 * The one HTTP call the source adapters make (global fetch), with a client
 * timeout and every failure turned into a NetsyncError a person can act on.
 * Credentials travel in headers only and never appear in errors.
 */
import type { SourceName } from '../model/device.ts';
import { NetsyncError } from '../model/errors.ts';

export interface HttpCall {
  source: SourceName;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  /** Content type of a JSON body; RESTCONF wants application/yang-data+json. */
  contentType?: string;
  timeoutMs: number;
  /** Statuses the caller handles itself besides 2xx (e.g. 404 on a delete). */
  accept?: number[];
}

export interface HttpAnswer {
  status: number;
  json: unknown;
}

export async function httpCall(call: HttpCall): Promise<HttpAnswer> {
  const where = `${call.source} ${call.method} ${redact(call.url)}`;
  let res: Response;
  let text: string;
  try {
    res = await fetch(call.url, {
      method: call.method,
      headers: {
        ...call.headers,
        ...(call.body !== undefined ? { 'content-type': call.contentType ?? 'application/json' } : {}),
      },
      ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
      signal: AbortSignal.timeout(call.timeoutMs),
    });
    text = await res.text();
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') {
      throw new NetsyncError('SOURCE_TIMEOUT', `${where}: no answer within ${call.timeoutMs} ms (sources.timeoutMs)`, {
        source: call.source,
        timeoutMs: call.timeoutMs,
      });
    }
    // fetch quotes the URL in some errors (e.g. one with user:password): drop any userinfo it holds.
    const reason = (e.cause?.code ?? e.cause?.message ?? e.message).replace(/\/\/[^/\s@]*@/g, '//');
    throw new NetsyncError('SOURCE_UNAVAILABLE', `${where}: cannot connect (${reason}); check the ${call.source} url`, { source: call.source, reason });
  }
  const ok = (res.status >= 200 && res.status < 300) || (call.accept ?? []).includes(res.status);
  const json = parseJson(text);
  if (ok) {
    if (json === INVALID) {
      throw new NetsyncError('SOURCE_BAD_RESPONSE', `${where}: answered ${res.status} with a body that is not JSON`, {
        source: call.source,
        status: res.status,
      });
    }
    return { status: res.status, json };
  }
  const detail = errorDetail(json);
  const data = { source: call.source, status: res.status, ...(detail ? { detail } : {}) };
  const suffix = detail ? `: ${detail}` : '';
  if (res.status === 401 || res.status === 403) {
    throw new NetsyncError('SOURCE_AUTH_FAILED', `${where}: HTTP ${res.status}, credentials rejected${suffix}; check the ${call.source} credentials`, data);
  }
  if (res.status >= 500) throw new NetsyncError('SOURCE_UNAVAILABLE', `${where}: HTTP ${res.status}${suffix}`, data);
  throw new NetsyncError('SOURCE_REJECTED', `${where}: HTTP ${res.status}${suffix}`, data);
}

const INVALID = Symbol('invalid');

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return INVALID;
  }
}

/** The message a server put in its error body: RESTCONF error-message, NetBox/DRF detail, or a generic message. */
function errorDetail(json: unknown): string | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const o = json as Record<string, unknown>;
  const rc = (o['ietf-restconf:errors'] ?? o.errors) as { error?: { 'error-message'?: string; 'error-tag'?: string }[] } | undefined;
  const first = rc?.error?.[0];
  if (first) return [first['error-tag'], first['error-message']].filter(Boolean).join(': ');
  for (const k of ['detail', 'message', 'error']) if (typeof o[k] === 'string') return (o[k] as string).slice(0, 300);
  return JSON.stringify(o).slice(0, 300);
}

/** URLs may carry user:password; errors never do. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * A next-page link resolved against the configured URL and kept on its origin: a source may name a host of
 * its own (NetBox behind a proxy), and the token must only ever go to the host it was configured for.
 */
export function onConfiguredOrigin(next: string, configured: string): string {
  const n = new URL(next, configured);
  return new URL(n.pathname + n.search, new URL(configured).origin).toString();
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

export function badResponse(source: SourceName, message: string, data: Record<string, unknown> = {}): NetsyncError {
  return new NetsyncError('SOURCE_BAD_RESPONSE', `${source}: ${message}`, { source, ...data });
}
