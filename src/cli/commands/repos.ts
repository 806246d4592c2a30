/** `netsync repos`: each repo's head, known-good commit, and the latest pushes with netsync's verdicts. */
import type { Command } from 'commander';
import type { RepoEvent } from '../../intake/repoState.ts';
import type { RepoStatus } from '../../intake/repoStatus.ts';
import { isNetsyncError } from '../../model/errors.ts';
import { ApiClient } from '../apiClient.ts';
import { formatDuration, printJson, shortId } from '../format.ts';
import { addClientOptions, type ClientFlags } from '../options.ts';
import { formatTable } from '../table.ts';

export type RepositoryView = Omit<RepoStatus, 'recent'> & { lastProcessed: string | null; updatedAt: string };

export interface RepositoriesAnswer {
  repositories: RepositoryView[];
  events: RepoEvent[];
}

/** The daemon's repos, or none when it tracks no repos (the endpoint then does not exist). */
export async function fetchRepositories(client: ApiClient): Promise<RepositoriesAnswer> {
  try {
    return await client.get<RepositoriesAnswer>('/api/v1/repositories');
  } catch (err) {
    if (isNetsyncError(err) && err.code === 'NOT_FOUND') return { repositories: [], events: [] };
    throw err;
  }
}

const short = (sha: string | null) => (sha ? shortId(sha) : '-');

/** One line per rejected repo head, for the top of `netsync status`; empty when every head is accepted. */
export function rejectedBanner(repos: RepositoryView[], now: Date): string {
  return repos
    .filter((r) => r.rejected)
    .map((r) => {
      const age = r.rejectedSince ? ` for ${formatDuration(now.getTime() - Date.parse(r.rejectedSince))}` : '';
      return `!! ${r.name} head ${short(r.head)} REJECTED${age}: the last known-good commit ${short(r.knownGood)} stays in force (netsync repos shows why)\n`;
    })
    .join('');
}

function verdict(e: RepoEvent): string {
  if (e.kind === 'rejected') return `REJECTED: ${e.problems.join('; ')}`;
  if (e.kind === 'applied') return `applied: ${e.marked.length} marked${e.unchanged.length ? `, ${e.unchanged.length} unchanged` : ''}`;
  if (e.kind === 'baseline') return 'baseline';
  return 'branch missing';
}

export function renderRepos(answer: RepositoriesAnswer, now: Date): string {
  if (answer.repositories.length === 0) return 'the daemon tracks no repos (no repos section in its config)\n';
  const repos = formatTable(
    ['REPO', 'HEAD', 'KNOWN-GOOD', 'STATE'],
    answer.repositories.map((r) => [
      r.name,
      short(r.head),
      short(r.knownGood),
      r.rejected ? `REJECTED${r.rejectedSince ? ` for ${formatDuration(now.getTime() - Date.parse(r.rejectedSince))}` : ''}: ${r.problems.join('; ')}` : 'ok',
    ]),
    { cut: [3] },
  );
  const pushes = formatTable(
    ['AT', 'REPO', 'COMMITS', 'TRIGGER', 'VERDICT'],
    answer.events.map((e) => [e.at.replace('T', ' ').slice(0, 19), e.repo, `${short(e.before)}..${short(e.after)} (${e.commits})`, e.trigger, verdict(e)]),
    { cut: [3, 4] },
  );
  return `${repos}\n\nlast pushes, newest first:\n${pushes}\n`;
}

export function registerRepos(program: Command): void {
  addClientOptions(
    program
      .command('repos')
      .description("each repo's head and known-good commit, and the latest pushes with netsync's verdicts")
      .option('--json', 'machine-readable output'),
  ).action(async (flags: ClientFlags & { json?: boolean }) => {
    const answer = await fetchRepositories(await ApiClient.create(flags));
    if (flags.json) printJson(answer);
    else process.stdout.write(renderRepos(answer, new Date()));
  });
}
