/** Minimal JSON-over-HTTP client for the hosts without an SDK here (Gitea, GitLab). */
import { NetsyncError } from '../../model/errors.ts';
import type { ProviderName } from '../model.ts';

export interface RestClientOptions {
  provider: ProviderName;
  baseUrl: string;
  headers: Record<string, string>;
  timeoutMs?: number;
}

export class RestClient {
  private readonly base: string;

  constructor(private readonly options: RestClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  async request<T>(what: string, method: string, path: string, body?: unknown): Promise<{ data: T; headers: Headers }> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...this.options.headers },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (err) {
      throw this.fail(what, `${(err as Error).message}`, undefined, err);
    }
    const text = await res.text();
    if (!res.ok) throw this.fail(what, text.slice(0, 300), res.status);
    try {
      return { data: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
    } catch {
      // A proxy's HTML page, a captive portal: say so instead of a JSON parser message.
      throw this.fail(what, `the answer is not JSON (content-type ${res.headers.get('content-type') ?? 'none'}); is baseUrl the API root?`, res.status);
    }
  }

  private fail(what: string, detail: string, status?: number, cause?: unknown): NetsyncError {
    return new NetsyncError(
      'CHECK_PUBLISH_FAILED',
      `${this.options.provider}: ${what} failed${status ? ` (HTTP ${status})` : ''}: ${detail}`,
      { provider: this.options.provider, ...(status ? { status } : {}) },
      cause ? { cause } : undefined,
    );
  }
}
