/** `netsync jobs [ID]`: recent jobs, or one job with its per-device results and diffs. */
import type { Command } from 'commander';
import type { Job } from '../../model/job.ts';
import { ApiClient } from '../apiClient.ts';
import { printJson, shortActor, shortId } from '../format.ts';
import { resolveId } from '../idPrefix.ts';
import { addClientOptions, type ClientFlags } from '../options.ts';
import { formatTable } from '../table.ts';
import { naturalCompare } from '../../model/naturalCompare.ts';

const when = (iso: string | undefined) => (iso ? iso.replace('T', ' ').slice(0, 19) : '-');

function counts(job: Job): string {
  const n = Object.values(job.perDevice).reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
  return (
    Object.entries(n)
      .map(([s, c]) => `${c} ${s}`)
      .join(', ') || 'no devices'
  );
}

export function renderJobList(jobs: Job[]): string {
  const rows = jobs.map((j) => [shortId(j.id), j.kind, `${j.status}${j.args.dryRun ? ' (dry run)' : ''}`, when(j.createdAt), shortActor(j.by), counts(j)]);
  return `${formatTable(['ID', 'KIND', 'STATUS', 'CREATED', 'BY', 'DEVICES'], rows, { cut: [4, 5] })}\n${jobs.length} jobs, newest first (netsync jobs ID shows one)\n`;
}

export function changedLines(diff: string | undefined): number {
  if (!diff) return 0;
  return diff.split('\n').filter((l) => /^[+-]/.test(l) && !/^(\+\+\+|---)/.test(l)).length;
}

export function renderJobDetail(job: Job, withDiffs: boolean): string {
  const head = [
    `job ${job.id} (${job.kind}) ${job.status}${job.args.dryRun ? ' (dry run)' : ''}`,
    `  by ${job.by}${job.comment ? `, comment: ${job.comment}` : ''}${job.ticketRef ? `, ticket ${job.ticketRef}` : ''}`,
    `  created ${when(job.createdAt)}, started ${when(job.startedAt)}, finished ${when(job.finishedAt)}; ${job.progress.done}/${job.progress.total} devices done`,
    ...(job.error ? [`  error: ${job.error}`] : []),
  ];
  const entries = Object.entries(job.perDevice).sort(([a], [b]) => naturalCompare(a, b));
  const table = formatTable(
    ['HOSTNAME', 'RESULT', 'CHANGED LINES', 'ROLLBACK', 'ERROR'],
    entries.map(([h, r]) => [h, r.status, String(changedLines(r.diff)), r.rollbackStatus ?? '-', r.error ?? '']),
    { cut: [4] },
  );
  const diffs = withDiffs
    ? entries
        .filter(([, r]) => r.diff)
        .map(([h, r]) => `\n${h} (${r.status}):\n${r.diff!.replace(/^(Index:.*\n)?=+\n/, '').trimEnd()}\n`)
        .join('')
    : '';
  return `${head.join('\n')}\n${table}\n${counts(job)}\n${diffs}`;
}

export function registerJobs(program: Command): void {
  addClientOptions(
    program
      .command('jobs [id]')
      .description('recent jobs; with an ID (or its first characters) one job with per-device results and diffs')
      .option('--limit <n>', 'how many jobs to list', (v) => Math.max(1, Math.min(1000, Number.parseInt(v, 10) || 20)), 20)
      .option('--no-diff', 'leave the per-device diffs out')
      .option('--json', 'machine-readable output'),
  ).action(async (id: string | undefined, flags: ClientFlags & { limit: number; diff: boolean; json?: boolean }) => {
    const client = await ApiClient.create(flags);
    if (!id) {
      const { jobs } = await client.get<{ jobs: Job[] }>(`/api/v1/jobs?limit=${flags.limit}`);
      if (flags.json) printJson({ jobs });
      else process.stdout.write(renderJobList(jobs));
      return;
    }
    const full = await resolveId(id, async () => (await client.get<{ jobs: Job[] }>('/api/v1/jobs?limit=1000')).jobs.map((j) => j.id), 'job');
    const { job } = await client.get<{ job: Job }>(`/api/v1/jobs/${encodeURIComponent(full)}`);
    if (flags.json) printJson({ job });
    else process.stdout.write(renderJobDetail(job, flags.diff));
  });
}
