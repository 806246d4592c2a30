/**
 * Builds the PR-check pieces from the config for the daemon: publishers for
 * the hosts that have credentials, the analyzer over the git mirrors, the
 * service, and the routers (JSON API and the public HTML page).
 */
import type { Router } from 'express';
import type { GitRepo } from '../git/gitRepo.ts';
import type { ImpactService } from '../impact/index.ts';
import type { Clock, Logger } from '../model/ports.ts';
import type { Renderer, RepoKind } from '../render/index.ts';
import type { Store } from '../model/store.ts';
import { CheckRecords } from '../checks/checkRecords.ts';
import type { CheckService } from '../checks/checkService.ts';
import { checkPageRouter, checksApiRouter } from '../api/routes/checks.ts';
import type { ChecksConfig } from '../checks/configSchema.ts';
import type { RemoteSpec } from '../checks/gitPullRequestSource.ts';
import type { ProviderName } from '../checks/model.ts';
import type { CheckPublisher } from '../checks/providers/publisher.ts';

export interface ChecksParts {
  store: Store;
  logger: Logger;
  clock: Clock;
  /** The git mirrors, renderer and impact service; absent when no repos are configured. */
  gitops?: { gitRepos: Record<RepoKind, GitRepo>; renderer: Renderer; impact: ImpactService; remotes: Partial<Record<RepoKind, RemoteSpec>> };
}

export interface Checks {
  records: CheckRecords;
  /** Absent when checks are disabled or no repos are configured. */
  service?: CheckService;
  apiRouter: Router;
  pageRouter: Router;
}

/** The service and its providers' clients are loaded only when checks run (enabled, with repos). */
export async function createChecks(config: ChecksConfig, parts: ChecksParts): Promise<Checks> {
  const records = new CheckRecords(parts.store);
  const checks: Checks = { records, apiRouter: checksApiRouter(records), pageRouter: checkPageRouter(records) };
  if (!config.enabled || !parts.gitops) return checks;
  const [{ CheckService }, { ImpactAnalyzer }, { GitPullRequestSource }] = await Promise.all([
    import('../checks/checkService.ts'),
    import('../checks/impactAnalyzer.ts'),
    import('../checks/gitPullRequestSource.ts'),
  ]);
  const publishers: Partial<Record<ProviderName, CheckPublisher>> = {};
  if (config.github) publishers.github = new (await import('../checks/providers/githubPublisher.ts')).GithubPublisher(config.github);
  if (config.gitea) publishers.gitea = new (await import('../checks/providers/giteaPublisher.ts')).GiteaPublisher(config.gitea);
  if (config.gitlab) publishers.gitlab = new (await import('../checks/providers/gitlabPublisher.ts')).GitlabPublisher(config.gitlab);
  const { gitRepos, renderer, impact, remotes } = parts.gitops;
  checks.service = new CheckService({
    records,
    analyzer: new ImpactAnalyzer({
      impact,
      renderer,
      source: new GitPullRequestSource(gitRepos, remotes),
      devices: () => parts.store.listDevices({ state: 'MANAGED' }),
    }),
    differ: renderer.differ,
    publishers,
    logger: parts.logger.child({ component: 'checks' }),
    clock: parts.clock,
    context: config.context,
    comment: config.comment,
    drafts: config.drafts,
    maxQueued: config.maxQueued,
    keepPerPullRequest: config.keepPerPullRequest,
    maxDetailChars: config.detailMB * 1_000_000,
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
  });
  return checks;
}
