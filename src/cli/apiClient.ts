/**
 * The CLI talks to a running daemon over the REST API; this is its small client. It uses node:http rather than
 * fetch: fetch loads undici on first use, which doubled the start-up of a short command such as `netsync status`.
 */
import type { IncomingMessage, RequestOptions } from 'node:http';
import { NetsyncError } from '../model/errors.ts';
import { isErrorCode } from '../model/errorCodes.ts';
import { readLocalToken } from '../apiToken.ts';

export interface ClientOptions {
  url?: string;
  token?: string;
  dataDir?: string;
  /** Per-request limit (default 30 s); a plugin passes its own so a hung daemon cannot keep it running. */
  timeoutMs?: number;
}

export class ApiClient {
  private constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
    private readonly timeoutMs = 30_000,
  ) {}

  /** --url / NETSYNC_URL / local default; --token / NETSYNC_TOKEN / the daemon's generated token file. */
  static async create(opts: ClientOptions, env: NodeJS.ProcessEnv = process.env): Promise<ApiClient> {
    const url = (opts.url ?? env.NETSYNC_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
    const token = opts.token ?? env.NETSYNC_TOKEN ?? (await readLocalToken(opts.dataDir ?? env.NETSYNC_DATA_DIR ?? '.netsync'));
    return new ApiClient(url, token, opts.timeoutMs);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    const payload = body !== undefined ? JSON.stringify(body) : undefined;
    let res: { status: number; text: string };
    try {
      res = await send(
        url,
        {
          method,
          headers: {
            ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
            ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          },
          timeout: this.timeoutMs,
        },
        payload,
      );
    } catch (err) {
      throw new NetsyncError(
        'UNAVAILABLE',
        `cannot reach the netsync daemon at ${this.baseUrl} (${(err as Error).message}); is 'netsync serve' running? (--url or NETSYNC_URL)`,
        {
          url: this.baseUrl,
        },
      );
    }
    let json: unknown;
    try {
      json = res.text ? JSON.parse(res.text) : {};
    } catch {
      throw new NetsyncError('UNAVAILABLE', `${method} ${url} answered ${res.status} with a non-JSON body`, { status: res.status });
    }
    if (res.status < 200 || res.status > 299) {
      const err = (json as { error?: { code?: string; message?: string; data?: Record<string, unknown> } }).error;
      // A code this CLI does not know (a newer daemon) is kept in data and reads as INTERNAL here.
      const code = err?.code && isErrorCode(err.code) ? err.code : 'INTERNAL';
      const data = err?.code && code !== err.code ? { ...err?.data, remoteCode: err.code } : (err?.data ?? {});
      throw new NetsyncError(code, err?.message ?? `${method} ${path} failed with HTTP ${res.status}`, data);
    }
    return json as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }
}

/** One request with a whole-exchange time limit; the body is read as UTF-8 text. */
async function send(url: string, options: RequestOptions & { timeout: number }, payload?: string): Promise<{ status: number; text: string }> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`unsupported URL scheme ${parsed.protocol}`);
  const { request } = parsed.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(parsed, options, (res: IncomingMessage) => {
      // Decoded as it arrives (a UTF-8 sequence split between chunks is kept whole), without a copy of the whole body.
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${options.timeout} ms`)), options.timeout);
    req.on('close', () => clearTimeout(timer));
    req.on('error', reject);
    req.end(payload);
  });
}
