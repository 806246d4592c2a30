/** Provider payloads reduced to what intake needs: which event, which repo, which branch moved where. */
import { NetsyncError } from '../model/errors.ts';
import type { Provider } from './verifySignature.ts';

export interface IncomingEvent {
  kind: 'ping' | 'push' | 'other';
  /** The provider's own event name, for the log. */
  name: string;
  /** Names and URLs the payload gives for its repo, normalised. */
  repoIds: string[];
  ref?: string;
  before?: string;
  after?: string;
  deleted?: boolean;
}

export function eventName(provider: Provider, header: (name: string) => string | undefined): string {
  if (provider === 'github') return header('x-github-event') ?? '';
  if (provider === 'gitea') return header('x-gitea-event') ?? header('x-github-event') ?? '';
  return header('x-gitlab-event') ?? '';
}

export function parseEvent(provider: Provider, name: string, rawBody: Buffer): IncomingEvent {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(rawBody.toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new NetsyncError('BAD_REQUEST', `webhook body is not valid JSON: ${(err as Error).message}`, { provider });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new NetsyncError('BAD_REQUEST', 'webhook body must be a JSON object', { provider });
  }
  const kind = name === 'ping' ? 'ping' : name === 'push' || name === 'Push Hook' ? 'push' : 'other';
  const repo = (provider === 'gitlab' ? body.project : body.repository) as Record<string, unknown> | undefined;
  const repoIds = repo
    ? ['full_name', 'path_with_namespace', 'clone_url', 'html_url', 'ssh_url', 'git_http_url', 'git_ssh_url', 'web_url', 'url']
        .map((k) => repo[k])
        .filter((v): v is string => typeof v === 'string')
        .map(normalizeRepoId)
    : [];
  const event: IncomingEvent = { kind, name, repoIds };
  if (kind === 'push') {
    const { ref, before, after } = body as { ref?: unknown; before?: unknown; after?: unknown };
    if (typeof ref !== 'string' || typeof after !== 'string') {
      throw new NetsyncError('BAD_REQUEST', 'push payload lacks ref or after', { provider });
    }
    event.ref = ref;
    event.after = after;
    if (typeof before === 'string') event.before = before;
    event.deleted = body.deleted === true || /^0+$/.test(after);
  }
  return event;
}

/** `https://user:pw@Git.Example.net/Org/Settings.git/` and `git@git.example.net:org/settings` -> `git.example.net/org/settings`. */
export function normalizeRepoId(id: string): string {
  return id
    .trim()
    .toLowerCase()
    .replace(/^[a-z+]+:\/\//, '')
    .replace(/^[^@/]+@/, '')
    .replace(/^([^/:]+):(?!\d)/, '$1/')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
}
