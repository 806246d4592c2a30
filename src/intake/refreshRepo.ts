/**
 * Brings netsync up to date with one repo's branch: fetch, diff the known-good commit against the new head,
 * validate, resolve the impact and mark the affected devices. Called from the queue for webhooks, hooks,
 * polls and the refresh API alike, so a lost webhook only delays the same work. Never throws for a bad
 * push: the result (and a repo event) says what happened.
 */
import { randomUUID } from 'node:crypto';
import type { GitRepo } from '../git/gitRepo.ts';
import type { ImpactedDevice, ImpactService } from '../impact/index.ts';
import { pushProblems, stuckDevices } from '../impact/index.ts';
import type { SyncStatusService } from '../inventory/syncStatus.ts';
import type { Device } from '../model/device.ts';
import type { Clock, Logger } from '../model/ports.ts';
import type { RepoKind, Renderer } from '../render/index.ts';
import type { Store } from '../model/store.ts';
import { devicesForChange } from './impactDevices.ts';
import type { RepoEvent, RepoEventKind, RepoState } from './repoState.ts';
import { readRepoState, writeRepoState } from './repoState.ts';

export interface RefreshResult {
  repo: RepoKind;
  status: RepoEventKind | 'up_to_date';
  before: string | null;
  after: string | null;
  commits: number;
  /** Devices marked unsynchronized, each with why. */
  marked: { hostname: string; commit: string; path: string; rule: string }[];
  /** Candidates whose intended config did not change ("touched, unchanged"). */
  unchanged: string[];
  problems: string[];
}

export interface RefreshDeps {
  store: Store;
  syncStatus: SyncStatusService;
  repos: Record<RepoKind, GitRepo>;
  impact: ImpactService;
  renderer: Renderer;
  logger: Logger;
  clock: Clock;
  precise: boolean;
}

const MARKABLE = new Set(['MANAGED', 'UNMANAGED']);
const MAX_REPO_EVENTS = 500;

export async function refreshRepo(deps: RefreshDeps, repo: RepoKind, trigger: string): Promise<RefreshResult> {
  const log = deps.logger.child({ repo, trigger });
  const git = deps.repos[repo];
  const state = await readRepoState(deps.store, repo);
  const head = await git.fetch();
  const result: RefreshResult = { repo, status: 'up_to_date', before: state.knownGood, after: head, commits: 0, marked: [], unchanged: [], problems: [] };
  if (!head) {
    log.warn({ branch: git.branch }, 'tracked branch does not exist (deleted?): the last known-good commit stays in force');
    // Once per disappearance: every poll finding it still gone would otherwise push real history out.
    const missing = { ...result, status: 'branch_missing' as const };
    return (await lastEvent(deps.store, repo))?.kind === 'branch_missing' ? missing : record(deps, missing, trigger);
  }
  if (head === state.lastProcessed) return result;

  const changedPaths = await git.changedPaths(state.knownGood, head);
  const devices = (await devicesForChange(deps.store, repo, changedPaths, deps.impact.rules)).filter((d) => MARKABLE.has(d.state));
  const impact = await deps.impact.computeImpact({ repo, before: state.knownGood, after: head, devices, changedPaths, precise: deps.precise });

  // Templates over the input limits (size) are refused even when no device includes them.
  const settingsProblems = repo === 'settings' ? (await deps.renderer.settingsAt(head)).problems : (await deps.renderer.templatesAt(head)).problems;
  result.problems = pushProblems({ settingsProblems, devices: impact.devices, baseline: !state.knownGood });
  const save = (s: Partial<RepoState>) => writeRepoState(deps.store, repo, { ...state, lastProcessed: head, ...s, updatedAt: deps.clock().toISOString() });
  if (result.problems.length > 0) {
    // How many commits the refused head carries beyond the known-good one (shown with the verdict).
    result.commits = state.knownGood ? ((await git.firstParentChain(state.knownGood, head))?.length ?? 1) : 1;
    await save({});
    log.warn({ commit: head, problems: result.problems }, 'push rejected: the last known-good commit stays in force');
    return record(deps, { ...result, status: 'rejected' }, trigger);
  }
  if (!state.knownGood) {
    // First sight of the repo: nothing to compare with; devices not yet synced are unsynchronized already.
    await save({ knownGood: head });
    log.info({ commit: head }, 'repo baseline recorded');
    return record(deps, { ...result, status: 'baseline' }, trigger);
  }

  const { commits, pathCommit } = await attribution(git, state.knownGood, head);
  result.commits = commits;
  const stuck = stuckDevices(impact.devices);
  const changed = impact.devices.filter((d) => d.changed && !stuck.includes(d));
  result.unchanged = impact.devices.filter((d) => !d.changed).map((d) => d.hostname);
  result.marked = await mark(deps, repo, changed, pathCommit, head);
  await markRenderFailed(deps, stuck, head);
  await save({ knownGood: head });
  log.info({ from: state.knownGood, to: head, commits, marked: result.marked.length, unchanged: result.unchanged.length }, 'push applied');
  return record(deps, { ...result, status: 'applied' }, trigger);
}

/**
 * A device that renders neither at the commit in force nor at the new one carries one open
 * `render_failed` event (shown in status and counted by the alarm), not a new change event per push.
 */
async function markRenderFailed(deps: RefreshDeps, stuck: ImpactedDevice<Device>[], head: string): Promise<void> {
  for (const d of stuck) {
    const open = await deps.store.listEvents({ hostname: d.hostname, openOnly: true });
    if (open.some((e) => e.cause === 'render_failed')) continue;
    await deps.syncStatus.markUnsynced([d.hostname], 'render_failed', { by: 'netsync', commit: head, detail: d.error! });
  }
}

/** Which commit of the push last touched each path, so a device is blamed on the commit (and author) that changed it. */
async function attribution(git: GitRepo, from: string, to: string): Promise<{ commits: number; pathCommit: Map<string, string> }> {
  const chain = await git.firstParentChain(from, to);
  const pathCommit = new Map<string, string>();
  // A force push, or a single commit (the usual push): everything is the head's, no per-commit diff needed.
  if (!chain || chain.length === 1) return { commits: 1, pathCommit };
  let parent = from;
  for (const sha of chain) {
    for (const path of await git.changedPaths(parent, sha)) pathCommit.set(path, sha);
    parent = sha;
  }
  return { commits: chain.length, pathCommit };
}

async function mark(
  deps: RefreshDeps,
  repo: RepoKind,
  changed: ImpactedDevice<Device>[],
  pathCommit: Map<string, string>,
  head: string,
): Promise<RefreshResult['marked']> {
  const cause = repo === 'settings' ? 'settings_changed' : 'templates_changed';
  const groups = new Map<string, { commit: string; detail: string; hostnames: string[] }>();
  const marked: RefreshResult['marked'] = [];
  for (const d of changed) {
    const reason = d.reasons[0]!;
    const commit = pathCommit.get(reason.path) ?? head;
    const more = d.reasonCount > 1 ? ` and ${d.reasonCount - 1} more` : '';
    const detail = `${repo} ${reason.path} (${reason.rule})${more}`;
    const key = `${commit}\u0000${detail}`;
    const group = groups.get(key) ?? { commit, detail, hostnames: [] };
    group.hostnames.push(d.hostname);
    groups.set(key, group);
    marked.push({ hostname: d.hostname, commit, path: reason.path, rule: reason.rule });
  }
  const authors = new Map<string, string>();
  for (const g of groups.values()) if (!authors.has(g.commit)) authors.set(g.commit, (await deps.repos[repo].commitInfo(g.commit)).author);
  const contexts = [...groups.values()].map((g) => ({ hostnames: g.hostnames, ctx: { by: authors.get(g.commit)!, commit: g.commit, detail: g.detail } }));
  await deps.syncStatus.markUnsyncedGroups(contexts, cause);
  return marked;
}

async function lastEvent(store: Store, repo: RepoKind): Promise<RepoEvent | undefined> {
  let last: RepoEvent | undefined;
  for (const e of await store.listRecords('repoEvents')) if (e.repo === repo && (!last || e.at >= last.at)) last = e;
  return last;
}

async function record(deps: RefreshDeps, result: RefreshResult, trigger: string): Promise<RefreshResult> {
  if (result.status === 'up_to_date') return result;
  const event: RepoEvent = {
    id: randomUUID(),
    repo: result.repo,
    kind: result.status,
    at: deps.clock().toISOString(),
    trigger,
    before: result.before,
    after: result.after,
    commits: result.commits,
    marked: result.marked.map((m) => m.hostname),
    unchanged: result.unchanged,
    problems: result.problems,
  };
  await deps.store.updateRecord('repoEvents', event.id, () => event);
  // History, not a log: keep the most recent events only.
  const events = await deps.store.listRecords('repoEvents');
  if (events.length > MAX_REPO_EVENTS) {
    const old = events.sort((a, b) => a.at.localeCompare(b.at)).slice(0, events.length - MAX_REPO_EVENTS);
    for (const e of old) await deps.store.deleteRecord('repoEvents', e.id);
  }
  return result;
}
