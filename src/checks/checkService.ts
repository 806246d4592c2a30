/**
 * Runs PR checks: pending status, impact + render at base and head, report,
 * final status and the one PR comment, all recorded in the store. Work is
 * queued (bounded) so a webhook is answered at once; runs of the same PR are
 * serialized and a run superseded by a newer push is skipped, so an old
 * result never overwrites a newer one.
 */
import type { ConfigDiffer } from '../render/configDiff.ts';
import { isNetsyncError, NetsyncError } from '../model/errors.ts';
import type { Clock, Logger } from '../model/ports.ts';
import { buildReport, truncate } from './buildReport.ts';
import { CheckRecords } from './checkRecords.ts';
import { COMMENT_MARKER, markdownReport } from './markdownReport.ts';
import type { CheckRecord, CheckReport, CheckState, ImpactedDevice, ProviderName, PullRequestRef } from './model.ts';
import type { CheckPublisher } from './providers/publisher.ts';
import type { RepoKind } from '../render/index.ts';
import type { PullRequestEvent } from './pullRequestEvent.ts';
import { CHECKED_ACTIONS, parsePullRequestEvent } from './pullRequestEvent.ts';

/** Computes the impacted devices with base and head renders; the composition root wires impact + render + git. */
export interface CheckAnalyzer {
  /** Whether the PR's repo is one netsync watches (settings or templates). */
  accepts(pr: PullRequestEvent): boolean;
  analyze(pr: PullRequestEvent): Promise<{ baseSha: string; devices: ImpactedDevice[] }>;
}

export interface CheckServiceOptions {
  records: CheckRecords;
  analyzer: CheckAnalyzer;
  /** Where the base-vs-head diffs run, under render.diffTimeoutMs: the render processes (Renderer.differ). */
  differ: ConfigDiffer;
  publishers: Partial<Record<ProviderName, CheckPublisher>>;
  logger: Logger;
  clock: Clock;
  context?: string;
  /** Base URL of this daemon as reviewers reach it; target_url is `<publicUrl>/checks/<id>`. */
  publicUrl?: string;
  comment?: boolean;
  /** Check draft PRs too (default: wait for ready_for_review). */
  drafts?: boolean;
  /** Runs waiting at most; beyond this `enqueue` refuses with UNAVAILABLE (HTTP 503). */
  maxQueued?: number;
  /** Checks kept per PR (older ones, and their pages, are deleted). */
  keepPerPullRequest?: number;
  /** Characters of per-device results (diffs) kept across all checks; see CheckRecords.trimDetails. */
  maxDetailChars?: number;
}

export const DEFAULT_MAX_DETAIL_CHARS = 8_000_000;

export type EnqueueResult = { queued: true; prKey: string } | { queued: false; reason: string };

export const DEFAULT_CONTEXT = 'netsync/impact';

export class CheckService {
  private readonly chains = new Map<string, Promise<void>>();
  /** Newest head SHA seen per PR: older queued runs are dropped. */
  private readonly latest = new Map<string, string>();
  private queued = 0;
  private resuming: Promise<unknown> = Promise.resolve();
  readonly context: string;

  constructor(private readonly options: CheckServiceOptions) {
    this.context = options.context ?? DEFAULT_CONTEXT;
  }

  /** Why an event gets no check, or undefined when it should get one. */
  skipReason(pr: PullRequestEvent): string | undefined {
    if (!(CHECKED_ACTIONS as readonly string[]).includes(pr.action)) return `action ${pr.action} does not change the code`;
    if (pr.draft && !this.options.drafts) return 'draft pull request';
    if (!this.options.publishers[pr.provider]) return `no ${pr.provider} credentials configured under checks`;
    if (!this.options.analyzer.accepts(pr)) return `${pr.repo} is not the settings or templates repo`;
    return undefined;
  }

  /**
   * Entry point for intake: a verified pull_request (GitHub, Gitea) or Merge Request Hook (GitLab) payload
   * for one of our repos. Queues a check and returns at once; throws UNAVAILABLE when the queue is full.
   */
  receive(provider: ProviderName, repoKind: RepoKind, payload: unknown): { accepted: boolean; ignored?: string } {
    const pr = parsePullRequestEvent(provider, payload);
    if (!pr) return { accepted: false, ignored: 'not a pull request payload netsync understands' };
    const result = this.enqueue({ ...pr, repoKind });
    return result.queued ? { accepted: true } : { accepted: false, ignored: result.reason };
  }

  /** Queue a check; returns at once. The webhook handler answers 202 (or 503 when the queue is full). */
  enqueue(pr: PullRequestEvent): EnqueueResult {
    const reason = this.skipReason(pr);
    if (reason) return { queued: false, reason };
    if (this.queued >= (this.options.maxQueued ?? 100)) {
      throw new NetsyncError('UNAVAILABLE', 'too many pull-request checks waiting; the host will redeliver or retry later', { queued: this.queued });
    }
    const key = prKey(pr);
    this.latest.set(key, pr.headSha);
    this.queued += 1;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        if (this.latest.get(key) !== pr.headSha) return this.supersede(pr); // a newer push arrived: its run reports instead
        await this.run(pr);
      })
      .catch((err: unknown) => this.options.logger.error({ err, pr: key }, 'pull request check failed'))
      .finally(() => {
        this.queued -= 1;
        if (this.chains.get(key) === next) this.chains.delete(key);
      });
    this.chains.set(key, next);
    return { queued: true, prKey: key };
  }

  /**
   * At start: checks left `pending` by a stopped daemon are run again, so no PR keeps a status that never
   * resolves. Returns how many were queued.
   */
  resumeInterrupted(): Promise<number> {
    const resuming = this.requeuePending();
    this.resuming = resuming.catch(() => 0);
    return resuming;
  }

  private async requeuePending(): Promise<number> {
    // Oldest first, so that for a PR the newest head is enqueued last and wins.
    const pending = (await this.options.records.list()).filter((c) => c.state === 'pending').reverse();
    let queued = 0;
    for (const c of pending) {
      const pr: PullRequestEvent = {
        provider: c.provider,
        repo: c.repo,
        number: c.number,
        title: c.title ?? '',
        action: c.action,
        ...(c.baseSha ? { baseSha: c.baseSha } : {}),
        baseRef: c.baseRef ?? '',
        headSha: c.headSha,
        headRef: c.headRef ?? '',
        draft: false,
        ...(c.repoKind ? { repoKind: c.repoKind } : {}),
      };
      if (this.enqueue(pr).queued) queued += 1;
    }
    if (queued) this.options.logger.info({ queued }, 're-running pull request checks interrupted by a restart');
    return queued;
  }

  /** Resolves when every queued run has finished (tests, shutdown). */
  async idle(): Promise<void> {
    await this.resuming;
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  /** One check, start to end. Publishing problems are recorded on the check, never thrown. */
  async run(pr: PullRequestEvent): Promise<CheckRecord> {
    const { records, logger } = this.options;
    const publisher = this.options.publishers[pr.provider];
    const now = () => this.options.clock().toISOString();
    const existing = await records.find(pr.provider, pr.repo, pr.number, pr.headSha);
    let record: CheckRecord = {
      id: existing?.id ?? CheckRecords.newId(),
      provider: pr.provider,
      repo: pr.repo,
      number: pr.number,
      title: pr.title,
      action: pr.action,
      baseSha: pr.baseSha ?? '',
      headSha: pr.headSha,
      baseRef: pr.baseRef,
      headRef: pr.headRef,
      ...(pr.repoKind ? { repoKind: pr.repoKind } : {}),
      context: this.context,
      state: 'pending',
      description: 'computing the devices this change affects',
      publishErrors: [],
      createdAt: existing?.createdAt ?? now(),
      updatedAt: now(),
      ...(existing?.commentId ? { commentId: existing.commentId } : {}),
    };
    record = await records.save(record);
    const ref: PullRequestRef = { provider: pr.provider, repo: pr.repo, number: pr.number, headSha: pr.headSha };
    const targetUrl = this.targetUrl(record.id);
    const publish = async (what: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (err) {
        const message = isNetsyncError(err) ? err.message : `${what} failed: ${(err as Error).message}`;
        record.publishErrors.push(message);
        logger.warn({ err, check: record.id }, message);
      }
    };
    await publish('pending status', () => publisher!.setStatus(ref, this.status('pending', record.description, targetUrl)));

    let report: CheckReport | undefined;
    let state: CheckState;
    let description: string;
    try {
      const analysis = await this.options.analyzer.analyze(pr);
      report = await buildReport({ baseSha: analysis.baseSha, headSha: pr.headSha, devices: analysis.devices }, this.options.differ);
      record.baseSha = analysis.baseSha;
      state = report.conclusion;
      description = report.description;
    } catch (err) {
      // Invalid settings or templates fail the check; anything else is netsync's own trouble (`error`).
      const known = isNetsyncError(err) && !['INTERNAL', 'UNAVAILABLE'].includes(err.code);
      state = known ? 'failure' : 'error';
      description = truncate(known ? (err as Error).message : `netsync could not compute the impact: ${(err as Error).message}`);
      logger.warn({ err, check: record.id }, 'pull request check could not be computed');
    }

    record = { ...record, state, description, updatedAt: now(), ...(report ? { report } : {}) };
    await publish('final status', () => publisher!.setStatus(ref, this.status(state, description, targetUrl)));
    if (this.options.comment !== false) {
      const body = report
        ? markdownReport(report, { maxChars: publisher!.commentMaxChars, title: this.context, ...(targetUrl ? { reportUrl: targetUrl } : {}) })
        : `${COMMENT_MARKER}\n### ❌ ${this.context}: ${escapeMd(description)}\n\nhead \`${pr.headSha.slice(0, 12)}\``;
      await publish('comment', async () => {
        const { id } = await publisher!.upsertComment(ref, body, COMMENT_MARKER);
        record.commentId = id;
      });
    }
    record.updatedAt = now();
    const saved = await records.save(record);
    await records.prune(pr.provider, pr.repo, pr.number, this.options.keepPerPullRequest ?? 10);
    await records.trimDetails(this.options.maxDetailChars ?? DEFAULT_MAX_DETAIL_CHARS, saved.id);
    return saved;
  }

  /** A run skipped for a newer head: a record left pending by a restart is closed, so it is not resumed again. */
  private async supersede(pr: PullRequestEvent): Promise<void> {
    const old = await this.options.records.find(pr.provider, pr.repo, pr.number, pr.headSha);
    if (old?.state !== 'pending') return;
    await this.options.records.save({
      ...old,
      state: 'error',
      description: 'superseded by a newer push to the pull request',
      updatedAt: this.options.clock().toISOString(),
    });
  }

  private status(state: CheckState, description: string, targetUrl: string | undefined) {
    return { state, description, context: this.context, ...(targetUrl ? { targetUrl } : {}) };
  }

  private targetUrl(id: string): string | undefined {
    return this.options.publicUrl ? `${this.options.publicUrl.replace(/\/+$/, '')}/checks/${id}` : undefined;
  }
}

function prKey(pr: PullRequestEvent): string {
  return `${pr.provider}:${pr.repo}#${pr.number}`;
}

function escapeMd(text: string): string {
  return text.replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
