/**
 * Builds the GitOps services from the config: repo mirrors, render, impact and intake. The daemon wires the
 * result; the CLI (`netsync render`, `netsync impact`) uses the same pieces without a daemon.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GitRepo } from '../git/gitRepo.ts';
import { RepoSet } from '../git/repoSet.ts';
import { ImpactService, parseSettingsRules } from '../impact/index.ts';
import type { SyncStatusService } from '../inventory/syncStatus.ts';
import { NetsyncError } from '../model/errors.ts';
import type { Clock, Logger } from '../model/ports.ts';
import type { DeliveryLog, ExclusiveWork } from '../model/cluster.ts';
import { networkFromStore } from '../inventory/networkContext.ts';
import { parseByteSize } from '../model/byteSizeSchema.ts';
import type { InputLimits, RepoKind } from '../render/index.ts';
import { renderProcesses } from '../renderhost/index.ts';
import { Renderer, secretsFromEnv } from '../render/index.ts';
import type { RenderConfig } from '../render/configSchema.ts';
import { renderBudget } from '../render/configSchema.ts';
import type { Store } from '../model/store.ts';
import type { IntakeConfig, RepoLimitsConfig, ReposConfig } from '../intake/configSchema.ts';
import { repoLimitsSchema } from '../intake/configSchema.ts';
import { IntakeService } from '../intake/intakeService.ts';
import { refreshRepo } from '../intake/refreshRepo.ts';
import { readRepoState } from '../intake/repoState.ts';

export const DEFAULT_RULES_FILE = fileURLToPath(new URL('../../mapping/settings.yml', import.meta.url));

export interface GitOps {
  gitRepos: Record<RepoKind, GitRepo>;
  repoSet: RepoSet;
  renderer: Renderer;
  impact: ImpactService;
}

export interface GitOpsParts {
  repos: ReposConfig;
  dataDir: string;
  resolvePath: (p: string) => string;
  store?: Store;
  env?: NodeJS.ProcessEnv;
  /** netsync.yml `render` (default: the documented budgets). */
  render?: RenderConfig;
  /** The CLI's store is read once and closed: its renders take the network data from the devices it lists. */
  readOnlyStore?: boolean;
  /** Render processes (default one per core; the CLI uses one: starting a process costs more than its renders). */
  renderProcesses?: number;
}

export async function createGitOps(parts: GitOpsParts): Promise<GitOps> {
  const resolved = resolveRepos(parts.repos, parts.resolvePath);
  const limits = inputLimits(parts.repos.limits);
  const gitRepos = {
    settings: new GitRepo({ name: 'settings', ...strip(resolved.settings), maxFileBytes: limits.fileBytes }, join(parts.dataDir, 'repos', 'settings.git')),
    templates: new GitRepo({ name: 'templates', ...strip(resolved.templates), maxFileBytes: limits.fileBytes }, join(parts.dataDir, 'repos', 'templates.git')),
  };
  const store = parts.store;
  const repoSet = new RepoSet(gitRepos, async (repo) => (store ? (await readRepoState(store, repo)).knownGood : null));
  const renderer = new Renderer(repoSet, {
    secrets: secretsFromEnv(parts.env ?? process.env),
    limits,
    // The sandbox's second wall: renders run in child processes under netsync.yml `render`'s budget.
    executor: renderProcesses(parts.render ? renderBudget(parts.render) : {}, parts.renderProcesses),
    // The daemon's renders see the inventory's network data as it is now; the CLI attaches it to its devices.
    ...(store && !parts.readOnlyStore ? { withNetwork: networkFromStore(store) } : {}),
  });
  const rulesFile = parts.repos.rules ? parts.resolvePath(parts.repos.rules) : DEFAULT_RULES_FILE;
  const rulesText = await readFile(rulesFile, 'utf8').catch((err: Error) => {
    throw new NetsyncError('CONFIG_INVALID', `cannot read settings rules ${rulesFile}: ${err.message}`, { path: rulesFile });
  });
  const impact = new ImpactService(repoSet, renderer, parseSettingsRules(rulesText, rulesFile));
  return { gitRepos, repoSet, renderer, impact };
}

export interface IntakeParts extends GitOpsParts {
  store: Store;
  syncStatus: SyncStatusService;
  intake: IntakeConfig;
  logger: Logger;
  clock: Clock;
  /** Webhook deliveries already received (in the database when replicas share one). */
  deliveries?: DeliveryLog;
  /** Runs a repo's refresh under a claim every replica respects, so a push is processed once. */
  exclusive?: ExclusiveWork;
}

export async function createIntake(parts: IntakeParts): Promise<GitOpsService> {
  const gitops = await createGitOps(parts);
  const deps = {
    ...gitops,
    repos: gitops.gitRepos,
    store: parts.store,
    syncStatus: parts.syncStatus,
    logger: parts.logger,
    clock: parts.clock,
    precise: parts.intake.precise,
  };
  const intake = new IntakeService({
    repos: resolveRepos(parts.repos, parts.resolvePath),
    refresh: (repo, trigger) =>
      parts.exclusive ? parts.exclusive.run(`repo-refresh:${repo}`, () => refreshRepo(deps, repo, trigger)) : refreshRepo(deps, repo, trigger),
    ...(parts.deliveries ? { deliveries: parts.deliveries } : {}),
    logger: parts.logger.child({ component: 'intake' }),
    queueSize: parts.intake.queueSize,
    verdicts: {
      eventFor: async (repo, commit) =>
        (await parts.store.listRecords('repoEvents')).filter((e) => e.repo === repo && e.after === commit).sort((a, b) => b.at.localeCompare(a.at))[0],
      knownGood: async (repo) => (await readRepoState(parts.store, repo)).knownGood,
    },
  });
  return { ...gitops, intake };
}

/** netsync.yml `repos.limits` (sizes as text, e.g. `1mb`) as the renderer reads them. */
export function inputLimits(config: RepoLimitsConfig = repoLimitsSchema.parse({})): InputLimits {
  return { fileBytes: parseByteSize(config.fileSize), repoBytes: parseByteSize(config.repoSize), yamlAliases: config.yamlAliases, yamlDepth: config.yamlDepth };
}

function resolveRepos(repos: ReposConfig, resolvePath: (p: string) => string): ReposConfig {
  const fix = (r: ReposConfig['settings']) => (r.path ? { ...r, path: resolvePath(r.path) } : r);
  return { ...repos, settings: fix(repos.settings), templates: fix(repos.templates) };
}

function strip(r: ReposConfig['settings']): { path?: string; url?: string; branch: string; token?: string } {
  return { branch: r.branch, ...(r.path ? { path: r.path } : {}), ...(r.url ? { url: r.url } : {}), ...(r.token ? { token: r.token } : {}) };
}

export type GitOpsService = GitOps & { intake: IntakeService };
