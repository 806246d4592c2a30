/**
 * Intake: webhooks, git hooks, polls and API refreshes all end in the same per-repo queue that runs
 * `refreshRepo`. The webhook path only authenticates, parses, deduplicates and queues: it answers in
 * milliseconds and never touches a device.
 */
import { NetsyncError } from '../model/errors.ts';
import type { Logger } from '../model/ports.ts';
import type { RepoKind } from '../render/index.ts';
import type { RepoConfig } from './configSchema.ts';
import type { DeliveryLog } from '../model/cluster.ts';
import { MemoryDeliveryLog } from '../cluster/localCluster.ts';
import type { IncomingEvent } from './pushEvent.ts';
import { eventName, normalizeRepoId, parseEvent } from './pushEvent.ts';
import type { PushVerdict, VerdictSources } from './pushVerdict.ts';
import { awaitVerdict } from './pushVerdict.ts';
import type { RefreshResult } from './refreshRepo.ts';
import { RefreshQueue } from './refreshQueue.ts';
import type { Provider, SignedRequest } from './verifySignature.ts';
import { SignatureVerifier } from './verifySignature.ts';

export const REPO_KINDS: RepoKind[] = ['settings', 'templates'];

export interface WebhookRequest extends SignedRequest {
  /** X-GitHub-Delivery, X-Gitea-Delivery or Idempotency-Key. */
  delivery?: string;
  /** A push's sender (the post-receive hook) waits this long for netsync's verdict on the pushed commit. */
  waitMs?: number;
}

/** The User-Agent of hooks/post-receive, which posts a push signed like a GitHub webhook. */
const GIT_HOOK_AGENT = 'netsync-post-receive';

/** What `netsync repos` shows as the push's trigger: the git server's hook, or the provider's webhook (a label, read once the signature has checked out). */
function triggerOf(req: WebhookRequest): string {
  return req.header('user-agent') === GIT_HOOK_AGENT ? 'git-hook' : `webhook:${req.provider}`;
}

export interface WebhookAnswer {
  status: 200 | 202;
  body: { accepted: boolean; repo?: RepoKind; delivery?: string; ignored?: string; duplicate?: boolean; pong?: boolean; verdict?: PushVerdict };
}

export interface IntakeOptions {
  repos: Record<RepoKind, RepoConfig>;
  refresh: (repo: RepoKind, trigger: string) => Promise<RefreshResult>;
  logger: Logger;
  queueSize: number;
  /** Where a waited-for verdict is looked up when another trigger processed the commit first. */
  verdicts?: VerdictSources;
  /** Deliveries already received (default: in memory; in the database when replicas share one). */
  deliveries?: DeliveryLog;
}

/** Receives verified pull-request webhooks for one of our repos (PR checks); answers at once. */
export type PullRequestHandler = (provider: Provider, repo: RepoKind, payload: unknown) => { accepted: boolean; ignored?: string };

export class IntakeService {
  private readonly verifier: SignatureVerifier<RepoKind>;
  private readonly deliveries: DeliveryLog;
  private readonly queue: RefreshQueue<RepoKind, RefreshResult>;
  private readonly ids: Record<RepoKind, Set<string>>;
  private onPullRequest: PullRequestHandler | undefined;

  constructor(private readonly options: IntakeOptions) {
    this.deliveries = options.deliveries ?? new MemoryDeliveryLog();
    this.verifier = new SignatureVerifier({ settings: options.repos.settings.webhookSecrets, templates: options.repos.templates.webhookSecrets });
    this.queue = new RefreshQueue(async (repo, triggers) => {
      try {
        return await options.refresh(repo, triggers.join(','));
      } catch (err) {
        options.logger.error({ repo, err }, 'repo refresh failed; the next push or poll retries');
        throw err;
      }
    }, options.queueSize);
    this.ids = {
      settings: repoIds('settings', options.repos.settings),
      templates: repoIds('templates', options.repos.templates),
    };
  }

  /** PR checks register here (they are built after intake, from the same repos). */
  setPullRequestHandler(handler: PullRequestHandler): void {
    this.onPullRequest = handler;
  }

  /** Queue a refresh and wait for its result (API, CLI, tests). */
  refresh(repo: RepoKind, trigger: string): Promise<RefreshResult> {
    return this.queue.enqueue(repo, trigger);
  }

  /** One poll of every repo; errors are logged, not thrown. */
  async pollAll(): Promise<void> {
    await Promise.all(REPO_KINDS.map((repo) => this.refresh(repo, 'poll').catch(() => undefined)));
  }

  /**
   * Catches up at once: records the baseline on first start and processes pushes made while the daemon was
   * down, so the first push after a start is compared with something. Periodic polling is the scheduler's
   * ('repo-poll', calling pollAll).
   */
  start(): void {
    void Promise.all(REPO_KINDS.map((repo) => this.refresh(repo, 'start').catch(() => undefined)));
  }

  async stop(): Promise<void> {
    await this.queue.idle();
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Authenticate, parse, route and queue one webhook. Throws NetsyncError for 400/401/503. */
  async receiveWebhook(req: WebhookRequest): Promise<WebhookAnswer> {
    const log = this.options.logger.child({ provider: req.provider, delivery: req.delivery });
    const signedFor = await this.verifier.verify(req);
    if (signedFor.size === 0) {
      // Logged by the HTTP layer's refusal log, one line per interval: a flood must not write one line each.
      throw new NetsyncError('UNAUTHENTICATED', 'webhook signature does not match; check the secret configured on both sides', { provider: req.provider });
    }
    const event = parseEvent(req.provider, eventName(req.provider, req.header), req.rawBody);
    const repo = REPO_KINDS.find((k) => signedFor.has(k) && event.repoIds.some((id) => this.ids[k].has(id)));
    const answer = (body: WebhookAnswer['body'], status: 200 | 202 = 202): WebhookAnswer => {
      log.info({ event: event.name, repo, ...body }, 'webhook received');
      return { status, body: { ...body, ...(req.delivery ? { delivery: req.delivery } : {}) } };
    };
    if (event.kind === 'ping') return answer({ accepted: true, pong: true, ...(repo ? { repo } : {}) }, 200);
    if (!repo) return answer({ accepted: false, ignored: `no configured repo matches ${event.repoIds[0] ?? 'the payload'}` });
    const isPullRequest = PULL_REQUEST_EVENTS.includes(event.name) && this.onPullRequest;
    if (!isPullRequest && event.kind !== 'push') return answer({ accepted: false, repo, ignored: `event '${event.name}' is not handled` });
    const ignored = isPullRequest ? undefined : branchIgnored(event, this.options.repos[repo].branch);
    if (ignored) return answer({ accepted: false, repo, ignored });
    // Claimed before the work is queued, so of two replicas handed the same delivery only one processes it.
    if (req.delivery && !(await this.deliveries.claim(req.provider, req.delivery))) {
      return answer({ accepted: false, repo, duplicate: true, ignored: 'delivery already received' }, 200);
    }
    // Both throw UNAVAILABLE (503) when their queue is full; the claim is then given back, so the sender's retry is processed.
    let result: { accepted: boolean; ignored?: string } = { accepted: true };
    let refreshing: Promise<RefreshResult> | undefined;
    try {
      if (isPullRequest) result = this.onPullRequest!(req.provider, repo, JSON.parse(req.rawBody.toString('utf8')));
      else (refreshing = this.refresh(repo, triggerOf(req))).catch(() => undefined);
    } catch (err) {
      if (req.delivery) await this.deliveries.release(req.provider, req.delivery).catch(() => undefined);
      throw err;
    }
    const verdicts = this.options.verdicts;
    if (refreshing && req.waitMs && event.after && verdicts) {
      return answer({ ...result, repo, verdict: await awaitVerdict(repo, event.after, refreshing, req.waitMs, verdicts) });
    }
    return answer({ ...result, repo });
  }
}

/** GitHub and Gitea `pull_request`, GitLab `Merge Request Hook`. */
const PULL_REQUEST_EVENTS = ['pull_request', 'Merge Request Hook'];

function branchIgnored(event: IncomingEvent, branch: string): string | undefined {
  if (event.ref !== `refs/heads/${branch}`) return `ref ${event.ref} is not the tracked branch ${branch}`;
  if (event.deleted) return `branch ${branch} was deleted: the last known-good commit stays in force`;
  return undefined;
}

function repoIds(kind: RepoKind, repo: RepoConfig): Set<string> {
  const ids = [kind, ...repo.names, ...(repo.url ? [repo.url] : []), ...(repo.path ? [repo.path, `file://${repo.path}`] : [])];
  return new Set(ids.map(normalizeRepoId));
}
