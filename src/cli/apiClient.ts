/** The CLI talks to a running daemon over the REST API; this is its small client. */
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
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new NetsyncError('UNAVAILABLE', `cannot reach the netsync daemon at ${this.baseUrl} (${(err as Error).cause ?? (err as Error).message}); is 'netsync serve' running? (--url or NETSYNC_URL)`, {
        url: this.baseUrl,
      });
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      throw new NetsyncError('UNAVAILABLE', `${method} ${url} answered ${res.status} with a non-JSON body`, { status: res.status });
    }
    if (!res.ok) {
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
